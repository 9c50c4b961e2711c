"""`?wikidata=` and `?lei=` on the shared FilterSets (institutions.filters for
institutions, networks.filters for networks): what they find, the bound on the list, the
refusal of malformed values, and the index that answers them. Synthetic test data only:
the QIDs are arbitrary numbers and the LEIs have made-up characters with computed check
digits (sources.identifiers.lei_check_digits)."""

import pytest
from django.db import connection

from institutions.models import IdentifierScheme, Institution, InstitutionIdentifier
from networks.filters import InstitutionFilterSet, NetworkFilterSet
from networks.models import Network
from sources.filters import MAX_LIST_VALUES
from sources.identifiers import lei_check_digits
from tests.factories import make_institution, make_network

pytestmark = pytest.mark.django_db

LEI_A = "LATTICETESTINST001" + lei_check_digits("LATTICETESTINST001")
LEI_B = "LATTICETESTINST002" + lei_check_digits("LATTICETESTINST002")


@pytest.fixture
def identified():
    one = make_institution(slug="one")
    two = make_institution(slug="two")
    make_institution(slug="none")
    for institution, qid, lei in ((one, "Q101", LEI_A), (two, "Q102", LEI_B)):
        InstitutionIdentifier.objects.create(
            institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier=qid
        )
        InstitutionIdentifier.objects.create(
            institution=institution, scheme=IdentifierScheme.LEI, identifier=lei
        )
    make_network(slug="net-one", wikidata_id="Q201", lei=LEI_A)
    make_network(slug="net-two", wikidata_id="Q202")
    make_network(slug="net-none")


def institutions(**data) -> list[str]:
    filterset = InstitutionFilterSet(data, queryset=Institution.objects.order_by("slug"))
    assert filterset.is_valid(), filterset.errors
    return [i.slug for i in filterset.qs]


def networks(**data) -> list[str]:
    filterset = NetworkFilterSet(data, queryset=Network.objects.order_by("slug"))
    assert filterset.is_valid(), filterset.errors
    return [n.slug for n in filterset.qs]


def errors(filterset_class, **data) -> dict:
    filterset = filterset_class(data, queryset=filterset_class._meta.model.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


def test_institutions_are_found_by_any_of_their_qids_or_leis(identified):
    assert institutions(wikidata="Q101") == ["one"]
    assert institutions(wikidata="Q101,Q102") == ["one", "two"]
    assert institutions(wikidata="Q999") == []
    assert institutions(lei=LEI_B) == ["two"]
    assert institutions(lei=f"{LEI_A},{LEI_B}") == ["one", "two"]
    # A QID is not looked for among the LEIs, nor the reverse.
    assert institutions(lei=LEI_A, wikidata="Q102") == []


def test_networks_are_found_by_their_qid_or_lei(identified):
    assert networks(wikidata="Q201,Q202") == ["net-one", "net-two"]
    assert networks(lei=LEI_A) == ["net-one"]
    assert networks(lei=LEI_B) == []


def test_case_is_forgiven(identified):
    assert institutions(wikidata="q101") == ["one"]
    assert networks(lei=LEI_A.lower()) == ["net-one"]


def test_a_well_formed_lei_with_wrong_check_digits_finds_nothing(identified):
    # Refusing it would break the schema's promise (api/tests/test_schema_fuzz.py): a
    # pattern cannot state a checksum. It names no record, as an unknown slug does.
    wrong = LEI_A[:-1] + str((int(LEI_A[-1]) + 1) % 10)
    assert institutions(lei=wrong) == []


@pytest.mark.parametrize("filterset_class", [InstitutionFilterSet, NetworkFilterSet])
def test_malformed_values_are_refused_with_the_rule(filterset_class):
    assert "Q123" in errors(filterset_class, wikidata="42")["wikidata"][0]
    assert "Q123" in errors(filterset_class, wikidata="Q101,Q0")["wikidata"][0]
    assert "Q123" in errors(filterset_class, wikidata=" Q101")["wikidata"][0]
    assert "Q123" in errors(filterset_class, wikidata="Q101\n")["wikidata"][0]
    assert "20 characters" in errors(filterset_class, lei=LEI_A + "\n")["lei"][0]
    assert "20 characters" in errors(filterset_class, lei="LATTICE")["lei"][0]
    assert "20 characters" in errors(filterset_class, lei=LEI_A[:18] + "XX")["lei"][0]
    assert "may not be empty" in errors(filterset_class, lei=f"{LEI_A},")["lei"][0].lower()


@pytest.mark.parametrize("filterset_class", [InstitutionFilterSet, NetworkFilterSet])
def test_the_list_is_bounded_like_every_list_valued_filter(filterset_class):
    qids = ",".join(f"Q{n}" for n in range(1, MAX_LIST_VALUES + 2))
    message = errors(filterset_class, wikidata=qids)["wikidata"][0]
    assert f"At most {MAX_LIST_VALUES} values" in message
    assert f"{MAX_LIST_VALUES + 1} were given" in message


def test_the_identifier_lookup_uses_the_unique_scheme_identifier_index(identified):
    filterset = InstitutionFilterSet({"wikidata": "Q101,Q102"}, queryset=Institution.objects)
    assert filterset.is_valid()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three rows are read fastest by a scan; ask whether the index can answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = filterset.qs.explain()
    # PostgreSQL names the constraint's index; SQLite made the constraint a table-level
    # UNIQUE, whose automatic index it names by its columns.
    assert "identifier_unique_in_scheme" in plan or "(scheme=? AND identifier=?)" in plan, plan


def test_the_network_lookups_use_the_partial_unique_indexes(identified):
    for data, index in (
        ({"wikidata": "Q201,Q202"}, "network_wikidata_unique"),
        ({"lei": LEI_A}, "network_lei_unique"),
    ):
        filterset = NetworkFilterSet(data, queryset=Network.objects)
        assert filterset.is_valid()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
            plan = filterset.qs.explain()
        assert index in plan, plan
