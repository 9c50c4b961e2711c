"""Change history: one change set per action, one version per record, undo of any change set."""

import datetime

import pytest
from django.contrib.auth.models import User

from networks.models import Meeting, MeetingParticipant, Membership, OutcomeDocument
from sources.history import recording
from sources.models import ChangeKind, ChangeSet
from sources.services import UndoRefused, plan_undo, undo_change_set
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]


def test_a_block_that_writes_nothing_leaves_no_change_set():
    with recording(kind=ChangeKind.EDIT, reason="nothing"):
        pass
    assert not ChangeSet.objects.exists()


def test_everything_written_in_a_block_is_one_change_set_with_its_reason_and_curator():
    user = User.objects.create_user("curator")
    membership = make_membership()
    with recording(kind=ChangeKind.EDIT, reason="Checked the member page", user=user):
        membership.label = "ordinary member"
        membership.save()
        label_then = str(membership)
        membership.member_institution.acronym = "TI"
        membership.member_institution.save()
    change_set = ChangeSet.objects.get()
    assert (change_set.kind, change_set.reason, change_set.user) == (
        ChangeKind.EDIT,
        "Checked the member page",
        user,
    )
    version = membership.history.latest()
    assert version.change_set == change_set
    assert version.history_change_reason == "Checked the member page"
    assert version.history_user == user
    assert change_set.summary["counts"] == {
        "networks.membership": {"~": 1},
        "institutions.institution": {"~": 1},
    }
    item = next(i for i in change_set.summary["items"] if i["model"] == "networks.membership")
    assert item["fields"] == ["label"]
    assert item["label"] == label_then  # as the record read when it changed


def test_a_record_saved_then_given_sources_is_one_version_in_the_change_set():
    source = make_source()
    with recording(kind=ChangeKind.EDIT) as rec:
        institution = make_institution(sources=[source])
    versions = institution.history.filter(change_set=rec.change_set)
    assert versions.count() == 1
    version = versions.get()
    assert version.history_type == "+"
    assert list(version.sources.values_list("source_id", flat=True)) == [source.pk]


def test_a_record_created_and_deleted_in_one_change_set_leaves_no_version():
    with recording(kind=ChangeKind.EDIT) as rec:
        make_source()  # so that the change set has something
        membership = make_membership()
        pk = membership.pk
        membership.delete()
    assert not Membership.history.filter(id=pk, change_set=rec.change_set).exists()


def test_a_deleted_record_keeps_the_sources_it_cited_in_its_last_version():
    source = make_source()
    membership = make_membership(sources=[source])
    pk = membership.pk
    with recording(kind=ChangeKind.DELETE, reason="Duplicate"):
        membership.delete()
    deleted = Membership.history.get(id=pk, history_type="-")
    assert list(deleted.sources.values_list("source_id", flat=True)) == [source.pk]


def test_undoing_an_edit_restores_the_fields_and_sources_before_it():
    old_source, new_source = make_source(), make_source()
    membership = make_membership(sources=[old_source], label="member")
    with recording(kind=ChangeKind.EDIT, reason="wrong edit") as rec:
        membership.label = "observer, by mistake"
        membership.save()
        membership.sources.set([new_source])
    undo = undo_change_set(change_set=rec.change_set, reason="It was right before")
    membership.refresh_from_db()
    assert membership.label == "member"
    assert list(membership.sources.all()) == [old_source]
    assert undo.kind == ChangeKind.UNDO
    assert undo.undoes == rec.change_set


def test_undoing_a_deletion_restores_the_record_and_what_went_with_it_with_their_ids():
    meeting = make_meeting()
    participant = MeetingParticipant.objects.create(meeting=meeting, institution=make_institution())
    document = OutcomeDocument.objects.create(
        meeting=meeting, title="Communiqué", url="https://example.org/communique"
    )
    sources = list(meeting.sources.all())
    pk, title, created_at = meeting.pk, meeting.title, Meeting.objects.get(pk=meeting.pk).created_at
    with recording(kind=ChangeKind.DELETE, reason="Deleted by mistake") as rec:
        meeting.delete()
    assert not Meeting.objects.filter(pk=pk).exists()

    undo_change_set(change_set=rec.change_set, reason="Restore")

    restored = Meeting.objects.get(pk=pk)
    assert restored.title == title
    assert restored.created_at == created_at
    assert list(restored.sources.all()) == sources
    assert MeetingParticipant.objects.filter(pk=participant.pk, meeting=restored).exists()
    assert OutcomeDocument.objects.filter(pk=document.pk, meeting=restored).exists()
    # The restored records have a version of their own in the undo's change set.
    assert restored.history.latest().history_type == "+"


def test_undoing_a_creation_deletes_the_record():
    with recording(kind=ChangeKind.EDIT) as rec:
        membership = make_membership()
    undo_change_set(change_set=rec.change_set, reason="Not a member")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_undo_can_itself_be_undone():
    membership = make_membership(label="a")
    with recording(kind=ChangeKind.EDIT) as rec:
        membership.label = "b"
        membership.save()
    undo = undo_change_set(change_set=rec.change_set, reason="undo")
    undo_change_set(change_set=undo, reason="redo")
    membership.refresh_from_db()
    assert membership.label == "b"


def test_undo_is_refused_when_a_record_changed_again_since():
    membership = make_membership(label="a")
    with recording(kind=ChangeKind.EDIT) as first:
        membership.label = "b"
        membership.save()
    with recording(kind=ChangeKind.EDIT):
        membership.end_date = datetime.date(2024, 1, 1)
        membership.save()
    plan = plan_undo(first.change_set)
    assert plan.problems
    with pytest.raises(UndoRefused):
        undo_change_set(change_set=first.change_set, reason="too late")
    membership.refresh_from_db()
    assert membership.label == "b"


def test_a_change_set_is_undone_only_once():
    membership = make_membership(label="a")
    with recording(kind=ChangeKind.EDIT) as rec:
        membership.label = "b"
        membership.save()
    undo_change_set(change_set=rec.change_set, reason="once")
    with pytest.raises(UndoRefused, match="already undone"):
        undo_change_set(change_set=rec.change_set, reason="twice")
