"""One `as_of` rule, one answer: the network page, the networks list, the API's network,
its members, graph, map and timeline accept the same dates, refuse the same dates with
the same message, and show the same members on an accepted date.

The rule (sources/forms.py): YYYY-MM-DD from 1800-01-01 to ten years from today,
inclusive. A later date shows joins and departures already recorded for then.
Synthetic test data only.
"""

import datetime

import pytest
from django.utils import timezone

from institutions.models import Level
from sources.forms import as_of_latest
from tests.factories import make_institution, make_jurisdiction, make_membership, make_network

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
LATEST = as_of_latest(TODAY)
IN_TWO_YEARS = TODAY.replace(year=TODAY.year + 2, month=1, day=1)
IN_FIVE_YEARS = TODAY.replace(year=TODAY.year + 5, month=6, day=30)
OUT_OF_RANGE = f"Choose a date from 1800-01-01 to {LATEST.isoformat()}."
MALFORMED = "Enter a valid date."

ACCEPTED = [
    "2001-06-30",  # a date in the past
    "2012-12-31",  # the last day a year-precision end covers
    IN_FIVE_YEARS.isoformat(),  # after a recorded accession and a recorded withdrawal
    LATEST.isoformat(),  # the last day accepted
    "1800-01-01",  # the first day accepted
]
REFUSED = [
    ("2999-01-01", OUT_OF_RANGE),
    ((LATEST + datetime.timedelta(days=1)).isoformat(), OUT_OF_RANGE),
    ("1799-12-31", OUT_OF_RANGE),
    ("0001-01-01", OUT_OF_RANGE),
    ("2010-13-01", MALFORMED),
    ("30/06/2001", MALFORMED),
]


@pytest.fixture
def network():
    network = make_network(name="As Of Test Network", slug="as-of-test")
    france = make_jurisdiction(code="FR", name="France")
    members = {
        "founder": {"start_date": D(1990, 1, 1)},
        "left-in-2012": {
            "start_date": D(2005, 6, 1),
            "end_date": D(2012, 1, 1),
            "end_date_precision": "year",
        },
        "joins-later": {"start_date": IN_TWO_YEARS},
        "leaves-later": {"start_date": D(2000, 1, 1), "end_date": IN_TWO_YEARS},
    }
    for slug, dates in members.items():
        institution = make_institution(slug=slug, name=slug.replace("-", " ").title())
        make_membership(network=network, member_institution=institution, **dates)
    make_membership(
        network=network,
        member_institution=make_institution(slug="french-member", jurisdiction=france),
        start_date=D(2001, 1, 1),
    )
    make_membership(
        network=network,
        member_institution=make_institution(slug="international", level=Level.INTERNATIONAL),
        start_date=D(1995, 1, 1),
    )
    return network


def page(client, url, as_of):
    response = client.get(url, {"as_of": as_of})
    assert response.status_code == 200
    return response


def api(client, url, as_of):
    return client.get(url, {"as_of": as_of}, HTTP_ACCEPT="application/json")


def read_everywhere(client, slug: str, as_of: str) -> dict:
    """What each reader answers for `as_of`: the members it shows, or its refusal."""
    answers = {}
    detail = page(client, f"/networks/{slug}/", as_of)
    errors = detail.context["form"].errors.get("as_of")
    answers["network page"] = (
        ("refused", errors)
        if errors
        else ("members", {m.member.slug for m in detail.context["memberships"]})
    )
    listing = page(client, "/networks/", as_of)
    errors = dict(listing.context["filter_errors"])
    counts = {n.slug: n.member_count for n in listing.context["network_list"]}
    answers["networks list"] = (
        ("refused", errors.get("As of")) if errors else ("count", counts.get(slug, 0))
    )
    base = f"/api/v1/networks/{slug}/"
    for name, url in [
        ("API network", base),
        ("API members", f"{base}members/"),
        ("API graph", f"{base}graph/"),
        ("API map", f"{base}map/"),
        ("API timeline", f"{base}timeline/"),
    ]:
        response = api(client, url, as_of)
        if response.status_code == 400:
            error = response.json()["error"]
            assert list(error["fields"]) == ["as_of"], error
            answers[name] = ("refused", error["fields"]["as_of"])
            continue
        assert response.status_code == 200, (name, response.content[:300])
        body = response.json()
        if name == "API network":
            answers[name] = ("count", body["member_count"])
        elif name == "API members":
            slugs = {row["member_institution"]["slug"] for row in body["results"]}
            answers[name] = ("members", slugs)
        elif name == "API graph":
            answers[name] = ("members", {node["slug"] for node in body["nodes"][1:]})
        elif name == "API map":
            states = {area["code"]: area["count"] for area in body["jurisdictions"]}
            answers[name] = ("states", states)
        else:
            answers[name] = ("timeline", body["years"])
    return answers


