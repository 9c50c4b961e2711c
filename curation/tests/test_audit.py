"""manage.py audit_directory (issue #14 item 5): suspicious facts by class, and the ratchet
that keeps their counts from rising. Synthetic test data."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.audit import CLASSES, audit
from networks.models import ListStatus
from tests.factories import (
    make_institution,
    make_membership,
    make_network,
    make_source,
    make_succession,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def clean():
    """A small directory with nothing suspicious in it."""
    network = make_network(founded_on=D(1990, 1, 1))
    member = make_institution(founded_on=D(1980, 1, 1))
    make_membership(
        network=network,
        member_institution=member,
        start_date=D(1995, 1, 1),
        start_date_precision="year",
        sources=[make_source(as_of=D(2020, 1, 1))],
    )
    return network, member


def run(*args) -> str:
    out = StringIO()
    call_command("audit_directory", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_clean_directory_has_nothing_to_report(clean):
    assert audit().counts() == dict.fromkeys(CLASSES, 0)


def test_each_class_finds_its_suspicious_fact(clean):
    network, member = clean
    late = make_institution(founded_on=D(2011, 1, 1), founded_on_precision="year", name="Late")
    make_membership(
        network=network,
        member_institution=late,
        start_date=D(2009, 1, 1),
        start_date_precision="year",
        sources=[make_source(as_of=D(2020, 1, 1))],
    )
    # Starts in its member's founding year: not before it.
    same_year = make_institution(founded_on=D(2012, 6, 1))
    make_membership(
        network=network,
        member_institution=same_year,
        start_date=D(2012, 1, 1),
        start_date_precision="year",
        sources=[make_source(as_of=D(2020, 1, 1))],
    )
    make_membership(
        network=network,
        member_institution=make_institution(),
        start_date=D(2001, 1, 1),
        end_date=D(2010, 1, 1),
        sources=[make_source(as_of=D(2025, 6, 30))],
    )
    make_membership(
        network=network,
        member_institution=make_institution(),
        start_date=D(2030, 1, 1),
        sources=[make_source(as_of=D(2025, 6, 30))],
    )
    make_network(name="Empty Network")
    alone = make_institution(name="Lonely Institution")
    # A body whose record says why the directory holds it is explained, not lonely (#20).
    explained = make_institution(listed_because="Member of a network not recorded yet.")
    # A body in a lineage is not lonely.
    predecessor = make_institution()
    make_succession(predecessor=predecessor, successor=member)
    complete = make_network(
        list_status=ListStatus.COMPLETE,
        list_total=3,
        list_as_of=D(2020, 1, 1),
        list_source=make_source(),
    )
    make_membership(network=complete, member_institution=make_institution())
    make_institution(name="Twin Authority", jurisdiction=member.jurisdiction)
    make_institution(name="The Twin Authority", jurisdiction=member.jurisdiction)

    found = audit().findings
    assert [f.record for f in found["membership_before_member"]] == [
        f"membership {late.memberships.get().pk} ({late.slug} in {network.slug})"
    ]
    assert len(found["ended_membership_still_listed"]) == 1
    assert len(found["date_after_source"]) == 1  # the start in 2030
    assert {f.record for f in found["network_without_members"]} >= {
        f"network {n.slug}" for n in type(network).objects.filter(name="Empty Network")
    }
    lonely = {f.record for f in found["institution_in_nothing"]}
    assert f"institution {alone.slug}" in lonely
    assert f"institution {predecessor.slug}" not in lonely
    assert f"institution {explained.slug}" not in lonely
    (differs,) = found["complete_list_count_differs"]
    assert "official total of 3, but 1 are listed" in differs.detail
    assert any("twin authority" in f.detail for f in found["duplicate_names"])


def test_the_command_prints_a_table_and_with_verbose_the_facts(clean):
    make_network(name="Empty Network", slug="empty-network")
    out = run()
    assert "network_without_members" in out and "network empty-network" not in out
    assert "network empty-network: no membership is recorded" in run("--verbose")


def test_the_ratchet_passes_when_equal_and_fails_when_a_count_rises(clean, tmp_path):
    baseline = tmp_path / "baseline.json"
    out = run("--write-baseline", str(baseline))
    assert "Baseline written" in out
    figures = json.loads(baseline.read_text())["counts"]
    assert set(figures) == set(CLASSES)
    assert "No count is above" in run("--baseline", str(baseline))
    # A seeded bad fact: a network without members.
    make_network(slug="seeded-empty")
    with pytest.raises(CommandError, match="rose above"):
        run("--baseline", str(baseline))
    # Once the baseline admits it, the same count passes; a fall asks to lower it.
    run("--write-baseline", str(baseline))
    assert "No count is above" in run("--baseline", str(baseline))
    type(clean[0]).objects.filter(slug="seeded-empty").delete()
    assert "lower it in" in run("--baseline", str(baseline))


def test_an_unreadable_baseline_is_a_clear_error(clean, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read the baseline"):
        run("--baseline", str(bad))
