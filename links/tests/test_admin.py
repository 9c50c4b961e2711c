"""Curators list broken and stale links, see each link's history, and check now."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from links import services
from links.models import ErrorKind, Link
from links.services.checker import CheckOutcome
from tests.factories import make_institution, make_source

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:links_link_changelist")
NOW = timezone.now()


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


@pytest.fixture
def links(settings):
    settings.LINK_CHECK_BROKEN_AFTER = 3
    working = Link.objects.create(url="https://working.example/")
    services.record_check(working.pk, CheckOutcome(url="", ok=True, status_code=200), at=NOW)
    broken = Link.objects.create(url="https://broken.example/")
    down = CheckOutcome(url="", error_kind=ErrorKind.DNS, error_message="no such name")
    for hours in (30, 20, 1):
        services.record_check(broken.pk, down, at=NOW - datetime.timedelta(hours=hours))
    failing = Link.objects.create(url="https://failing.example/")
    services.record_check(
        failing.pk,
        CheckOutcome(url="", status_code=500, error_kind=ErrorKind.HTTP_ERROR, error_message="500"),
        at=NOW,
    )
    never = Link.objects.create(url="https://never.example/")
    return {"working": working, "broken": broken, "failing": failing, "never": never}


def listed(response) -> set[str]:
    return {link.url for link in response.context["cl"].result_list}


def test_the_curators_group_may_view_links_and_check_them_but_not_edit_them():
    group = Group.objects.get(name="Curators")
    codenames = set(
        group.permissions.filter(content_type__app_label="links").values_list("codename", flat=True)
    )
    assert codenames == {"view_link", "change_link", "view_checkresult", "change_checkresult"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=broken", {"broken"}),
        ("status=failing", {"failing"}),
        ("status=working", {"working"}),
        ("status=unchecked", {"never"}),
        ("freshness=stale", {"never"}),
        ("freshness=recent", {"working", "broken", "failing"}),
        ("error_kind__exact=dns", {"broken"}),
        ("q=failing.example", {"failing"}),
    ],
)
def test_curators_filter_the_links(client, curator, links, query, expected):
    response = client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert listed(response) == {links[name].url for name in expected}


def test_broken_links_are_listed_first(client, curator, links):
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_list[0] == links["broken"]
    assert b"Broken since" in response.content


def test_a_link_page_shows_its_history_and_the_records_using_it(client, curator, links):
    source = make_source(url=links["broken"].url, title="A broken source")
    make_institution(website=links["broken"].url, name="Ministry of Tests", sources=[source])
    response = client.get(reverse("admin:links_link_change", args=[links["broken"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("no such name") >= 3  # the last result, and the history
    assert "Ministry of Tests" in content and "A broken source" in content
    assert reverse("admin:sources_source_change", args=[source.pk]) in content
    assert 'name="_save"' not in content  # findings, not a form


def test_check_now_checks_on_the_spot_without_a_broker(client, curator, link_checking, server):
    link = Link.objects.create(url=server.url("/ok"))
    response = client.post(
        CHANGELIST, {"action": "check_now", "_selected_action": [link.pk]}, follow=True
    )
    assert "Checked 1: 1 working, 0 failing." in response.content.decode()
    link.refresh_from_db()
    assert link.status_code == 200


def test_check_now_says_so_while_checking_is_off(client, curator, settings, server):
    settings.LINK_CHECK_ENABLED = False
    link = Link.objects.create(url=server.url("/ok"))
    response = client.post(
        CHANGELIST, {"action": "check_now", "_selected_action": [link.pk]}, follow=True
    )
    assert "Link checking is off" in response.content.decode()
    assert server.seen == []


def test_check_now_queues_checks_when_there_is_a_broker(
    client, curator, link_checking, links, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "queue_is_eager", lambda: False)
    monkeypatch.setattr(
        "links.tasks.check_link.apply_async",
        lambda args, kwargs, **options: queued.append((args, kwargs)),
    )
    response = client.post(
        CHANGELIST,
        {"action": "check_now", "_selected_action": [links["broken"].pk]},
        follow=True,
    )
    assert "Queued 1 check" in response.content.decode()
    assert queued == [([links["broken"].pk], {"force": True})]


def test_links_are_not_added_or_edited_by_hand(client, curator, links):
    assert client.get(reverse("admin:links_link_add")).status_code == 403
    response = client.post(
        reverse("admin:links_link_change", args=[links["working"].pk]),
        {"url": "https://elsewhere.example/"},
    )
    assert response.status_code == 403
    assert Link.objects.filter(url="https://working.example/").exists()
