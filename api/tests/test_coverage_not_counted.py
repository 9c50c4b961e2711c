"""A jurisdiction's coverage in the API: the networks its page does not count as missing
(#18: `other_regions`, `not_open`) are in the response and documented in its schema, as
the page's "Not counted: ..." lines show them."""

import pytest
from rest_framework.test import APIClient

from networks.models import Reach, Role
from tests.factories import make_institution, make_jurisdiction, make_membership, make_network

pytestmark = pytest.mark.django_db

SIDES = {"in", "absent", "other_regions", "not_open"}


@pytest.fixture
def brazil():
    """Brazil in one network; one it may join, one of another region, one of a fixed
    group (test data only)."""
    brazil = make_jurisdiction(
        code="BR",
        name="Brazil",
        slug="brazil",
        region="americas",
        subregion="latin_america_caribbean",
    )
    argentina = make_jurisdiction(
        code="AR", name="Argentina", region="americas", subregion="latin_america_caribbean"
    )
    japan = make_jurisdiction(code="JP", name="Japan", region="asia", subregion="eastern_asia")
    ivory_coast = make_jurisdiction(
        code="CI", name="Côte d'Ivoire", region="africa", subregion="sub_saharan_africa"
    )
    regional = {"reach": Reach.REGIONAL}
    networks = {
        "global": make_network(slug="global"),
        "latin": make_network(slug="latin", **regional),
        "african": make_network(slug="african", **regional),
        "g7": make_network(slug="g7", reach=Reach.PLURILATERAL),
    }
    for slug, place in [
        ("global", brazil),
        ("latin", argentina),
        ("african", ivory_coast),
        ("g7", japan),
    ]:
        make_membership(
            network=networks[slug], member_institution=make_institution(jurisdiction=place)
        )
    # An observer from Brazil's region does not open the African network to it.
    make_membership(
        network=networks["african"],
        member_institution=make_institution(jurisdiction=argentina),
        role=Role.OBSERVER,
    )
    return brazil


def test_the_coverage_api_lists_what_is_not_counted_as_missing(brazil, client):
    response = APIClient().get("/api/v1/jurisdictions/brazil/coverage/")
    assert response.status_code == 200, response.content[:300]
    (sector,) = response.json()["sectors"]
    assert {side: [n["slug"] for n in sector[side]] for side in SIDES} == {
        "in": ["global"],
        "absent": ["latin"],
        "other_regions": ["african"],
        "not_open": ["g7"],
    }
    # Each listed as the others are: name, label, page, member count, list status.
    assert set(sector["not_open"][0]) == set(sector["absent"][0])
    # What the page says under its table: the same groups.
    html = client.get("/jurisdictions/brazil/").content.decode()
    assert "Not counted: 1 network open only to a fixed group" in html
    assert "Not counted: 1 regional network whose members all come from other regions" in html


def test_the_schema_documents_every_group_the_response_holds(brazil):
    api = APIClient()
    schema = api.get("/api/v1/schema/?format=json").json()
    operation = next(
        path["get"]
        for url, path in schema["paths"].items()
        if url == "/api/v1/jurisdictions/{slug}/coverage/"
    )
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    coverage = components[ref.rsplit("/", 1)[-1]]
    sector_ref = coverage["properties"]["sectors"]["items"]["$ref"]
    documented = components[sector_ref.rsplit("/", 1)[-1]]["properties"]
    assert set(documented) >= SIDES
    for side in ("other_regions", "not_open"):
        assert documented[side]["type"] == "array"
        assert documented[side]["description"].startswith("Not counted as missing")
    (sector,) = api.get("/api/v1/jurisdictions/brazil/coverage/").json()["sectors"]
    # Nothing in the response that the schema does not describe, and the reverse.
    assert set(sector) == set(documented)
