"""Who may write what: each role against each write path.

Roles: anonymous, a staff account outside any group, a curator (the "Curators" group)
and a superuser. Write paths: the admin's add, change and delete pages of every curated
model, the list import, the merge, the undo, verification, the user and group admin,
and the API's write methods.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from institutions.models import Institution
from networks.models import MeetingParticipant
from sources.history import recording
from sources.models import ChangeKind
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_memorandum,
    make_signatory,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

PASSWORD = "a-long-test-password"


@pytest.fixture
def records():
    membership = make_membership()
    meeting = make_meeting()
    MeetingParticipant.objects.create(meeting=meeting, institution=make_institution())
    with recording(kind=ChangeKind.EDIT, reason="for the undo page") as rec:
        membership.label = "changed"
        membership.save()
    return {
        "sources.source": make_source(),
        "institutions.jurisdiction": membership.member_institution.jurisdiction,
        "institutions.institution": membership.member_institution,
        "networks.network": membership.network,
        "networks.membership": membership,
        "networks.memorandum": make_memorandum(),
        "networks.signatory": make_signatory(),
        "networks.meeting": meeting,
        "change_set": rec.change_set,
    }


def login(client, role: str) -> User | None:
    if role == "anonymous":
        return None
    user = User.objects.create_user(
        role, password=PASSWORD, is_staff=True, is_superuser=role == "superuser"
    )
    if role == "curator":
        user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def admin_url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def write_paths(records) -> list[tuple[str, str]]:
    """(method, url) of every admin write path, for the records above."""
    paths = []
    for label, obj in records.items():
        if label == "change_set":
            continue
        paths += [
            ("GET", admin_url(label, "add")),
            ("GET", admin_url(label, "change", obj.pk)),
            ("GET", admin_url(label, "delete", obj.pk)),
            ("GET", admin_url(label, "history", obj.pk)),
        ]
    network, memorandum = records["networks.network"], records["networks.memorandum"]
    institution = records["institutions.institution"]
    other = make_institution()
    paths += [
        ("GET", admin_url("networks.network", "import_list", network.pk)),
        ("GET", admin_url("networks.memorandum", "import_list", memorandum.pk)),
        (
            "GET",
            reverse("admin:institutions_institution_merge") + f"?ids={institution.pk},{other.pk}",
        ),
        ("GET", reverse("admin:sources_changeset_undo", args=[records["change_set"].pk])),
        ("GET", reverse("admin:networks_membership_verification")),
        (
            "POST",
            reverse("admin:networks_membership_verify", args=[records["networks.membership"].pk]),
        ),
    ]
    return paths


@pytest.mark.parametrize("role", ["anonymous", "staff", "curator", "superuser"])
def test_each_role_against_each_admin_write_path(client, records, role):
    login(client, role)
    for method, url in write_paths(records):
        response = client.post(url) if method == "POST" else client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
        elif role == "staff":
            assert response.status_code == 403, url
        else:
            assert response.status_code in (200, 302), (url, response.status_code)
            if response.status_code == 302:
                assert not response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.parametrize("role", ["anonymous", "staff", "curator"])
def test_only_a_superuser_manages_users_and_groups(client, role):
    login(client, role)
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:auth_group_add"),
    ):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403), url


def test_a_superuser_manages_users_and_groups(client):
    login(client, "superuser")
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_add")).status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_roles_without_curating_rights_cannot_post_changes(client, records, role):
    login(client, role)
    institution = records["institutions.institution"]
    name = institution.name
    client.post(
        admin_url("institutions.institution", "change", institution.pk),
        {"name": "Defaced", "change_reason": "x"},
    )
    client.post(
        admin_url("institutions.institution", "delete", institution.pk),
        {"post": "yes", "change_reason": "x"},
    )
    client.post(
        reverse("admin:sources_changeset_undo", args=[records["change_set"].pk]),
        {"change_reason": "x"},
    )
    institution.refresh_from_db()
    assert institution.name == name
    assert (
        records["networks.membership"]
        .__class__.objects.get(pk=records["networks.membership"].pk)
        .label
        == "changed"
    )


def test_change_sets_and_redirects_are_read_only_even_for_a_superuser(client, records):
    login(client, "superuser")
    change_set = records["change_set"]
    assert client.get(admin_url("sources.changeset", "change", change_set.pk)).status_code == 200
    assert client.get(admin_url("sources.changeset", "add")).status_code == 403
    assert client.get(admin_url("sources.changeset", "delete", change_set.pk)).status_code == 403
    assert client.get(admin_url("institutions.institutionredirect", "add")).status_code == 403


def test_a_curator_sees_history_change_sets_and_redirects(client, records):
    login(client, "curator")
    assert client.get(reverse("admin:sources_changeset_changelist")).status_code == 200
    assert client.get(reverse("admin:sources_changeset_deleted")).status_code == 200
    assert (
        client.get(reverse("admin:institutions_institutionredirect_changelist")).status_code == 200
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/institutions/",
        "/api/v1/networks/",
        "/api/v1/memberships/",
        "/api/v1/memoranda/",
        "/api/v1/meetings/",
        "/api/v1/sources/",
        "/api/v1/jurisdictions/",
    ],
)
def test_the_api_refuses_every_write_method(client, records, url):
    detail = {
        "/api/v1/institutions/": records["institutions.institution"].slug,
        "/api/v1/networks/": records["networks.network"].slug,
        "/api/v1/memberships/": records["networks.membership"].pk,
        "/api/v1/memoranda/": records["networks.memorandum"].slug,
        "/api/v1/meetings/": records["networks.meeting"].slug,
        "/api/v1/sources/": records["sources.source"].pk,
        "/api/v1/jurisdictions/": records["institutions.jurisdiction"].slug,
    }[url]
    login(client, "superuser")  # even a signed-in superuser: the API has no write handler
    for target in (url, f"{url}{detail}/"):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(target, {}, content_type="application/json")
            assert response.status_code == 405, (method, target)
    assert Institution.objects.filter(pk=records["institutions.institution"].pk).exists()


def test_repeated_failed_sign_ins_are_locked_out(client):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "curator", "password": "wrong"})
        assert response.status_code == 200
    # The fifth failure locks the account out for this address, even with the password.
    assert client.post(url, {"username": "curator", "password": "wrong"}).status_code == 429
    response = client.post(url, {"username": "curator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    # Another account from the same address is not locked out by them.
    User.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    response = client.post(url, {"username": "colleague", "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_sign_in_resets_the_count(client):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    url = reverse("admin:login")
    for _ in range(4):
        client.post(url, {"username": "curator", "password": "wrong"})
    assert client.post(url, {"username": "curator", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(url, {"username": "curator", "password": "wrong"})
    assert client.post(url, {"username": "curator", "password": PASSWORD}).status_code == 302
