"""Every kind of change set can be undone when nothing later depends on it (issue #15
item 8): each is made through its real code path (the loader, a list import, a merge,
the admin's edit, delete, revert and verify, an undo), undone, and the directory must be
as it was before. The data is the loader tests' synthetic dataset."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import models
from django.urls import reverse

from curation.loader import load_directory
from curation.member_lists import read_table
from curation.services import import_member_list
from curation.tests.test_loader import NETWORK, write_dataset
from institutions.models import Institution
from institutions.services import merge_institutions
from networks.models import Meeting, MeetingParticipant, Membership, Network
from sources.history import tracked_models
from sources.models import ChangeKind, ChangeSet, Source
from sources.services import plan_undo, undo_change_set
from tests.factories import make_meeting
from tests.test_admin_history import change, form_data

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

# Set on every save; an undo is a save too, so it moves on.
MOVING_FIELDS = {"updated_at"}


def directory() -> dict:
    """Every curated record, field by field, with the sources it cites."""
    state = {}
    for model in tracked_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in MOVING_FIELDS and not isinstance(f, models.AutoField)
        ]
        sourced = any(f.name == "sources" for f in model._meta.many_to_many)
        for obj in model._default_manager.prefetch_related(*(["sources"] if sourced else [])):
            values = {name: getattr(obj, name) for name in fields}
            if sourced:
                values["sources"] = sorted(s.pk for s in obj.sources.all())
            state[(model._meta.label, obj.pk)] = values
    return state


def differences(before: dict, after: dict) -> list[str]:
    found = []
    for key in sorted(before.keys() | after.keys(), key=str):
        if key not in after:
            found.append(f"{key}: missing")
        elif key not in before:
            found.append(f"{key}: added {after[key]}")
        elif before[key] != after[key]:
            changed = {k: (v, after[key][k]) for k, v in before[key].items() if v != after[key][k]}
            found.append(f"{key}: {changed}")
    return found


@pytest.fixture
def loaded(tmp_path):
    load_directory(write_dataset(tmp_path))
    return tmp_path


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def the_load(tmp_path, client):
    load_directory(write_dataset(tmp_path))


def a_second_load(tmp_path, client):
    edited = NETWORK.replace('start: "2009-03"', 'start: "2009-04-01"')
    load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": edited}))


def a_pruning_load(tmp_path, client):
    without_observer = NETWORK.replace("  - network: other-net\n    role: observer\n", "")
    load_directory(
        write_dataset(tmp_path, **{"networks/test-net.yaml": without_observer}), prune=True
    )


def an_import(tmp_path, client):
    """A member list with a new source, a new institution, a confirmation and an end."""
    table = read_table(
        "members.csv",
        b"Member,Country,Branch,Website,Membership\n"
        b"Test Central Bank,DE,,,Member\n"
        b"Brand New Authority,NO,regulator,https://new.example.org/,Member\n",
    )
    import_member_list(
        target=Network.objects.get(slug="test-net"),
        table=table,
        list_date=datetime.date(2025, 6, 30),
        source_url="https://net.example.org/members-2025",
        reason="annual check",
    )


def an_import_citing_a_known_source(tmp_path, client):
    """A list whose address is already a source: the source is read again, not added."""
    table = read_table("members.csv", b"Member,Membership\nTest Central Bank,Member\n")
    import_member_list(
        target=Network.objects.get(slug="test-net"),
        table=table,
        list_date=datetime.date(2025, 6, 30),
        source_url="https://net.example.org/members",
        end_missing=False,
    )


def a_merge(tmp_path, client):
    merge_institutions(
        survivor=Institution.objects.get(slug="de-central-bank"),
        merged=Institution.objects.get(slug="de-supervisor"),
        reason="the same authority",
    )


def an_admin_edit(tmp_path, client):
    institution = Institution.objects.get(slug="de-supervisor")
    response = change(client, institution, name="Renamed Supervisor", change_reason="renamed")
    assert response.status_code == 302


def a_meeting_with_a_participant(tmp_path, client):
    meeting = make_meeting(network=Network.objects.get(slug="test-net"), slug="to-delete")
    MeetingParticipant.objects.create(
        meeting=meeting, institution=Institution.objects.get(slug="de-supervisor")
    )


def an_admin_delete(tmp_path, client):
    """A meeting deleted, and its participants with it."""
    meeting = Meeting.objects.get(slug="to-delete")
    response = client.post(
        reverse("admin:networks_meeting_delete", args=[meeting.pk]),
        {"post": "yes", "change_reason": "never took place"},
    )
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


an_admin_delete.prepare = a_meeting_with_a_participant


def an_admin_revert(tmp_path, client):
    institution = Institution.objects.get(slug="de-supervisor")
    first = institution.history.order_by("history_id").first()
    url = reverse(
        "admin:institutions_institution_simple_history", args=[institution.pk, first.history_id]
    )
    response = client.post(url, form_data(client.get(url)) | {"change_reason": "back"})
    assert response.status_code == 302


def a_mistaken_edit(tmp_path, client):
    institution = Institution.objects.get(slug="de-supervisor")
    assert change(client, institution, name="Wrong Name", change_reason="typo").status_code == 302


an_admin_revert.prepare = a_mistaken_edit


def a_verification(tmp_path, client):
    membership = Membership.objects.filter(member_institution__isnull=False).first()
    response = client.post(reverse("admin:networks_membership_verify", args=[membership.pk]))
    assert response.status_code == 302


def an_undo(tmp_path, client):
    undo_change_set(change_set=ChangeSet.objects.latest("pk"), reason="wrong record")


an_undo.prepare = a_mistaken_edit


# What makes a change set of each kind; every kind of ChangeKind is here.
MAKERS = {
    ChangeKind.LOAD: [the_load, a_second_load, a_pruning_load],
    ChangeKind.IMPORT: [an_import, an_import_citing_a_known_source],
    ChangeKind.MERGE: [a_merge],
    ChangeKind.EDIT: [an_admin_edit],
    ChangeKind.DELETE: [an_admin_delete],
    ChangeKind.REVERT: [an_admin_revert],
    ChangeKind.VERIFY: [a_verification],
    ChangeKind.UNDO: [an_undo],
}
CASES = [(kind, make) for kind, makers in MAKERS.items() for make in makers]


def test_every_kind_of_change_set_is_covered():
    assert set(MAKERS) == set(ChangeKind.values)


@pytest.mark.parametrize(("kind", "make"), CASES, ids=[m.__name__ for _k, m in CASES])
def test_undoing_a_change_set_that_nothing_depends_on_restores_the_directory(
    kind, make, tmp_path, client, curator
):
    if make is not the_load:
        load_directory(write_dataset(tmp_path))
    if hasattr(make, "prepare"):
        make.prepare(tmp_path, client)
    before = directory()
    last = ChangeSet.objects.order_by("pk").last()
    make(tmp_path, client)
    change_set = ChangeSet.objects.order_by("pk").last()
    assert change_set != last and change_set.kind == kind
    assert directory() != before

    plan = plan_undo(change_set)
    assert plan.problems == []
    response = client.post(
        reverse("admin:sources_changeset_undo", args=[change_set.pk]),
        {"change_reason": "undo test"},
    )
    assert response.status_code == 302, response.context["problems"]

    # The list an import cites stays as a source: its change set (still shown on the
    # changes page, now marked undone) rests on it.
    kept = {
        ("sources.Source", pk)
        for pk in ChangeSet.objects.exclude(source=None).values_list("source", flat=True)
    } - before.keys()
    after = {key: values for key, values in directory().items() if key not in kept}
    assert differences(before, after) == []


def test_an_imported_lists_source_stays_and_is_said_to_stay(loaded):
    an_import(loaded, None)
    change_set = ChangeSet.objects.latest("pk")
    plan = plan_undo(change_set)
    kept = [s for s in plan.steps if s.action == "keep"]
    assert [s.label for s in kept] == ["https://net.example.org/members-2025"]
    undo_change_set(change_set=change_set, reason="wrong list")
    assert Source.objects.filter(url="https://net.example.org/members-2025").exists()
    assert not Institution.objects.filter(name="Brand New Authority").exists()
