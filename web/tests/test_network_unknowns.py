"""The network page and list on a past date: confirmed and possible members apart, never
a member before it existed, and a timeline without an invented founding cliff (issue
#14, item 2). Synthetic test data."""

import datetime
import json
import re

import pytest
from django.utils.formats import date_format

from tests.factories import make_institution, make_membership, make_network, make_source

pytestmark = pytest.mark.django_db

D = datetime.date


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def committee():
    """Founded 1974; one founding member (dated), two listed only by a 2024 page, and one
    listed by it but founded only in 2014."""
    network = make_network(
        name="Test Committee",
        slug="test-committee",
        founded_on=D(1974, 1, 1),
        founded_on_precision="year",
    )
    listed = make_source(accessed_on=D(2024, 5, 14))
    make_membership(
        network=network,
        member_institution=make_institution(name="Founding Bank"),
        start_date=D(1974, 1, 1),
        start_date_precision="year",
    )
    for name in ("Undated One", "Undated Two"):
        make_membership(
            network=network, member_institution=make_institution(name=name), sources=[listed]
        )
    make_membership(
        network=network,
        member_institution=make_institution(name="Young Authority", founded_on=D(2014, 11, 4)),
        sources=[listed],
    )
    return network


def test_a_past_date_shows_confirmed_and_possible_members_apart(client, committee):
    response = client.get(f"/networks/{committee.slug}/?as_of=2010-01-01")
    assert response.status_code == 200
    page = text(response.content.decode())
    date = date_format(D(2010, 1, 1), "DATE_FORMAT")
    assert (
        f"1 confirmed member on {date}, and 2 possibly (start date unknown; first listed "
        "in 2024)" in page
    )
    members = page[page.index("Confirmed members") : page.index("What changed since")]
    assert "Founding Bank" in members
    possible = members[members.index("Possibly members") :]
    assert "Undated One" in possible and "Undated Two" in possible
    assert "Founding Bank" not in possible
    assert "first listed in 2024" in possible and "2024 or earlier" in possible
    # Founded in 2014: not a member in 2010, not even possibly.
    assert "Young Authority" not in members
    assert response.context["confirmed_count"] == 1
    assert response.context["possible_count"] == 2


def test_today_every_listed_member_is_confirmed(client, committee):
    page = text(client.get(f"/networks/{committee.slug}/").content.decode())
    assert "4 members" in page
    assert "Possibly members" not in page


def test_the_timeline_has_no_founding_cliff_of_undated_members(client, committee):
    response = client.get(f"/networks/{committee.slug}/")
    html = response.content.decode()
    data = re.search(
        r'<script id="timeline-data" type="application/json">(.*?)</script>', html, re.S
    )
    points = json.loads(data.group(1))
    first = points[0]
    # 1974: the one member with a recorded start; the undated two apart, the one founded
    # in 2014 not before then.
    assert (first["year"], first["members"], first["unknown_start"]) == (1974, 1, 2)
    by_year = {point["year"]: point for point in points}
    assert by_year[2013]["unknown_start"] == 2
    assert by_year[2014]["unknown_start"] == 3
    assert "Start date unknown" in html


def test_the_list_on_a_past_date_counts_both(client, committee):
    page = text(client.get("/networks/?as_of=2010-01-01").content.decode())
    assert "1 confirmed member, 2 possibly (start date unknown)" in page
    page = text(client.get("/networks/").content.decode())
    assert "4 members" in page
