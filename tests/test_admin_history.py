"""The curators' admin keeps history: reasons, change sets, compare, revert, delete and undo."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.models import Institution
from networks.models import Meeting, MeetingParticipant, Membership
from sources.models import ChangeKind, ChangeSet, Source
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_network,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def form_data(response) -> dict:
    """The POST data of an admin change form as it is shown, inlines included."""
    data = {}

    def add(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for inline_form in formset.forms:
            for name in inline_form.fields:
                add(inline_form, name)
    return data


def change(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_data(client.get(url)) | changes
    return client.post(url, data)


def test_a_change_needs_a_reason(client, curator):
    membership = make_membership()
    response = change(client, membership, label="ordinary member")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    membership.refresh_from_db()
    assert membership.label == ""
    assert not ChangeSet.objects.exists()


def test_a_change_is_one_version_with_its_reason_curator_and_change_set(client, curator):
    institution = make_institution(name="Old Name")
    response = change(
        client, institution, name="New Name", change_reason="Renamed in 2024 (annual report)"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change_set = ChangeSet.objects.get()
    assert (change_set.kind, change_set.user, change_set.reason) == (
        ChangeKind.EDIT,
        curator,
        "Renamed in 2024 (annual report)",
    )
    version = Institution.objects.get(pk=institution.pk).history.latest()
    assert (version.name, version.history_user, version.change_set) == (
        "New Name",
        curator,
        change_set,
    )
    assert version.history_change_reason == "Renamed in 2024 (annual report)"
    assert institution.history.filter(change_set=change_set).count() == 1


def test_adding_a_record_needs_no_reason_and_is_recorded(client, curator):
    network, institution, source = make_network(), make_institution(), make_source()
    response = client.post(
        reverse("admin:networks_membership_add"),
        {
            "network": network.pk,
            "member_institution": institution.pk,
            "role": "member",
            "start_date_precision": "day",
            "end_date_precision": "day",
            "sources": [source.pk],
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    version = membership.history.get()
    assert version.history_type == "+"
    assert list(version.sources.values_list("source_id", flat=True)) == [source.pk]
    assert ChangeSet.objects.get().summary["counts"] == {"networks.membership": {"+": 1}}


def test_the_history_page_lists_versions_to_compare(client, curator):
    institution = make_institution(name="Old Name")
    change(client, institution, name="New Name", change_reason="Renamed")
    response = client.get(reverse("admin:institutions_institution_history", args=[institution.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="old"' in page and 'name="new"' in page
    assert "Renamed" in page


def test_two_versions_compare_field_by_field(client, curator):
    institution = make_institution(name="Old Name", website="https://old.example.org/")
    change(
        client,
        institution,
        name="New Name",
        website="https://new.example.org/",
        change_reason="Renamed",
    )
    new, old = institution.history.order_by("-history_id")[:2]
    response = client.get(
        reverse("admin:institutions_institution_history_compare", args=[institution.pk]),
        {"old": old.history_id, "new": new.history_id},
    )
    assert response.status_code == 200
    changes = {c["field"]: (c["old"], c["new"]) for c in response.context["changes"]}
    assert changes["Name"] == ("Old Name", "New Name")
    assert changes["Website"] == ("https://old.example.org/", "https://new.example.org/")


def test_reverting_to_a_version_is_recorded_as_a_revert(client, curator):
    institution = make_institution(name="Right Name")
    change(client, institution, name="Wrong Name", change_reason="typo")
    before = institution.history.order_by("-history_id")[1]  # the version before the change
    url = reverse(
        "admin:institutions_institution_simple_history", args=[institution.pk, before.history_id]
    )
    data = form_data(client.get(url)) | {"change_reason": "Back to the right name"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    institution.refresh_from_db()
    assert institution.name == "Right Name"
    revert = ChangeSet.objects.order_by("pk").last()
    assert (revert.kind, revert.reason) == (ChangeKind.REVERT, "Back to the right name")


def test_deleting_needs_a_reason_and_can_be_undone(client, curator):
    meeting = make_meeting()
    MeetingParticipant.objects.create(meeting=meeting, institution=make_institution())
    pk = meeting.pk
    url = reverse("admin:networks_meeting_delete", args=[pk])
    page = client.get(url).content.decode()
    assert 'name="change_reason"' in page

    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Meeting.objects.filter(pk=pk).exists()
    assert "Give the reason for deleting." in response.content.decode()

    response = client.post(url, {"post": "yes", "change_reason": "Never took place"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=pk).exists()
    deletion = ChangeSet.objects.get(kind=ChangeKind.DELETE)
    assert deletion.reason == "Never took place"
    undo_url = reverse("admin:sources_changeset_undo", args=[deletion.pk])
    assert any(undo_url in str(m) for m in get_messages(response.wsgi_request))

    # The deleted-records page offers the undo.
    page = client.get(reverse("admin:sources_changeset_deleted")).content.decode()
    assert undo_url in page

    response = client.get(undo_url)
    assert response.status_code == 200
    assert response.context["plan"].recreates == 2  # the meeting and its participant
    response = client.post(undo_url, {"change_reason": "It did take place"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=pk).participants.count() == 1


def test_undo_needs_a_reason(client, curator):
    membership = make_membership()
    client.post(
        reverse("admin:networks_membership_delete", args=[membership.pk]),
        {"post": "yes", "change_reason": "duplicate"},
    )
    deletion = ChangeSet.objects.get()
    response = client.post(reverse("admin:sources_changeset_undo", args=[deletion.pk]), {})
    assert response.status_code == 200
    assert response.context["reason_missing"]
    assert not Membership.objects.exists()


def test_bulk_deleting_needs_a_reason(client, curator):
    memberships = [make_membership(), make_membership()]
    url = reverse("admin:networks_membership_changelist")
    selected = [m.pk for m in memberships]
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )
    assert response.status_code == 200
    assert Membership.objects.count() == 2
    response = client.post(
        url,
        {
            "action": "delete_selected",
            "_selected_action": selected,
            "post": "yes",
            "change_reason": "Duplicates of other records",
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.exists()
    deletion = ChangeSet.objects.get()
    assert deletion.summary["counts"] == {"networks.membership": {"-": 2}}


def test_a_source_still_cited_cannot_be_deleted(client, curator):
    source = make_source()
    make_membership(sources=[source])
    response = client.post(
        reverse("admin:sources_source_delete", args=[source.pk]),
        {"post": "yes", "change_reason": "tidying"},
    )
    assert Source.objects.filter(pk=source.pk).exists()
    assert "cites" in response.content.decode()


def test_a_change_set_page_lists_its_records(client, curator):
    institution = make_institution(name="Old Name")
    change(client, institution, name="New Name", change_reason="Renamed")
    change_set = ChangeSet.objects.get()
    response = client.get(reverse("admin:sources_changeset_change", args=[change_set.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "New Name" in page and "Renamed" in page


def test_memberships_are_marked_verified_singly_and_in_bulk(client, curator):
    today = datetime.date.today()
    one, two, three = make_membership(), make_membership(), make_membership()
    response = client.post(reverse("admin:networks_membership_verify", args=[one.pk]))
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.last_verified_on == today
    client.post(
        reverse("admin:networks_membership_changelist"),
        {"action": "mark_verified", "_selected_action": [two.pk, three.pk]},
    )
    assert set(Membership.objects.values_list("last_verified_on", flat=True)) == {today}
    kinds = list(ChangeSet.objects.values_list("kind", flat=True))
    assert kinds == [ChangeKind.VERIFY, ChangeKind.VERIFY]


def test_the_verification_page_lists_networks_with_stale_memberships(client, curator):
    stale = make_network(name="Stale Network")
    fresh = make_network(name="Fresh Network")
    make_membership(network=stale, last_verified_on=datetime.date(2020, 1, 1))
    make_membership(network=stale)
    make_membership(network=fresh, last_verified_on=datetime.date.today())
    response = client.get(reverse("admin:networks_membership_verification"))
    assert response.status_code == 200
    networks = {n.name: (n.stale, n.never) for n in response.context["networks"]}
    assert networks == {"Stale Network": (2, 1)}
    listed = client.get(
        reverse("admin:networks_membership_changelist"),
        {"network__id__exact": stale.pk, "verified": "stale"},
    )
    assert listed.context["cl"].result_count == 2


def test_the_admin_import_previews_then_applies_a_member_list(client, curator):
    network = make_network(slug="test-net")
    bank = make_institution(name="Test Central Bank")
    leaver = make_institution(name="Leaving Authority")
    make_membership(network=network, member_institution=leaver)
    url = reverse("admin:networks_network_import_list", args=[network.pk])
    assert (
        "Import a member list"
        in client.get(reverse("admin:networks_network_change", args=[network.pk])).content.decode()
    )
    upload = SimpleUploadedFile(
        "members.csv", b"Member,Membership\nTest Central Bank,Member\n", content_type="text/csv"
    )
    response = client.post(
        url,
        {
            "step": "upload",
            "file": upload,
            "source_url": "https://test-net.example.org/members",
            "source_title": "Members",
            "list_date": "2025-06-30",
            "end_missing": "on",
            "default_role": "member",
            "reason": "Annual check",
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    plan = response.context["plan"]
    assert plan.can_apply
    assert [a.kind for a in plan.actions] == ["add", "end"]
    assert not ChangeSet.objects.exists()  # the preview writes nothing

    mapping = {f"column_{f}": h for f, h in plan.columns.items()}
    response = client.post(
        url,
        {
            "step": "apply",
            "token": response.context["token"],
            "fingerprint": response.context["fingerprint"],
            **mapping,
        },
    )
    assert response.status_code == 302
    change_set = ChangeSet.objects.get()
    assert (change_set.kind, change_set.user, change_set.source.url) == (
        ChangeKind.IMPORT,
        curator,
        "https://test-net.example.org/members",
    )
    assert Membership.objects.get(member_institution=bank).last_verified_on == datetime.date(
        2025, 6, 30
    )
    assert Membership.objects.get(member_institution=leaver).end_date == datetime.date(2025, 6, 30)


def test_a_list_with_invalid_rows_offers_no_apply(client, curator):
    network = make_network()
    url = reverse("admin:networks_network_import_list", args=[network.pk])
    response = client.post(
        url,
        {
            "step": "upload",
            "file": SimpleUploadedFile("members.csv", b"Member\nNobody Known\n"),
            "source_url": "https://example.org/members",
            "list_date": "2025-06-30",
            "default_role": "member",
        },
    )
    page = response.content.decode()
    assert response.context["plan"].errors
    assert "no institution matches" in page
    assert 'value="apply"' not in page


def test_the_admin_merges_two_institutions(client, curator):
    survivor = make_institution(name="Bank of Testland", slug="tl-bank")
    duplicate = make_institution(name="Testland Bank", slug="tl-testland-bank")
    make_membership(member_institution=duplicate)
    response = client.post(
        reverse("admin:institutions_institution_changelist"),
        {"action": "merge_selected", "_selected_action": [survivor.pk, duplicate.pk]},
    )
    assert response.status_code == 302
    merge_url = response["Location"]
    preview = client.get(f"{merge_url}&survivor={survivor.pk}")
    assert preview.status_code == 200
    assert preview.context["reports"]
    ids = f"{survivor.pk},{duplicate.pk}"
    response = client.post(
        reverse("admin:institutions_institution_merge"),
        {"ids": ids, "survivor": survivor.pk, "change_reason": "The same bank"},
    )
    assert response.status_code == 302
    assert not Institution.objects.filter(slug="tl-testland-bank").exists()
    assert ChangeSet.objects.get().kind == ChangeKind.MERGE


def test_reverting_restores_the_sources_the_version_cited(client, curator):
    first_source, second_source = make_source(), make_source()
    membership = make_membership(sources=[first_source])
    change(client, membership, sources=[str(second_source.pk)], change_reason="better source")
    assert list(membership.sources.all()) == [second_source]
    before = membership.history.order_by("-history_id")[1]  # the version before the change
    url = reverse(
        "admin:networks_membership_simple_history", args=[membership.pk, before.history_id]
    )
    response = client.get(url)
    assert response.context["adminform"].form.initial["sources"] == [first_source.pk]
    client.post(url, form_data(response) | {"change_reason": "the first was right"})
    assert list(membership.sources.all()) == [first_source]
