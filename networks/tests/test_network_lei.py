"""Legal Entity Identifiers: one validator (sources.identifiers.validate_lei) for networks'
`lei` and institutions' LEI identifiers, the database's shape and uniqueness constraints,
the JSON-LD `leiCode`, and the loader.

Every LEI here is synthetic (test data only): its first 18 characters are made up and its
check digits computed with `lei_check_digits`, whose arithmetic is checked first against
a worked example published in a regulation, not against itself.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from curation.loader import load_directory
from curation.tests.test_loader import NETWORK, OTHER_NETWORK, problems_for, write_dataset
from institutions.models import IdentifierScheme, InstitutionIdentifier
from networks.models import Network
from sources.identifiers import lei_check_digits, lei_checksum_ok, validate_lei
from tests.factories import make_institution, make_network

pytestmark = pytest.mark.django_db

# Synthetic LEIs: made-up first 18 characters, computed check digits.
LEI_A = "LATTICETESTNET0001" + lei_check_digits("LATTICETESTNET0001")
LEI_B = "LATTICETESTNET0002" + lei_check_digits("LATTICETESTNET0002")


def wrong_check_digits(lei: str) -> str:
    """The same LEI with its last check digit changed: always refused, as MOD 97-10
    catches every single-digit error."""
    return lei[:-1] + str((int(lei[-1]) + 1) % 10)


def absolute(path: str) -> str:
    return f"https://lattice.example.org{path}"


def test_the_check_digits_follow_the_published_iso_7064_example():
    # 12 CFR Part 1003 (Regulation C), Appendix C, "Procedures for Generating a Check
    # Digit and Validating a ULI" (https://www.consumerfinance.gov/rules-policy/
    # regulations/1003/c/): ISO/IEC 7064 MOD 97-10, the algorithm of ISO 17442, worked on
    # the string 10Bx939c5543TqA1144M999143X, whose check digits it gives as 38.
    assert lei_check_digits("10Bx939c5543TqA1144M999143X") == "38"
    assert lei_checksum_ok("10Bx939c5543TqA1144M999143X38")
    assert not lei_checksum_ok("10Bx939c5543TqA1144M999143X39")


def test_the_validator_refuses_a_wrong_check_digit_and_a_wrong_shape():
    validate_lei(LEI_A)
    with pytest.raises(ValidationError, match="check digits do not match") as error:
        validate_lei(wrong_check_digits(LEI_A))
    assert error.value.code == "invalid_lei_checksum"
    for malformed in (LEI_A[:-1], LEI_A + "0", LEI_A.lower(), LEI_A[:18] + "AB", LEI_A + "\n"):
        with pytest.raises(ValidationError, match="20 characters") as error:
            validate_lei(malformed)
        assert error.value.code == "invalid_lei"


def test_a_network_with_a_wrong_check_digit_does_not_validate():
    network = make_network(lei=LEI_A)
    network.full_clean()
    network.lei = wrong_check_digits(LEI_A)
    with pytest.raises(ValidationError) as error:
        network.full_clean()
    assert list(error.value.message_dict) == ["lei"]


def test_an_institution_lei_is_checked_by_the_same_validator():
    institution = make_institution()
    identifier = InstitutionIdentifier(
        institution=institution, scheme=IdentifierScheme.LEI, identifier=LEI_A
    )
    identifier.full_clean()
    identifier.identifier = wrong_check_digits(LEI_A)
    with pytest.raises(ValidationError, match="check digits do not match") as error:
        identifier.full_clean()
    assert list(error.value.message_dict) == ["identifier"]
    # Other registers are not held to the LEI's rule.
    InstitutionIdentifier(
        institution=institution, scheme=IdentifierScheme.ROR, identifier="not-an-lei"
    ).full_clean()


def test_the_database_holds_the_shape_and_one_network_per_lei():
    make_network(lei=LEI_A)
    make_network(lei="")
    make_network(lei="")  # blank is not a value: any number of networks have none
    with pytest.raises(IntegrityError), transaction.atomic():
        make_network(lei=LEI_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_network(lei="lattice-not-an-lei")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_network(lei=LEI_B.lower())


def test_the_json_ld_gives_the_lei_code():
    network = make_network(slug="net", lei=LEI_A, wikidata_id="Q42")
    data = network.json_ld(absolute, [])
    assert data["leiCode"] == LEI_A
    assert "https://www.wikidata.org/wiki/Q42" in data["sameAs"]
    assert "leiCode" not in make_network(slug="plain").json_ld(absolute, [])

    institution = make_institution(slug="inst")
    InstitutionIdentifier.objects.create(
        institution=institution, scheme=IdentifierScheme.LEI, identifier=LEI_B
    )
    InstitutionIdentifier.objects.create(
        institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier="Q43"
    )
    data = institution.json_ld(absolute, [])
    assert data["leiCode"] == LEI_B
    assert "https://www.wikidata.org/wiki/Q43" in data["sameAs"]


def test_the_loader_reads_a_network_lei(tmp_path):
    network = NETWORK.replace("acronym: TN\n", f'acronym: TN\nlei: "{LEI_A}"\n')
    load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": network}))
    assert Network.objects.get(slug="test-net").lei == LEI_A
    assert Network.objects.get(slug="other-net").lei == ""


def test_the_loader_refuses_a_wrong_check_digit_and_a_shared_lei(tmp_path):
    wrong = wrong_check_digits(LEI_A)
    network = NETWORK.replace("acronym: TN\n", f'acronym: TN\nlei: "{wrong}"\n')
    problems = problems_for(tmp_path / "wrong", **{"networks/test-net.yaml": network})
    assert any("lei" in p and "check digits do not match" in p for p in problems), problems

    network = NETWORK.replace("acronym: TN\n", f'acronym: TN\nlei: "{LEI_A}"\n')
    other = OTHER_NETWORK.replace("name: Other Network\n", f'name: Other Network\nlei: "{LEI_A}"\n')
    problems = problems_for(
        tmp_path / "shared",
        **{"networks/test-net.yaml": network, "networks/other-net.yaml": other},
    )
    assert any(f"{LEI_A} is also given to" in p for p in problems), problems
