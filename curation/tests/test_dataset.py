"""The real dataset in data/ loads, loads idempotently, and says what it should."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from curation.backup import directory_models, export_directory, import_directory
from curation.loader import load_directory
from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Membership, Memorandum, Network, Signatory
from sources.models import Source

DATA = Path(settings.BASE_DIR) / "data"

# Loading data/ a second time takes several seconds before the first test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, real_dataset):
    """data/ once for this module (loaded, or copied from the run's first load: see
    tests/real_dataset.py), then loaded again over it; leave the database as it was
    afterwards."""
    with django_db_blocker.unblock():
        summary = real_dataset.put()
        second = load_directory(DATA)
        yield summary, second
        # Remove what we loaded, and its history. Raw deletes (no signals, so no history
        # of the clean-up); references are checked when the transaction commits.
        with transaction.atomic():
            for model in reversed(directory_models()):
                model._default_manager.all()._raw_delete(model._default_manager.db)


@pytest.fixture
def db_with_data(loaded, db):
    return loaded


def member_slugs(slug: str, on: datetime.date | None = None) -> set[str]:
    memberships = Membership.objects.filter(network__slug=slug)
    memberships = memberships.as_of(on) if on else memberships.current()
    return {
        m.member_institution.slug if m.member_institution else m.member_network.slug
        for m in memberships.select_related("member_institution", "member_network")
    }


def test_the_dataset_loads_and_a_second_load_changes_nothing(db_with_data):
    first, second = db_with_data
    assert first.changed
    assert not second.changed
    assert not second.left_alone


def test_the_dataset_is_large_enough(db_with_data):
    assert Network.objects.count() >= 50
    assert Institution.objects.count() >= 600
    assert Jurisdiction.objects.filter(institutions__isnull=False).distinct().count() >= 120
    assert Memorandum.objects.count() >= 15
    assert Meeting.objects.count() >= 60
    assert Network.objects.filter(dimension="vertical").exists()


def test_jurisdictions_keep_the_regions_the_loader_gave_them_from_the_packages(db_with_data):
    # Recorded when the loader asked country_converter itself (see the file's note); the
    # loader now reads the shipped table institutions/reference_data/countries.csv.
    before = json.loads((Path(__file__).parent / "jurisdiction_regions.json").read_text("utf-8"))
    now = {j.code: [j.region, j.subregion] for j in Jurisdiction.objects.order_by("code")}
    assert now == before["regions"]
    sectors = set(Network.objects.values_list("sector", flat=True))
    assert {
        "finance",
        "competition",
        "environment",
        "trade",
        "courts",
        "legislatures",
        "law_enforcement",
        "data_protection",
        "telecommunications",
    } <= sectors


def test_every_fact_cites_a_source(db_with_data):
    for model in (Institution, Network, Membership, Memorandum, Signatory, Meeting):
        assert not model.objects.filter(sources__isnull=True).exists(), model
    # A member is a fact about the network, sourced by its list (#20): a living member
    # whose own website no source gives is recorded without one, but it is then recorded
    # because a list, a memorandum or a meeting names it.
    unexplained = Institution.objects.filter(
        website="",
        dissolved_on__isnull=True,
        memberships__isnull=True,
        signatures__isnull=True,
        meeting_participations__isnull=True,
    )
    assert not unexplained.exists(), list(unexplained.values_list("slug", flat=True))


def test_spot_checks(db_with_data):
    basel = member_slugs("bcbs")
    assert {"de-bundesbank", "de-bafin"} <= basel
    assert "eu-commission" in member_slugs("fatf")
    assert {"iosco", "bcbs"} <= member_slugs("fsb")
    assert member_slugs("cec") == {"us-epa", "ca-eccc", "mx-semarnat"}
    # The IOSCO MMoU has tiers.
    assert Signatory.objects.filter(memorandum__slug="iosco-mmou", tier="Appendix A").count() > 50


def test_members_on_a_date_differ_from_members_today(db_with_data):
    # Russia's FATF membership was suspended on 24 February 2023.
    assert "ru-government" in member_slugs("fatf", datetime.date(2020, 1, 1))
    assert "ru-government" not in member_slugs("fatf")
    # The UK's competition authority left the European Competition Network with Brexit.
    assert "gb-cma" in member_slugs("ecn", datetime.date(2019, 1, 1))
    assert "gb-cma" not in member_slugs("ecn")
    assert Membership.objects.exclude(end_date=None).count() >= 20


def test_the_directory_round_trips_through_export_and_import(db_with_data, tmp_path):
    """Export, restore into an empty database, export again: the same files."""
    first = export_directory(tmp_path / "first")
    assert {f["model"] for f in first["files"] if f["rows"]} >= {
        "networks.membership",
        "networks.historicalmembership",
        "networks.historicalmembership_sources",
        "sources.changeset",
    }
    # Empty every directory table (inside this test's transaction, rolled back after).
    for model in reversed(directory_models()):
        model._default_manager.all()._raw_delete(model._default_manager.db)
    assert not Membership.objects.exists()

    import_directory(tmp_path / "first")
    second = export_directory(tmp_path / "second")

    for entry in first["files"]:
        assert (tmp_path / "first" / entry["file"]).read_bytes() == (
            tmp_path / "second" / entry["file"]
        ).read_bytes(), entry["file"]
    assert {k: v for k, v in first.items() if k != "exported_at"} == {
        k: v for k, v in second.items() if k != "exported_at"
    }
    # New records get fresh ids after a restore (PostgreSQL sequences moved on).
    assert Source.objects.create(url="https://example.org/after-restore", accessed_on="2025-01-01")
