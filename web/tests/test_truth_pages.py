"""Issue #14 on the pages and in the API: lineage ("formerly", "succeeded by", the body
that existed on a date) and how complete each list is (beside every count, as a facet,
and in "who is missing"). Synthetic test data."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from networks.models import ListStatus
from sources.models import SuccessionKind
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
    make_succession,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def split():
    """An authority split into two on 1 April 2013 (synthetic)."""
    old = make_institution(name="Old Services Authority", dissolved_on=D(2013, 4, 1))
    conduct = make_institution(
        name="Conduct Authority", founded_on=D(2013, 1, 1), founded_on_precision="year"
    )
    prudential = make_institution(name="Prudential Authority")
    source = make_source(title="The split", as_of=D(2013, 4, 1))
    for new in (conduct, prudential):
        make_succession(
            predecessor=old,
            successor=new,
            kind=SuccessionKind.SPLIT_INTO,
            date=D(2013, 4, 1),
            sources=[source],
        )
    return old, conduct, prudential


def test_an_institution_page_says_formerly_and_succeeded_by_with_kind_date_and_source(
    client, split
):
    old, conduct, _prudential = split
    page = text(client.get(conduct.get_absolute_url()))
    assert "Formerly Old Services Authority (split, April 1, 2013) The split" in page
    page = text(client.get(old.get_absolute_url()))
    assert "Succeeded by Conduct Authority (split, April 1, 2013)" in page
    assert "Prudential Authority (split, April 1, 2013)" in page


def test_an_institution_page_on_a_date_before_its_founding_names_the_body_that_existed(
    client, split
):
    old, conduct, _ = split
    response = client.get(conduct.get_absolute_url() + "?as_of=2005-06-01")
    page = text(response)
    assert "On June 1, 2005, Conduct Authority did not exist." in page
    assert "these existed then: Old Services Authority" in page
    assert "On June 1, 2014 it existed" in text(
        client.get(conduct.get_absolute_url() + "?as_of=2014-06-01")
    )
    # The JSON-LD says it with the W3C Organization Ontology.
    (data,) = [d for d in json_ld(response.content.decode()) if d.get("name") == conduct.name]
    (event,) = data["http://www.w3.org/ns/org#resultedFrom"]
    assert event["http://www.w3.org/ns/org#originalOrganization"]["name"] == old.name


def test_a_network_page_shows_its_lineage_and_on_a_past_date_its_predecessor(client):
    forum = make_network(name="Stability Forum", dissolved_on=D(2009, 4, 1))
    board = make_network(name="Stability Board", founded_on=D(2009, 4, 1))
    make_succession(predecessor=forum, successor=board, date=D(2009, 1, 1), date_precision="year")
    assert "Formerly Stability Forum (replacement, 2009)" in text(
        client.get(board.get_absolute_url())
    )
    page = text(client.get(board.get_absolute_url() + "?as_of=2005-01-01"))
    assert "Stability Board did not exist" in page and "existed then: Stability Forum" in page


def test_a_renaming_within_one_record_shows_the_name_it_had_on_the_date(client):
    committee = make_network(name="Committee on Market Infrastructures")
    make_succession(
        successor=committee, former_name="Committee on Payment Systems", date=D(2014, 9, 1)
    )
    page = text(client.get(committee.get_absolute_url() + "?as_of=2000-01-01"))
    assert "Formerly Committee on Payment Systems (renaming, Sept. 1, 2014)" in page
    assert "it existed, under the name Committee on Payment Systems" in page


def test_the_api_gives_predecessors_and_successors_on_detail_only(client, split):
    old, conduct, _ = split
    data = client.get(reverse("api:institution-detail", kwargs={"slug": conduct.slug})).json()
    (predecessor,) = data["predecessors"]
    assert predecessor["institution"]["slug"] == old.slug
    assert (predecessor["kind"], predecessor["date"], predecessor["date_precision"]) == (
        "split_into",
        "2013-04-01",
        "day",
    )
    assert predecessor["sources"][0]["as_of"] == "2013-04-01"
    assert data["successors"] == []
    data = client.get(reverse("api:institution-detail", kwargs={"slug": old.slug})).json()
    assert {s["institution"]["slug"] for s in data["successors"]} == {
        conduct.slug,
        split[2].slug,
    }
    listed = client.get(reverse("api:institution-list")).json()["results"][0]
    assert "predecessors" not in listed
    network = make_network()
    make_succession(successor=network, former_name="Old Committee")
    data = client.get(reverse("api:network-detail", kwargs={"slug": network.slug})).json()
    assert data["predecessors"][0]["network"] is None
    assert data["predecessors"][0]["former_name"] == "Old Committee"


@pytest.fixture
def partial():
    """A network with 2 of 10 members recorded, per a dated source (synthetic)."""
    source = make_source(title="Official count", as_of=D(2022, 5, 1))
    network = make_network(
        name="Partial Network",
        list_status=ListStatus.PARTIAL,
        list_total=10,
        list_total_qualifier="about",
        list_unit="agencies",
        list_as_of=D(2022, 5, 1),
        list_source=source,
    )
    for code in ("DE", "FR"):
        make_membership(
            network=network,
            member_institution=make_institution(jurisdiction=make_jurisdiction(code=code)),
        )
    make_membership(network=network, member_institution=make_institution(), role="observer")
    return network


def test_the_completeness_is_beside_the_member_count_on_the_page_and_the_list(client, partial):
    page = text(client.get(partial.get_absolute_url()))
    assert "Our list: partial: 2 of about 10 agencies" in page
    assert "Official count" in page and "May 1, 2022" in page
    assert "does not show that it is not a member" in page
    listing = text(client.get(reverse("networks:network-list")))
    assert "Our list: partial: 2 of about 10 agencies" in listing


def test_the_network_list_has_a_completeness_facet_and_filter_shared_with_the_api(client, partial):
    other = make_network(name="Unknown Network")
    page = client.get(reverse("networks:network-list") + "?list_status=partial")
    assert partial.name in page.content.decode() and other.name not in page.content.decode()
    assert 'name="list_status"' in page.content.decode()
    api = client.get(reverse("api:network-list") + "?list_status=unknown").json()
    assert [n["slug"] for n in api["results"]] == [other.slug]
    statement = client.get(reverse("api:network-detail", kwargs={"slug": partial.slug})).json()[
        "list_completeness"
    ]
    assert statement == {
        "status": "partial",
        "listed": 2,
        "total": 10,
        "total_qualifier": "about",
        "unit": "agencies",
        "as_of": "2022-05-01",
        "source": {
            "document_url": partial.list_source.url,
            "title": "Official count",
            "publisher": "",
            "as_of": "2022-05-01",
        },
        "note": "",
        "statement": "partial: 2 of about 10 agencies",
    }


def test_a_memorandum_states_how_complete_its_signatories_are(client):
    source = make_source(as_of=D(2020, 1, 1))
    memorandum = make_memorandum(
        kind="bilateral",
        list_status=ListStatus.COMPLETE,
        list_total=2,
        list_as_of=D(2020, 1, 1),
        list_source=source,
    )
    make_signatory(memorandum=memorandum)
    make_signatory(memorandum=memorandum)
    assert "Our list: complete as of Jan. 1, 2020" in text(
        client.get(memorandum.get_absolute_url())
    )
    data = client.get(reverse("api:memorandum-detail", kwargs={"slug": memorandum.slug})).json()
    assert data["list_completeness"]["status"] == "complete"
    assert data["list_completeness"]["listed"] == 2


def test_who_is_missing_says_a_partial_list_cannot_prove_it(client, partial):
    page = text(client.get(partial.get_absolute_url()))
    assert "Only a complete list shows who is missing." in page
    url = reverse("api:network-coverage", kwargs={"slug": partial.slug})
    data = client.get(url + "?group=g7").json()
    assert data["list_status"] == "partial" and data["missing_proven"] is False
    assert "Only a complete list" in data["notice"]
    partial.list_status, partial.list_total = ListStatus.COMPLETE, 2
    partial.save()
    data = client.get(url + "?group=g7").json()
    assert data["missing_proven"] is True and data["notice"] == ""
    assert "Only a complete list shows who is missing." not in text(
        client.get(partial.get_absolute_url())
    )


def test_a_jurisdiction_page_marks_networks_whose_list_is_not_complete(client, partial):
    germany = partial.memberships.filter(member_institution__jurisdiction__code="DE").first()
    # A network of the same sector that Germany is not in, with an unknown list.
    absent = make_network(name="Absent Network", sector=partial.sector)
    japan = make_jurisdiction(code="JP")
    make_membership(network=absent, member_institution=make_institution(jurisdiction=japan))
    jurisdiction = germany.member_institution.jurisdiction
    data = client.get(
        reverse("api:jurisdiction-coverage", kwargs={"slug": jurisdiction.slug})
    ).json()
    (sector,) = data["sectors"]
    (entry,) = sector["absent"]
    assert (entry["slug"], entry["list_status"], entry["list_complete"]) == (
        absent.slug,
        "unknown",
        False,
    )
    assert "may be in it without our knowing" in text(client.get(jurisdiction.get_absolute_url()))
