"""The API says what is known of each membership's boundaries, and on a date which members
are confirmed and which only possible (issue #14, item 2). Synthetic test data."""

import datetime

import pytest
from rest_framework.test import APIClient

from tests.factories import make_institution, make_membership, make_network, make_source

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def committee():
    network = make_network(slug="tc", founded_on=D(1974, 1, 1), founded_on_precision="year")
    listed = make_source(accessed_on=D(2024, 5, 14))
    founding = make_membership(
        network=network,
        member_institution=make_institution(slug="founding-bank"),
        start_date=D(1974, 1, 1),
        start_date_precision="year",
    )
    undated = make_membership(
        network=network, member_institution=make_institution(slug="undated"), sources=[listed]
    )
    young = make_membership(
        network=network,
        member_institution=make_institution(slug="young", founded_on=D(2014, 11, 4)),
        sources=[listed],
    )
    gone = make_membership(
        network=network,
        member_institution=make_institution(slug="gone", dissolved_on=D(2013, 4, 1)),
        start_date=D(1990, 1, 1),
    )
    return network, {"founding": founding, "undated": undated, "young": young, "gone": gone}


def by_member(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content[:500]
    return {row["member_institution"]["slug"]: row for row in response.json()["results"]}


def test_each_membership_gives_its_boundaries_and_their_basis(api, committee):
    network, _ = committee
    rows = by_member(api.get(f"/api/v1/memberships/?network={network.slug}"))
    assert {
        key: rows["founding-bank"][key]
        for key in (
            "start_known",
            "start_precision",
            "confirmed_from",
            "start_basis",
            "counts_from",
            "counts_from_basis",
            "counts_until",
            "end_basis",
        )
    } == {
        "start_known": True,
        "start_precision": "year",
        "confirmed_from": "1974-01-01",
        "start_basis": "recorded",
        "counts_from": "1974-01-01",
        "counts_from_basis": "recorded",
        "counts_until": None,
        "end_basis": None,
    }
    undated = rows["undated"]
    assert (undated["start_known"], undated["start"]) == (False, None)
    assert (undated["confirmed_from"], undated["start_basis"]) == ("2024-05-14", "source_date")
    assert (undated["counts_from"], undated["counts_from_basis"]) == (
        "1974-01-01",
        "network_founded",
    )
    young = rows["young"]
    assert (young["counts_from"], young["counts_from_basis"]) == ("2014-11-04", "member_founded")
    gone = rows["gone"]
    assert (gone["counts_until"], gone["end_basis"]) == ("2013-03-31", "member_dissolved")
    # Today: the listed ones are confirmed; the dissolved member's does not count.
    assert [rows[slug]["status"] for slug in ("founding-bank", "undated", "young", "gone")] == [
        "confirmed",
        "confirmed",
        "confirmed",
        None,
    ]


def test_the_members_on_a_past_date_are_confirmed_or_possible(api, committee):
    network, _ = committee
    rows = by_member(api.get(f"/api/v1/networks/{network.slug}/members/?as_of=2010-01-01"))
    assert {slug: row["status"] for slug, row in rows.items()} == {
        "founding-bank": "confirmed",
        "gone": "confirmed",
        "undated": "possible",
    }
    detail = api.get(f"/api/v1/networks/{network.slug}/?as_of=2010-01-01").json()
    assert detail["member_count"] == 3
    assert detail["member_counts"] == {"confirmed": 2, "possible": 1}
    today = api.get(f"/api/v1/networks/{network.slug}/").json()
    assert today["member_counts"] == {"confirmed": 3, "possible": 0}
    listed = api.get("/api/v1/networks/?as_of=2010-01-01").json()["results"]
    assert [row["member_counts"] for row in listed] == [{"confirmed": 2, "possible": 1}]


def test_the_timeline_counts_undated_members_apart(api, committee):
    network, _ = committee
    years = {
        point["year"]: point
        for point in api.get(f"/api/v1/networks/{network.slug}/timeline/").json()["years"]
    }
    assert (years[1974]["members"], years[1974]["unknown_start"]) == (1, 1)
    assert (years[1990]["members"], years[1990]["unknown_start"]) == (2, 1)
    # The dissolved member's membership ends with it; the young one counts from 2014.
    assert (years[2013]["members"], years[2013]["unknown_start"]) == (1, 1)
    assert (years[2014]["members"], years[2014]["unknown_start"]) == (1, 2)