@pytest.mark.parametrize("as_of", ACCEPTED)
def test_an_accepted_date_gives_the_same_members_everywhere(client, network, as_of):
    answers = read_everywhere(client, network.slug, as_of)
    assert not [name for name, (kind, _) in answers.items() if kind == "refused"], answers
    members = answers["network page"][1]
    assert answers["API members"][1] == members
    assert answers["API graph"][1] == members
    assert answers["networks list"][1] == len(members)
    assert answers["API network"][1] == len(members)
    # The map counts the member institutions of each state (an international body has none).
    states = {"DE": len(members - {"french-member", "international"})}
    states["FR"] = int("french-member" in members)
    assert answers["API map"][1] == {code: n for code, n in states.items() if n}
    # The timeline runs to today, or on to a later date; its last point counts the
    # members on its last day.
    years = answers["API timeline"][1]
    on = max(D.fromisoformat(as_of), TODAY)
    assert years[-1]["year"] == on.year
    if on != TODAY:
        assert years[-1]["members"] == len(members)


def test_recorded_future_changes_show_on_a_future_date(client, network):
    today = read_everywhere(client, network.slug, TODAY.isoformat())["network page"][1]
    later = read_everywhere(client, network.slug, IN_FIVE_YEARS.isoformat())["network page"][1]
    assert "joins-later" not in today and "joins-later" in later
    assert "leaves-later" in today and "leaves-later" not in later


@pytest.mark.parametrize(("as_of", "message"), REFUSED)
def test_a_refused_date_is_refused_everywhere_with_the_same_message(
    client, network, as_of, message
):
    answers = read_everywhere(client, network.slug, as_of)
    assert answers == dict.fromkeys(answers, ("refused", [message]))
    # The pages say so where the visitor looks: beside the date field, above the list.
    assert message in page(client, f"/networks/{network.slug}/", as_of).content.decode()
    assert message in page(client, "/networks/", as_of).content.decode()


def test_the_date_field_offers_exactly_the_accepted_range(client, network):
    html = client.get(f"/networks/{network.slug}/").content.decode()
    assert f'min="1800-01-01" max="{LATEST.isoformat()}"' in html


@pytest.mark.parametrize(("as_of", "message"), REFUSED[:1] + REFUSED[-2:-1])
def test_the_other_readers_of_as_of_refuse_alike(client, network, as_of, message):
    page_response = page(client, "/institutions/", as_of)
    assert dict(page_response.context["filter_errors"]) == {"As of": [message]}
    for url, query in [
        ("/api/v1/institutions/", {}),
        ("/api/v1/memberships/", {}),
        (f"/api/v1/networks/{network.slug}/coverage/", {}),
        ("/api/v1/lattice/", {}),
        ("/api/v1/jurisdiction-map/", {}),
        ("/api/v1/compare/", {"jurisdictions": "DE,FR"}),
    ]:
        response = client.get(url, {**query, "as_of": as_of})
        assert response.status_code == 400, url
        assert response.json()["error"]["fields"] == {"as_of": [message]}, url
