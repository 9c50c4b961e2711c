"""List-valued filters are bounded, and a list is one query however long (#15, item 1).

`member=a,b,c,…` built one EXISTS subquery per slug: on PostgreSQL with the curated
directory, 80 slugs took 6.5 s on the API and 39 s on the page, and 500 slugs had not
answered after 20 minutes. Now every list-valued filter (slugs, ordering terms, search
words) takes at most sources.filters.MAX_LIST_VALUES values (MAX_SEARCH_WORDS words),
repeats are dropped, and a slug list is one grouped subquery.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from networks.filters import MemorandumFilterSet, NetworkFilterSet
from networks.models import Memorandum, Network
from sources.filters import MAX_LIST_VALUES, MAX_SEARCH_WORDS
from tests.factories import (
    make_institution,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def shared():
    """Two networks; two institutions belong to both, a third to one (test data only)."""
    both, one = make_network(slug="both"), make_network(slug="one")
    a, b, c = (make_institution(slug=slug) for slug in ("inst-a", "inst-b", "inst-c"))
    for institution in (a, b):
        make_membership(network=both, member_institution=institution)
        make_membership(network=one, member_institution=institution)
    make_membership(network=one, member_institution=c)
    return both, one


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["slug"] for row in response.json()["results"]]


def many(n: int) -> str:
    return ",".join(f"inst-{i}" for i in range(n))


def test_a_member_list_beyond_the_cap_is_a_400_naming_it(api, shared):
    assert slugs(api.get(f"/api/v1/networks/?member={many(MAX_LIST_VALUES)}")) == []
    response = api.get(f"/api/v1/networks/?member={many(500)}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["member"]
    assert f"At most {MAX_LIST_VALUES} values" in error["fields"]["member"][0]
    assert "500 were given" in error["fields"]["member"][0]


def test_the_page_refuses_it_as_it_refuses_any_bad_filter(client, shared):
    response = client.get(f"/networks/?member={many(MAX_LIST_VALUES + 1)}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"At most {MAX_LIST_VALUES} values" in html
    # The list is empty rather than filtered by part of the list.
    assert 'href="/networks/both/"' not in html


def test_every_list_valued_filter_is_bounded(api, shared):
    too_many = MAX_LIST_VALUES + 1
    for url, name in [
        (f"/api/v1/memoranda/?signatory={many(too_many)}", "signatory"),
        (f"/api/v1/networks/?ordering={','.join(['name'] * too_many)}", "ordering"),
        (f"/api/v1/memberships/?ordering={','.join(['start'] * too_many)}", "ordering"),
        (f"/api/v1/sources/?ordering={','.join(['url'] * too_many)}", "ordering"),
        (f"/api/v1/institutions/?search={'+'.join(['w'] * (MAX_SEARCH_WORDS + 1))}", "search"),
        (f"/api/v1/networks/?search={'x' * 201}", "search"),
        ("/api/v1/networks/?member=inst-a,,inst-b", "member"),
        ("/api/v1/networks/?member=inst-a,not%20a%20slug", "member"),
    ]:
        response = api.get(url)
        assert response.status_code == 400, url
        assert list(response.json()["error"]["fields"]) == [name], url
    assert api.get(f"/api/v1/institutions/?search={'+'.join(['w'] * 10)}").status_code == 200


def test_the_networks_all_of_them_belong_to_with_repeats_dropped(api, shared):
    assert slugs(api.get("/api/v1/networks/?member=inst-a,inst-b")) == ["both", "one"]
    assert slugs(api.get("/api/v1/networks/?member=inst-a,inst-c")) == ["one"]
    # A repeat is one institution, not a second one that cannot be found.
    assert slugs(api.get("/api/v1/networks/?member=inst-c,inst-c")) == ["one"]
    assert slugs(api.get("/api/v1/networks/?member=inst-a,inst-b,inst-a")) == ["both", "one"]
    assert slugs(api.get("/api/v1/networks/?member=inst-a,no-such-institution")) == []
    assert slugs(api.get("/api/v1/networks/?ordering=-name,-name")) == ["one", "both"]


def test_the_memoranda_all_of_them_signed(api):
    sec, fca, third = (make_institution(slug=slug) for slug in ("sec", "fca", "third"))
    both = make_memorandum(slug="sec-fca")
    for institution in (sec, fca):
        make_signatory(memorandum=both, institution=institution)
    make_signatory(memorandum=make_memorandum(slug="sec-third"), institution=sec)
    make_signatory(memorandum=Memorandum.objects.get(slug="sec-third"), institution=third)
    assert slugs(api.get("/api/v1/memoranda/?signatory=sec,fca,sec")) == ["sec-fca"]
    assert slugs(api.get("/api/v1/memoranda/?signatory=fca,third")) == []


@pytest.mark.parametrize(
    ("filterset_class", "model", "name", "table"),
    [
        (NetworkFilterSet, Network, "member", "networks_membership"),
        (MemorandumFilterSet, Memorandum, "signatory", "networks_signatory"),
    ],
)
def test_a_slug_list_is_one_subquery_however_long(filterset_class, model, name, table):
    for n in (1, 2, MAX_LIST_VALUES):
        filterset = filterset_class({name: many(n)}, queryset=model.objects.all())
        assert filterset.is_valid(), filterset.errors
        with CaptureQueriesContext(connection) as queries:
            list(filterset.qs)
        [query] = queries.captured_queries
        # One EXISTS per slug made the planner's work grow faster than the list.
        assert query["sql"].count(f'FROM "{table}"') == 1, (n, query["sql"])
