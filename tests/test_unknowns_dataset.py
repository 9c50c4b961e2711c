"""Over the whole real dataset in data/: no membership counts on a date before its member
or network existed, or after either was dissolved; the Basel Committee's and the FATF's
pages, API and QuerySets agree on who is confirmed and who only possibly a member on a
past date; no timeline starts with a cliff of undated members (issue #14, item 2)."""

import datetime
import json
import re

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from curation.backup import directory_models
from networks.models import Membership, Network
from visuals import graphs

D = datetime.date
TODAY = timezone.localdate()
# 1 January of every year from 1970 to this one.
YEARS = [D(year, 1, 1) for year in range(1970, TODAY.year + 1)]
PAST = [D(2010, 1, 1), D(1990, 1, 1)]

# One load of data/ shared by the module (committed, see `loaded`): under xdist its tests
# run together on one worker, so that no other test meets that data.
pytestmark = [pytest.mark.xdist_group("unknowns-dataset"), pytest.mark.slow]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, real_dataset):
    """data/ once for this module (loaded, or copied from the run's first load: see
    tests/real_dataset.py); leave the database as it was afterwards."""
    with django_db_blocker.unblock():
        real_dataset.put()
        yield
        # Raw deletes (no signals, no history of the clean-up), as curation's dataset test.
        with transaction.atomic():
            for model in reversed(directory_models()):
                model._default_manager.all()._raw_delete(model._default_manager.db)


@pytest.fixture
def dataset(loaded, db):
    return Network.objects.get(slug="bcbs"), Network.objects.get(slug="fatf")


def existed(founded: datetime.date | None, dissolved: datetime.date | None, on) -> bool:
    return (founded is None or founded <= on) and (dissolved is None or dissolved > on)


def test_no_membership_counts_before_its_member_or_network_existed(dataset):
    lifetimes = [
        f"{body}__{field}"
        for body in ("member_institution", "member_network", "network")
        for field in ("founded_on", "dissolved_on")
    ]
    assert Membership.objects.filter(start_date=None).exists()
    counted = 0
    for on in YEARS:
        for pk, *dates in Membership.objects.as_of(on).values_list("pk", *lifetimes):
            counted += 1
            institution, member_network, network = (dates[i : i + 2] for i in (0, 2, 4))
            assert existed(*institution, on), (pk, on)
            assert existed(*member_network, on), (pk, on)
            assert existed(*network, on), (pk, on)
        # Every member on the date is either confirmed or possible.
        confirmed = set(Membership.objects.confirmed_on(on).values_list("pk", flat=True))
        possible = set(Membership.objects.possible_on(on).values_list("pk", flat=True))
        assert not confirmed & possible
        assert confirmed | possible == set(
            Membership.objects.as_of(on).values_list("pk", flat=True)
        )
    assert counted > 10_000


def page_counts(client, network: Network, on: datetime.date) -> tuple[int, int, str]:
    response = client.get(f"{network.get_absolute_url()}?as_of={on.isoformat()}")
    assert response.status_code == 200
    status = re.search(
        r'<p class="result-count" role="status">(.*?)</p>', response.content.decode(), re.S
    )
    return (
        response.context["confirmed_count"],
        response.context["possible_count"],
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", status.group(1))),
    )


@pytest.mark.parametrize("on", PAST)
@pytest.mark.parametrize("index", [0, 1], ids=["bcbs", "fatf"])
def test_the_page_the_api_and_the_querysets_agree_on_a_past_date(client, dataset, index, on):
    network = dataset[index]
    confirmed = network.memberships.confirmed_on(on).count()
    possible = network.memberships.possible_on(on).count()
    assert confirmed and possible
    confirmed_shown, possible_shown, line = page_counts(client, network, on)
    assert (confirmed_shown, possible_shown) == (confirmed, possible)
    assert f"{confirmed} confirmed members on" in line
    assert f"and {possible} possibly (start date unknown; first listed" in line

    api = APIClient()
    detail = api.get(f"/api/v1/networks/{network.slug}/?as_of={on.isoformat()}").json()
    assert detail["member_counts"] == {"confirmed": confirmed, "possible": possible}
    assert detail["member_count"] == confirmed + possible
    members = api.get(
        f"/api/v1/networks/{network.slug}/members/?as_of={on.isoformat()}&page_size=1000"
    ).json()["results"]
    statuses = [row["status"] for row in members]
    assert (statuses.count("confirmed"), statuses.count("possible")) == (confirmed, possible)
    # Each possible member's start is unknown, and only a later source lists it.
    for row in members:
        if row["status"] == "possible":
            assert not row["start_known"]
            assert row["confirmed_from"] is None or row["confirmed_from"] > on.isoformat()


def test_the_basel_committee_on_1_january_2010_lists_no_body_founded_later(dataset):
    bcbs, _ = dataset
    on = D(2010, 1, 1)
    held = bcbs.memberships.as_of(on).select_related("member_institution", "member_network")
    assert all(row.member.founded_on is None or row.member.founded_on <= on for row in held)
    slugs = {row.member.slug for row in held}
    # Founded 2011 (EBA, OJK) and 2014 (the SSM): not members then, not even possibly.
    assert not {"eu-eba", "id-ojk", "eu-ecb-banking-supervision"} & slugs


def test_no_timeline_starts_with_a_cliff_of_undated_members(client, dataset):
    _, fatf = dataset
    for network in Network.objects.all():
        points = graphs.network_timeline(graphs.membership_spans(network))
        if points:
            # Everyone counted in the first year is recorded as joining in it.
            assert points[0]["members"] <= points[0]["joined_count"], network.slug
    points = graphs.network_timeline(graphs.membership_spans(fatf))
    first = points[0]
    end_of_year = D(first["year"], 12, 31)
    held = fatf.memberships.as_of(end_of_year)
    assert first["members"] == held.exclude(start_date=None).count()
    assert first["unknown_start"] == held.filter(start_date=None).count()
    assert first["members"] == fatf.memberships.filter(start_date__year=first["year"]).count()
    # The API and the page's chart give the same.
    api = APIClient().get(f"/api/v1/networks/{fatf.slug}/timeline/").json()["years"]
    assert api == json.loads(json.dumps(points))
    html = client.get(fatf.get_absolute_url()).content.decode()
    chart = json.loads(
        re.search(
            r'<script id="timeline-data" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert [(p["members"], p["unknown_start"]) for p in chart] == [
        (p["members"], p["unknown_start"]) for p in points
    ]
