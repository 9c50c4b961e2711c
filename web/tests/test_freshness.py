""" "Last changed" on record pages is the last change of the record or its rows, never the
day the dataset was loaded (#18)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils.formats import date_format

from sources.history import recording
from sources.models import ChangeKind
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_network,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

UNCHANGED = "Unchanged since it was recorded from the dataset."


def loaded():
    """A network with a member, as the first dataset load records them."""
    with recording(kind=ChangeKind.LOAD, reason="Loaded from data/"):
        newer = make_source(as_of=datetime.date(2024, 5, 14))
        network = make_network(sources=[make_source(as_of=datetime.date(2019, 1, 1)), newer])
        institution = make_institution(sources=[newer])
        membership = make_membership(network=network, member_institution=institution)
    return network, institution, membership


def test_a_record_unchanged_since_the_first_load_says_so_with_its_newest_source(client):
    network, institution, _ = loaded()
    for record in (network, institution):
        page = client.get(record.get_absolute_url()).content.decode()
        assert UNCHANGED in page, record
        newest = date_format(datetime.date(2024, 5, 14), "DATE_FORMAT")
        assert f"Its newest source describes {newest}." in page
        assert "Last changed" not in page


def test_a_curators_change_to_a_member_dates_the_network_and_the_member_page(client):
    network, institution, membership = loaded()
    curator = User.objects.create_user("curator")
    with recording(kind=ChangeKind.EDIT, reason="Role corrected", user=curator) as rec:
        membership.label = "founding member"
        membership.save()
    for record in (network, institution):
        page = client.get(record.get_absolute_url()).content.decode()
        assert UNCHANGED not in page
        assert "Last changed:" in page
        assert f'href="/changes/{rec.change_set.pk}/"' in page


def test_a_later_load_that_changes_a_record_counts_as_a_change(client):
    network, _, _ = loaded()
    with recording(kind=ChangeKind.LOAD, reason="Loaded from data/ again") as rec:
        network.description = "Corrected in the dataset's files."
        network.save()
    page = client.get(network.get_absolute_url()).content.decode()
    assert f'href="/changes/{rec.change_set.pk}/"' in page


def test_a_new_participant_dates_its_meeting(client):
    with recording(kind=ChangeKind.LOAD, reason="Loaded from data/"):
        meeting = make_meeting()
    assert UNCHANGED in client.get(meeting.get_absolute_url()).content.decode()
    with recording(kind=ChangeKind.EDIT, reason="Attendance list read") as rec:
        meeting.participants.create(institution=make_institution(), role="participant")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="/changes/{rec.change_set.pk}/"' in page
