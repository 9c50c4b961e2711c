"""The public changes page and feeds: what changed, when and why; never who."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.history import recording
from sources.models import ChangeKind, ChangeSet
from sources.services import undo_change_set
from tests.factories import make_institution, make_jurisdiction, make_membership, make_source

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

CURATOR_NAME = "curator-whose-name-stays-private"

# Paginator count and the page of change sets; everything shown is on the change set.
LIST_QUERIES = 2
DETAIL_QUERIES = 1


@pytest.fixture
def curator():
    return User.objects.create_user(CURATOR_NAME, email="private@example.org")


def edit(curator, n: int = 1) -> list[ChangeSet]:
    change_sets = []
    for i in range(n):
        membership = make_membership()
        with recording(
            kind=ChangeKind.EDIT, reason=f"Checked the member page ({i})", user=curator
        ) as rec:
            membership.label = f"label {i}"
            membership.save()
        change_sets.append(rec.change_set)
    return change_sets


def test_the_changes_page_lists_recent_changes_with_reasons_and_records(client, curator):
    (change_set,) = edit(curator)
    membership = change_set.summary["items"][0]
    response = client.get(reverse("changes:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Checked the member page (0)" in page
    assert membership["label"] in page
    assert "changed (label)" in page
    assert reverse("changes:detail", args=[change_set.pk]) in page


def test_no_public_page_or_feed_names_the_curator(client, curator):
    edit(curator)
    for name in ("changes:list", "changes:rss", "changes:atom"):
        content = client.get(reverse(name)).content.decode()
        assert CURATOR_NAME not in content and "private@example.org" not in content, name
    change_set = ChangeSet.objects.get()
    content = client.get(reverse("changes:detail", args=[change_set.pk])).content.decode()
    assert CURATOR_NAME not in content


def test_an_import_shows_its_source(client, curator):
    source = make_source(url="https://network.example.org/members", title="Members")
    with recording(kind=ChangeKind.IMPORT, source=source):
        make_membership(sources=[source])
    page = client.get(reverse("changes:list")).content.decode()
    assert 'href="https://network.example.org/members"' in page


def test_the_changes_page_runs_a_fixed_number_of_queries(client, curator):
    edit(curator, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("changes:list"))
    edit(curator, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("changes:list"))
    assert len(response.context["entries"]) == 13
    assert len(one) == len(many) == LIST_QUERIES, [q["sql"] for q in many]


def test_a_change_set_page_shows_every_named_record(client, curator):
    source, _germany = make_source(), make_jurisdiction()
    with recording(kind=ChangeKind.EDIT, reason="Several at once", user=curator) as rec:
        for _ in range(3):
            make_institution(sources=[source])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("changes:detail", args=[rec.change_set.pk]))
    assert len(queries) == DETAIL_QUERIES
    assert len(response.context["records"]) == 3
    assert "3 institutions added" in response.content.decode()


def test_an_undo_links_to_what_it_undid(client, curator):
    (change_set,) = edit(curator)
    undo = undo_change_set(change_set=change_set, reason="Wrong label")
    page = client.get(reverse("changes:detail", args=[undo.pk])).content.decode()
    assert reverse("changes:detail", args=[change_set.pk]) in page


def test_the_feeds_list_recent_changes(client, curator):
    edit(curator, 2)
    rss = client.get(reverse("changes:rss"))
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert rss.content.decode().count("<item>") == 2
    atom = client.get(reverse("changes:atom"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "Checked the member page (1)" in atom.content.decode()


def test_the_changes_pages_have_no_inline_scripts_or_styles(client, curator):
    (change_set,) = edit(curator)
    for url in (reverse("changes:list"), reverse("changes:detail", args=[change_set.pk])):
        page = client.get(url).content.decode()
        assert " style=" not in page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page
