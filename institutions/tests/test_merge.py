"""Merging duplicate institutions: everything moves, old addresses redirect, it can be undone."""

import datetime

import pytest
from django.urls import reverse

from institutions.models import (
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionRedirect,
)
from institutions.services import MergeRefused, merge_institutions
from networks.models import Meeting, MeetingParticipant, Membership, Signatory
from sources.models import ChangeKind
from sources.services import undo_change_set
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_network,
    make_signatory,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]
D = datetime.date


@pytest.fixture
def pair():
    survivor = make_institution(name="Bank of Testland", acronym="BT", slug="tl-bt")
    duplicate = make_institution(
        name="Testland Central Bank", slug="tl-central-bank", website="https://bank.example.org/"
    )
    return survivor, duplicate


def test_a_merge_moves_everything_to_the_survivor_and_deletes_the_duplicate(pair):
    survivor, duplicate = pair
    network, meeting = make_network(), make_meeting()
    membership = make_membership(network=network, member_institution=duplicate)
    signatory = make_signatory(institution=duplicate)
    MeetingParticipant.objects.create(meeting=meeting, institution=duplicate)
    hosted = make_meeting(host=duplicate)
    InstitutionName.objects.create(institution=duplicate, name="TCB", language="en")
    InstitutionIdentifier.objects.create(
        institution=duplicate, scheme=IdentifierScheme.WIKIDATA, identifier="Q42"
    )
    child = make_institution(parent=duplicate)
    duplicate_pk = duplicate.pk

    report = merge_institutions(survivor=survivor, merged=duplicate, reason="Same bank")

    assert not Institution.objects.filter(pk=duplicate_pk).exists()
    membership.refresh_from_db()
    assert membership.member_institution == survivor
    assert Signatory.objects.get(pk=signatory.pk).institution == survivor
    assert MeetingParticipant.objects.get(meeting=meeting).institution == survivor
    assert Meeting.objects.get(pk=hosted.pk).host == survivor
    assert Institution.objects.get(pk=child.pk).parent == survivor
    assert set(survivor.other_names.values_list("name", flat=True)) == {
        "TCB",
        "Testland Central Bank",
    }
    assert survivor.identifiers.get().identifier == "Q42"
    assert InstitutionRedirect.objects.get(old_slug="tl-central-bank").institution == survivor
    assert report.change_set.kind == ChangeKind.MERGE
    assert report.change_set.reason == "Same bank"
    # The history records the merge: the duplicate's deletion and each move.
    assert Institution.history.filter(
        id=duplicate_pk, history_type="-", change_set=report.change_set
    ).exists()
    assert membership.history.latest().change_set == report.change_set


def test_a_membership_both_records_hold_is_combined_into_one(pair):
    survivor, duplicate = pair
    network = make_network()
    s1, s2 = make_source(), make_source()
    mine = make_membership(network=network, member_institution=survivor, sources=[s1])
    make_membership(
        network=network,
        member_institution=duplicate,
        start_date=D(1999, 1, 1),
        start_date_precision="year",
        sources=[s2],
    )
    merge_institutions(survivor=survivor, merged=duplicate)
    (combined,) = Membership.objects.filter(network=network)
    assert combined.pk == mine.pk
    assert combined.start_date == D(1999, 1, 1)
    assert set(combined.sources.all()) == {s1, s2}


def test_an_institution_is_not_merged_with_itself(pair):
    survivor, _duplicate = pair
    with pytest.raises(MergeRefused):
        merge_institutions(survivor=survivor, merged=survivor)


def test_a_dry_run_reports_and_writes_nothing(pair):
    survivor, duplicate = pair
    make_membership(member_institution=duplicate)
    report = merge_institutions(survivor=survivor, merged=duplicate, dry_run=True)
    assert any("membership" in line for line in report.lines)
    assert Institution.objects.filter(pk=duplicate.pk).exists()
    assert not InstitutionRedirect.objects.exists()


def test_the_merged_slug_redirects_permanently_to_the_survivor(client, pair):
    survivor, duplicate = pair
    merge_institutions(survivor=survivor, merged=duplicate)
    response = client.get("/institutions/tl-central-bank/")
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()
    response = client.get("/api/v1/institutions/tl-central-bank/?format=json")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/institutions/tl-bt/?format=json"
    assert client.get("/institutions/no-such-institution/").status_code == 404


def test_merging_a_survivor_again_keeps_its_old_slugs_redirecting(pair):
    survivor, duplicate = pair
    merge_institutions(survivor=survivor, merged=duplicate)
    final = make_institution(slug="tl-final")
    merge_institutions(survivor=final, merged=survivor)
    assert set(final.redirects.values_list("old_slug", flat=True)) == {"tl-central-bank", "tl-bt"}


def test_a_merge_can_be_undone(client, pair):
    survivor, duplicate = pair
    membership = make_membership(member_institution=duplicate)
    duplicate_pk = duplicate.pk
    report = merge_institutions(survivor=survivor, merged=duplicate, reason="Same bank")

    undo_change_set(change_set=report.change_set, reason="They are not the same")

    restored = Institution.objects.get(pk=duplicate_pk)
    assert restored.slug == "tl-central-bank"
    assert Membership.objects.get(pk=membership.pk).member_institution == restored
    assert not InstitutionRedirect.objects.exists()
    assert not survivor.other_names.exists()
    assert (
        client.get(reverse("institutions:institution-detail", args=["tl-central-bank"])).status_code
        == 200
    )
