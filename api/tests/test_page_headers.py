"""A list says what it holds, in every format (#17 item 6).

Before: `/api/v1/…/?format=csv` silently held the first 50 rows of 51, with nothing in
the download or its headers to tell a script that more existed; and a network's members
could not be had for every period.
"""

import csv
import datetime
import io

import pytest
from rest_framework.test import APIClient

from tests.factories import make_institution, make_membership, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def links(response) -> dict[str, str]:
    """rel -> URL from an RFC 8288 Link header."""
    found = {}
    for part in response.get("Link", "").split(","):
        if part.strip():
            url, rel = part.split(";")
            found[rel.strip().removeprefix('rel="').removesuffix('"')] = url.strip()[1:-1]
    return found


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_csv_page_says_how_many_rows_exist_and_where_the_next_page_is(api):
    for n in range(51):
        make_network(slug=f"n{n:02d}", name=f"Network {n:02d}")
    first = api.get("/api/v1/networks/?format=csv")
    assert first.status_code == 200
    assert len(rows(first)) == 50
    assert first["X-Total-Count"] == "51"
    assert set(links(first)) == {"next", "last"}
    following = api.get(links(first)["next"])
    assert "format=csv" in links(first)["next"]
    assert [row["slug"] for row in rows(following)] == ["n50"]
    assert following["X-Total-Count"] == "51"
    assert set(links(following)) == {"first", "prev"}
    assert "page=" not in links(following)["first"]


def test_a_single_page_has_no_links_and_json_gets_the_same_headers(api):
    make_network(slug="only")
    response = api.get("/api/v1/networks/?page_size=1&sector=finance")
    assert response.status_code == 200
    assert response["X-Total-Count"] == str(response.json()["count"])
    one = api.get("/api/v1/networks/")
    assert one["X-Total-Count"] == "1"
    assert "Link" not in one


def test_the_paging_headers_are_readable_across_origins(api):
    make_network(slug="only")
    response = api.get("/api/v1/networks/", HTTP_ORIGIN="https://elsewhere.example")
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"link", "x-total-count"} <= exposed


def test_a_networks_members_come_for_every_period(api):
    network = make_network(slug="periods")
    today = datetime.date.today()
    for slug, start, end in [
        ("now", datetime.date(2000, 1, 1), None),
        ("left", datetime.date(2000, 1, 1), datetime.date(2012, 6, 30)),
        ("soon", today + datetime.timedelta(days=400), None),
    ]:
        make_membership(
            network=network,
            member_institution=make_institution(slug=slug),
            start_date=start,
            end_date=end,
        )

    def members(query: str = "") -> set[str]:
        response = api.get(f"/api/v1/networks/periods/members/{query}")
        assert response.status_code == 200, response.content[:300]
        return {row["member_institution"]["slug"] for row in response.json()["results"]}

    assert members() == {"now"}
    assert members("?period=current") == {"now"}
    assert members("?period=ended") == {"left"}
    assert members("?period=all") == {"now", "left", "soon"}
    refused = api.get("/api/v1/networks/periods/members/?period=sometimes")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["period"]
