"""The curators' admin: every model is there, and the Curators group curates records only."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q
from django.urls import reverse

from networks.models import Membership
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_network,
    make_signatory,
    make_source,
)
from tests.test_admin_history import form_data

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"sources", "institutions", "networks"}


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def domain_models():
    return [model for model in admin.site._registry if model._meta.app_label in DOMAIN_APPS]


def test_every_domain_model_is_in_the_admin():
    from django.apps import apps

    registered = {m._meta.label for m in domain_models()}
    # Inline-only models are edited on their parent's page.
    inline_only = {
        "institutions.InstitutionName",
        "institutions.InstitutionIdentifier",
        "networks.MeetingParticipant",
        "networks.OutcomeDocument",
    }
    expected = {
        m._meta.label
        for app in DOMAIN_APPS
        for m in apps.get_app_config(app).get_models()
        # Versions are read on each record's History page, not as models of their own.
        if not m.__name__.startswith("Historical")
    } - inline_only
    assert registered == expected


def test_the_curators_group_has_exactly_the_curating_permissions():
    group = Group.objects.get(name="Curators")
    domain = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS)
    # Curate every record; read (never write) its history, the change sets and the
    # redirects of merged institutions; undo change sets.
    read_only = domain.filter(
        Q(content_type__model__startswith="historical")
        | Q(content_type__model__in=["changeset", "institutionredirect"])
    )
    expected = (
        set(domain.exclude(pk__in=read_only).exclude(codename="undo_changeset"))
        | set(read_only.filter(codename__startswith="view_").exclude(codename__endswith="_sources"))
        | set(domain.filter(codename="undo_changeset"))
    )
    assert set(group.permissions.filter(content_type__app_label__in=DOMAIN_APPS)) == expected
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_a_curator_can_open_every_changelist_and_add_form(client, curator):
    make_membership()
    make_signatory()
    make_meeting()
    for model in domain_models():
        opts = model._meta
        # Change sets and merge redirects are written by curating, never by hand.
        read_only = opts.label in {"sources.ChangeSet", "institutions.InstitutionRedirect"}
        for view in ("changelist",) if read_only else ("changelist", "add"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            assert client.get(url).status_code == 200, url


def test_a_curator_can_open_a_network_with_its_member_inlines(client, curator):
    membership = make_membership()
    response = client.get(reverse("admin:networks_network_change", args=[membership.network.pk]))
    assert response.status_code == 200
    assert membership.member_institution.name in response.content.decode()


def test_a_curator_cannot_manage_users_or_groups(client, curator):
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_curator_adds_a_membership_with_its_source(client, curator):
    network, institution, source = make_network(), make_institution(), make_source()
    response = client.post(
        reverse("admin:networks_membership_add"),
        {
            "network": network.pk,
            "member_institution": institution.pk,
            "role": "member",
            "start_date": "2009-03-13",
            "start_date_precision": "day",
            "end_date_precision": "day",
            "sources": [source.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get()
    assert list(membership.sources.all()) == [source]


def test_the_admin_refuses_a_membership_ending_before_it_starts(client, curator):
    network, institution, source = make_network(), make_institution(), make_source()
    response = client.post(
        reverse("admin:networks_membership_add"),
        {
            "network": network.pk,
            "member_institution": institution.pk,
            "role": "member",
            "start_date": "2010-01-01",
            "start_date_precision": "day",
            "end_date": "2009-01-01",
            "end_date_precision": "day",
            "sources": [source.pk],
        },
    )
    assert response.status_code == 200
    assert "A membership cannot end before it starts." in response.content.decode()
    assert not Membership.objects.exists()


def test_institution_autocomplete_finds_by_acronym(client, curator):
    make_institution(name="Bundesanstalt für Finanzdienstleistungsaufsicht", acronym="BaFin")
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "bafin",
            "app_label": "networks",
            "model_name": "membership",
            "field_name": "member_institution",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Bundesanstalt für Finanzdienstleistungsaufsicht (BaFin)"
    ]


def test_anonymous_users_cannot_reach_the_admin(client):
    response = client.get(reverse("admin:networks_network_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_network_saves_as_opened_when_its_member_count_crosses_the_inline_limit(
    client, curator, monkeypatch
):
    """A network of many members is edited without its members inline (#18); another
    curator's edit between opening and saving may take the count across the limit.
    The save follows the page that was opened: no error, and no inline edit lost."""
    from networks.admin import NetworkAdmin

    monkeypatch.setattr(NetworkAdmin, "inline_member_limit", 2)
    first = make_membership()
    network = first.network
    make_membership(network=network)
    url = reverse("admin:networks_network_change", args=[network.pk])

    # Opened with its members inline (2 of at most 2), saved once a third has joined.
    opened = client.get(url)
    assert "memberships-TOTAL_FORMS" in opened.content.decode()
    data = form_data(opened) | {"change_reason": "Test edit"}
    (role_key,) = [
        k for k, v in data.items() if k.endswith("-role") and k.startswith("memberships-0")
    ]
    data[role_key] = "observer"
    make_membership(network=network)
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context and (
        saved.context["adminform"].form.errors,
        [f.errors for i in saved.context["inline_admin_formsets"] for f in i.formset.forms],
    )
    changed = Membership.objects.get(pk=data["memberships-0-id"])
    assert changed.role == "observer"

    # Opened without them (3 of at most 2), saved once one has gone.
    opened = client.get(url)
    assert "memberships-TOTAL_FORMS" not in opened.content.decode()
    data = form_data(opened) | {"change_reason": "Test edit"}
    Membership.objects.filter(network=network).exclude(pk=changed.pk).first().delete()
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context and (
        saved.context["adminform"].form.errors,
        [f.errors for i in saved.context["inline_admin_formsets"] for f in i.formset.forms],
    )
