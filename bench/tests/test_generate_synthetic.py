"""generate_synthetic: labelled, deterministic, and never on a database with real data."""

import pytest
from django.core.management import CommandError, call_command

from bench.management.commands.generate_synthetic import SYNTHETIC_URL
from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Membership, Memorandum, Network, Signatory
from sources.models import Source
from tests.factories import make_institution

pytestmark = pytest.mark.django_db

SCALE = "0.005"  # 100 institutions, 10 networks, 1,000 memberships


def snapshot() -> dict:
    return {
        "institutions": list(Institution.objects.values_list("slug", "name", "jurisdiction_id")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "network_id", "member_institution_id", "start_date", "end_date"
            )
        ),
        "signatories": list(
            Signatory.objects.order_by("pk").values_list("memorandum_id", "institution_id")
        ),
    }


def test_it_refuses_a_database_with_curated_data():
    make_institution(name="Bank of Somewhere")
    with pytest.raises(CommandError, match="curated data"):
        call_command("generate_synthetic", "--scale", SCALE)
    assert Institution.objects.count() == 1
    assert not Network.objects.exists()


def test_it_loads_a_labelled_directory_of_the_requested_size():
    call_command("generate_synthetic", "--scale", SCALE)
    assert Jurisdiction.objects.exclude(name__startswith="Synthetic").count() == 0
    assert Institution.objects.exclude(name__startswith="Synthetic").count() == 0
    assert Institution.objects.count() == 100
    assert Network.objects.count() == 10
    # Sizes are drawn per network: near the target, not on it, at so small a scale.
    assert 400 <= Membership.objects.count() <= 1100
    assert Memorandum.objects.count() == 100
    assert Meeting.objects.count() == 250
    source = Source.objects.get()
    assert source.url == SYNTHETIC_URL
    assert Membership.objects.filter(sources=source).count() == Membership.objects.count()
    # A network of exactly 30 members, the benchmark's small network.
    sizes = [n.memberships.count() for n in Network.objects.all()]
    assert 30 in sizes and max(sizes) > 30


def test_the_same_seed_gives_the_same_directory():
    call_command("generate_synthetic", "--scale", SCALE)
    first = snapshot()
    # Running again replaces the synthetic directory (and may, since it is all synthetic).
    call_command("generate_synthetic", "--scale", SCALE)
    assert snapshot() == first
    call_command("generate_synthetic", "--scale", SCALE, "--seed", "10")
    assert snapshot() != first


def test_reuse_keeps_a_matching_directory(capsys):
    call_command("generate_synthetic", "--scale", SCALE)
    first_pk = Institution.objects.order_by("pk").first().pk
    call_command("generate_synthetic", "--scale", SCALE, "--reuse")
    assert "Reusing" in capsys.readouterr().out
    assert Institution.objects.order_by("pk").first().pk == first_pk


def test_new_records_after_a_load_get_fresh_ids():
    call_command("generate_synthetic", "--scale", SCALE)
    source = Source.objects.create(url="https://example.invalid/other", accessed_on="2025-01-01")
    assert source.pk > 1
