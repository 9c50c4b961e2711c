"""Atom feeds of membership events (web/feeds.py): joined, left, role changed; per
network, institution and jurisdiction, and for a filtered list of networks."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest

from networks.models import Membership, Role
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_membership,
    make_network,
    make_source,
)

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict]:
    """The feed's entries, after checking what RFC 4287 requires of the feed and of each
    entry (id, title, updated; an author for the feed)."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)  # as a feed reader reads it
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert feed.find(ATOM + required) is not None, required
    found = []
    for entry in feed.findall(f"{ATOM}entry"):
        values = {child.tag.removeprefix(ATOM): (child.text or "") for child in entry}
        assert values.get("id") and values.get("title") and values.get("updated"), values
        values["link"] = entry.find(f"{ATOM}link").get("href")
        found.append(values)
    ids = [entry["id"] for entry in found]
    assert len(ids) == len(set(ids))
    return found


@pytest.fixture
def basel():
    network = make_network(name="Basel Committee", acronym="BCBS", slug="bcbs")
    france = make_jurisdiction(code="FR", name="France")
    banque = make_institution(name="Banque de France", slug="banque-de-france", jurisdiction=france)
    old = make_institution(name="An Old Supervisor", slug="old-supervisor", jurisdiction=france)
    observer = make_institution(name="An Observer", slug="an-observer")
    undated = make_institution(name="Undated Member", slug="undated-member")
    make_membership(
        network=network,
        member_institution=banque,
        start_date=D(2004, 1, 1),
        start_date_precision="year",
        sources=[make_source(url="https://www.bis.org/bcbs/membership.htm")],
    )
    make_membership(
        network=network,
        member_institution=old,
        start_date=D(1975, 1, 1),
        start_date_precision="year",
        end_date=D(2011, 6, 30),
    )
    make_membership(
        network=network, member_institution=observer, role=Role.OBSERVER, start_date=D(2020, 3, 1)
    )
    make_membership(network=network, member_institution=undated)
    return network


def titles(found) -> list[str]:
    return [entry["title"] for entry in found]


def test_a_network_feed_tells_who_joined_and_left_newest_first(client, basel):
    found = entries(client.get("/networks/bcbs/feed.atom"))
    assert titles(found) == [
        # Known only as recorded today: dated when Lattice recorded it.
        "Undated Member is recorded as member of Basel Committee (BCBS), since an unknown date",
        "An Observer joined Basel Committee (BCBS) as observer",
        "An Old Supervisor left Basel Committee (BCBS)",
        "Banque de France joined Basel Committee (BCBS)",
        "An Old Supervisor joined Basel Committee (BCBS)",
    ]
    by_title = {entry["title"]: entry for entry in found}
    joined = by_title["Banque de France joined Basel Committee (BCBS)"]
    assert joined["updated"].startswith("2004-01-01")
    # A date as precise as its source: the year only.
    assert "Since 2004." in joined["summary"]
    assert "https://www.bis.org/bcbs/membership.htm" in joined["summary"]
    assert joined["link"].endswith("/networks/bcbs/")
    unknown = by_title[
        "Undated Member is recorded as member of Basel Committee (BCBS), since an unknown date"
    ]
    assert "not known" in unknown["summary"]


def test_saving_a_record_is_not_an_event_but_a_new_role_is(client, basel):
    before = entries(client.get("/networks/bcbs/feed.atom"))
    membership = Membership.objects.get(member_institution__slug="banque-de-france")
    membership.label = "corrected label"  # a correction, not an event
    membership.save()
    assert titles(entries(client.get("/networks/bcbs/feed.atom"))) == titles(before)
    observer = Membership.objects.get(member_institution__slug="an-observer")
    observer.role = Role.MEMBER
    observer.save()
    after = entries(client.get("/networks/bcbs/feed.atom"))
    assert after[0]["title"] == "An Observer changed role in Basel Committee (BCBS): now member"
    assert len(after) == len(before) + 1


def test_institution_and_jurisdiction_feeds_hold_their_own_memberships(client, basel):
    other = make_network(name="Another Network", slug="another")
    make_membership(
        network=other,
        member_institution=make_institution(name="Elsewhere", slug="elsewhere"),
        start_date=D(2010, 1, 1),
    )
    mine = titles(entries(client.get("/institutions/banque-de-france/feed.atom")))
    assert mine == ["Banque de France joined Basel Committee (BCBS)"]
    france = titles(entries(client.get("/jurisdictions/fr/feed.atom")))
    assert sorted(france) == [
        "An Old Supervisor joined Basel Committee (BCBS)",
        "An Old Supervisor left Basel Committee (BCBS)",
        "Banque de France joined Basel Committee (BCBS)",
    ]
    assert client.get("/institutions/nobody/feed.atom").status_code == 404


def test_a_filtered_network_list_has_a_feed_and_bad_filters_say_why(client, basel):
    other = make_network(name="Another Network", slug="another")
    make_membership(
        network=other,
        member_institution=make_institution(name="Elsewhere", slug="elsewhere"),
        start_date=D(2010, 1, 1),
    )
    everything = titles(entries(client.get("/networks/feed.atom")))
    assert "Elsewhere joined Another Network" in everything
    only_basel = titles(entries(client.get("/networks/feed.atom", {"search": "Basel"})))
    assert "Elsewhere joined Another Network" not in only_basel
    assert "Banque de France joined Basel Committee (BCBS)" in only_basel
    refused = client.get("/networks/feed.atom", {"founded_after": "2020-13-01"})
    assert refused.status_code == 400
    assert "founded_after" in refused.content.decode()


def test_the_feed_runs_the_same_queries_for_few_and_many_members(
    client, basel, django_assert_num_queries
):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            entries(client.get("/networks/bcbs/feed.atom"))
        return len(queries)

    few = count()
    for n in range(60):
        make_membership(
            network=basel,
            member_institution=make_institution(),
            start_date=D(1990 + n % 30, 1, 1),
            end_date=D(2021, 1, 1) if n % 2 else None,
        )
    assert count() == few
    assert len(entries(client.get("/networks/bcbs/feed.atom"))) == 50


def test_record_pages_link_to_their_feeds(client, basel):
    for page, feed in (
        ("/networks/bcbs/", "/networks/bcbs/feed.atom"),
        ("/institutions/banque-de-france/", "/institutions/banque-de-france/feed.atom"),
        ("/jurisdictions/fr/", "/jurisdictions/fr/feed.atom"),
        ("/networks/?search=Basel", "/networks/feed.atom?search=Basel"),
    ):
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html, page
        assert f'href="{feed}"' in html, page
        assert f'<a href="{feed}" type="application/atom+xml">' in html, page  # visible too
