import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from institutions.models import (
    Branch,
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    Jurisdiction,
    JurisdictionKind,
    Level,
)
from sources.models import Source
from tests.factories import make_institution, make_jurisdiction, make_source

pytestmark = pytest.mark.django_db


def assert_refused_by_database(create, count_model):
    """The database itself refuses the row, and nothing is left half-written."""
    before = count_model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
    assert count_model.objects.count() == before


class TestJurisdiction:
    def test_it_accepts_iso_codes_and_the_eu(self):
        for code, kind in [("DE", "state"), ("HK", "territory"), ("EU", "union"), ("XK", "state")]:
            Jurisdiction(code=code, name=code, slug=code.lower(), kind=kind).full_clean()

    def test_it_rejects_an_unknown_country_code_with_a_clear_error(self):
        jurisdiction = Jurisdiction(code="ZZ", name="Nowhere", slug="nowhere")
        with pytest.raises(ValidationError) as excinfo:
            jurisdiction.full_clean()
        assert excinfo.value.message_dict["code"] == ["Unknown ISO 3166-1 country code: ZZ."]

    def test_it_rejects_an_unknown_union_code(self):
        with pytest.raises(ValidationError) as excinfo:
            Jurisdiction(code="AU", name="x", slug="x", kind=JurisdictionKind.UNION).full_clean()
        assert "code" in excinfo.value.message_dict

    def test_database_refuses_a_malformed_code(self):
        assert_refused_by_database(
            lambda: Jurisdiction.objects.create(code="de", name="Germany", slug="germany"),
            Jurisdiction,
        )

    def test_a_subdivision_needs_its_state(self):
        canada = make_jurisdiction(
            code="CA", name="Canada", region="americas", subregion="northern_america"
        )
        ontario = Jurisdiction(
            code="CA-ON",
            name="Ontario",
            slug="ontario",
            kind=JurisdictionKind.SUBDIVISION,
            parent=canada,
        )
        ontario.full_clean()
        assert_refused_by_database(
            lambda: Jurisdiction.objects.create(
                code="CA-QC", name="Quebec", slug="quebec", kind=JurisdictionKind.SUBDIVISION
            ),
            Jurisdiction,
        )

    def test_it_rejects_a_subdivision_of_another_state(self):
        germany = make_jurisdiction()
        with pytest.raises(ValidationError) as excinfo:
            Jurisdiction(
                code="CA-ON",
                name="Ontario",
                slug="ontario",
                kind=JurisdictionKind.SUBDIVISION,
                parent=germany,
            ).full_clean()
        assert "parent" in excinfo.value.message_dict

    def test_the_subregion_must_lie_in_the_region(self):
        bad = Jurisdiction(
            code="FR", name="France", slug="france", region="asia", subregion="western_europe"
        )
        with pytest.raises(ValidationError) as excinfo:
            bad.full_clean()
        assert excinfo.value.message_dict["subregion"] == ["Western Europe is not in Asia."]
        assert_refused_by_database(bad.save, Jurisdiction)


class TestInstitution:
    def test_only_international_and_supranational_bodies_may_lack_a_jurisdiction(self):
        source = make_source()
        Institution.objects.create(
            name="Bank for International Settlements",
            slug="bis",
            branch=Branch.INTERNATIONAL_ORGANISATION,
            level=Level.INTERNATIONAL,
        ).sources.add(source)
        national = Institution(
            name="Stray regulator", slug="stray", branch=Branch.REGULATOR, level=Level.NATIONAL
        )
        with pytest.raises(ValidationError) as excinfo:
            national.full_clean(exclude=["sources"])
        assert "Only international and supranational bodies may have no jurisdiction." in str(
            excinfo.value
        )
        assert_refused_by_database(national.save, Institution)

    def test_it_rejects_a_malformed_website(self):
        institution = make_institution()
        institution.website = "not a url"
        with pytest.raises(ValidationError) as excinfo:
            institution.full_clean()
        assert "website" in excinfo.value.message_dict

    def test_database_refuses_a_non_http_website(self):
        jurisdiction = make_jurisdiction()
        assert_refused_by_database(
            lambda: Institution.objects.create(
                name="x",
                slug="x",
                branch=Branch.REGULATOR,
                jurisdiction=jurisdiction,
                website="javascript:alert(1)",
            ),
            Institution,
        )

    def test_it_cannot_be_dissolved_before_it_is_founded(self):
        jurisdiction = make_jurisdiction()
        assert_refused_by_database(
            lambda: Institution.objects.create(
                name="x",
                slug="x",
                branch=Branch.REGULATOR,
                jurisdiction=jurisdiction,
                founded_on=datetime.date(2000, 1, 1),
                dissolved_on=datetime.date(1999, 1, 1),
            ),
            Institution,
        )

    def test_a_year_only_date_must_not_pretend_to_be_a_day(self):
        jurisdiction = make_jurisdiction()
        institution = Institution(
            name="x",
            slug="x",
            branch=Branch.REGULATOR,
            jurisdiction=jurisdiction,
            founded_on=datetime.date(1957, 8, 1),
            founded_on_precision="year",
        )
        with pytest.raises(ValidationError):
            institution.full_clean(exclude=["sources"])
        assert_refused_by_database(institution.save, Institution)
        institution.founded_on = datetime.date(1957, 1, 1)
        institution.save()
        assert institution.founded_display == "1957"

    def test_it_cannot_be_part_of_itself(self):
        parliament = make_institution(branch=Branch.LEGISLATURE)
        committee = make_institution(branch=Branch.LEGISLATURE, parent=parliament)
        parliament.parent = committee
        with pytest.raises(ValidationError) as excinfo:
            parliament.full_clean()
        assert "parent" in excinfo.value.message_dict

    def test_a_jurisdiction_with_institutions_cannot_be_deleted(self):
        institution = make_institution()
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            institution.jurisdiction.delete()


class TestIdentifiers:
    def test_a_wikidata_qid_must_look_like_one(self):
        institution = make_institution()
        assert_refused_by_database(
            lambda: InstitutionIdentifier.objects.create(
                institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier="153605"
            ),
            InstitutionIdentifier,
        )
        InstitutionIdentifier.objects.create(
            institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier="Q153605"
        )

    def test_one_identifier_names_one_institution(self):
        first, second = make_institution(), make_institution()
        InstitutionIdentifier.objects.create(
            institution=first, scheme=IdentifierScheme.WIKIDATA, identifier="Q1"
        )
        duplicate = InstitutionIdentifier(
            institution=second, scheme=IdentifierScheme.WIKIDATA, identifier="Q1"
        )
        with pytest.raises(ValidationError):
            duplicate.full_clean()
        assert_refused_by_database(duplicate.save, InstitutionIdentifier)


class TestSource:
    def test_it_rejects_a_malformed_url(self):
        with pytest.raises(ValidationError) as excinfo:
            Source(url="www.example.org/page", accessed_on=datetime.date(2025, 1, 1)).full_clean()
        assert "url" in excinfo.value.message_dict

    def test_database_refuses_a_non_http_url(self):
        assert_refused_by_database(
            lambda: Source.objects.create(
                url="ftp://example.org/x", accessed_on=datetime.date(2025, 1, 1)
            ),
            Source,
        )

    def test_database_refuses_a_duplicate_url(self):
        source = make_source()
        assert_refused_by_database(
            lambda: Source.objects.create(url=source.url, accessed_on=source.accessed_on), Source
        )
