import csv
import datetime

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from institutions.models import Branch, Institution
from responsecache.cache import invalidate_after_request
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
    make_succession,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def slugs(response, key="slug"):
    return [row[key] for row in results(response)]


@pytest.fixture
def basel():
    """A small synthetic network with a past and a present (test data only)."""
    network = make_network(name="Basel Test Committee", acronym="BTC", slug="btc")
    bank = make_institution(name="Test Bundesbank", slug="de-test-bank", branch=Branch.CENTRAL_BANK)
    supervisor = make_institution(name="Test Supervisor", slug="de-test-supervisor")
    newcomer = make_institution(name="Newcomer Bank", slug="newcomer", branch=Branch.CENTRAL_BANK)
    make_membership(
        network=network,
        member_institution=bank,
        start_date=D(1974, 1, 1),
        start_date_precision="year",
    )
    make_membership(
        network=network,
        member_institution=supervisor,
        start_date=D(2000, 1, 1),
        end_date=D(2011, 12, 31),
        end_reason="withdrawn",
    )
    make_membership(network=network, member_institution=newcomer, start_date=D(2012, 3, 13))
    return network


class TestNetworks:
    def test_list_and_detail(self, api, basel):
        row = results(api.get("/api/v1/networks/"))[0]
        assert row["slug"] == "btc"
        assert row["member_count"] == 2
        assert row["founded"] is None
        assert row["html_url"] == "http://testserver/networks/btc/"
        assert row["url"] == "http://testserver/api/v1/networks/btc/"
        assert row["functions"] == ["information"]
        assert row["sources"][0]["document_url"].startswith("https://example.org/")
        assert "created_at" not in row
        detail = api.get("/api/v1/networks/btc/").json()
        assert detail["members_url"] == "http://testserver/api/v1/networks/btc/members/"

    def test_member_count_as_of_a_date(self, api, basel):
        assert results(api.get("/api/v1/networks/?as_of=2005-01-01"))[0]["member_count"] == 2
        assert results(api.get("/api/v1/networks/?as_of=1980-01-01"))[0]["member_count"] == 1

    def test_an_institutions_networks_and_the_networks_two_share(self, api, basel):
        other = make_network(slug="other")
        make_membership(
            network=other, member_institution=basel.memberships.first().member_institution
        )
        assert slugs(api.get("/api/v1/networks/?member=de-test-bank")) == ["btc", "other"]
        assert slugs(api.get("/api/v1/networks/?member=de-test-bank,newcomer")) == ["btc"]
        # A former member is not a member today, but was in 2005.
        assert slugs(api.get("/api/v1/networks/?member=de-test-supervisor")) == []
        assert slugs(api.get("/api/v1/networks/?member=de-test-supervisor&as_of=2005-06-01")) == [
            "btc"
        ]

    def test_typology_filters(self, api, basel):
        make_network(
            slug="vertical-one",
            dimension="vertical",
            function_enforcement=True,
            function_information=False,
            sector="competition",
        )
        assert slugs(api.get("/api/v1/networks/?dimension=vertical")) == ["vertical-one"]
        assert slugs(api.get("/api/v1/networks/?function=enforcement")) == ["vertical-one"]
        assert slugs(api.get("/api/v1/networks/?sector=finance")) == ["btc"]
        assert slugs(api.get("/api/v1/networks/?branch=central_bank")) == ["btc"]
        assert slugs(api.get("/api/v1/networks/?search=basel test")) == ["btc"]

    def test_ordering(self, api, basel):
        make_network(name="Aardvark Network", slug="aardvark")
        assert slugs(api.get("/api/v1/networks/?ordering=name")) == ["aardvark", "btc"]
        assert slugs(api.get("/api/v1/networks/?ordering=-name")) == ["btc", "aardvark"]


class TestMembersOnADate:
    def members(self, api, query=""):
        return [
            row["member_institution"]["slug"]
            for row in results(api.get(f"/api/v1/networks/btc/members/{query}"))
        ]

    def test_today_by_default(self, api, basel):
        assert self.members(api) == ["newcomer", "de-test-bank"] or set(self.members(api)) == {
            "newcomer",
            "de-test-bank",
        }

    def test_period_boundaries(self, api, basel):
        assert set(self.members(api, "?as_of=2012-03-12")) == {"de-test-bank"}
        assert set(self.members(api, "?as_of=2012-03-13")) == {"de-test-bank", "newcomer"}
        assert set(self.members(api, "?as_of=2011-12-31")) == {"de-test-bank", "de-test-supervisor"}
        assert set(self.members(api, "?as_of=1974-01-01")) == {"de-test-bank"}
        assert set(self.members(api, "?as_of=1973-12-31")) == set()

    def test_year_precision_is_not_a_fake_day(self, api, basel):
        row = next(
            r
            for r in results(api.get("/api/v1/networks/btc/members/"))
            if r["member_institution"]["slug"] == "de-test-bank"
        )
        assert (row["start"], row["start_precision"]) == ("1974", "year")
        assert row["member_type"] == "institution"

    def test_memberships_endpoint_filters(self, api, basel):
        assert len(results(api.get("/api/v1/memberships/?network=btc"))) == 3
        assert len(results(api.get("/api/v1/memberships/?network=btc&current=false"))) == 1
        rows = results(api.get("/api/v1/memberships/?institution=de-test-supervisor"))
        assert [(r["end"], r["end_reason"]) for r in rows] == [("2011-12-31", "withdrawn")]
        assert len(results(api.get("/api/v1/institutions/de-test-supervisor/memberships/"))) == 1


class TestMemoranda:
    def test_memoranda_signed_by_two_institutions(self, api):
        sec, fca, third = (
            make_institution(slug="sec"),
            make_institution(slug="fca"),
            make_institution(slug="third"),
        )
        both = make_memorandum(slug="sec-fca", kind="bilateral")
        make_signatory(memorandum=both, institution=sec)
        make_signatory(memorandum=both, institution=fca)
        other = make_memorandum(slug="sec-third")
        make_signatory(memorandum=other, institution=sec)
        make_signatory(memorandum=other, institution=third)
        assert slugs(api.get("/api/v1/memoranda/?signatory=sec,fca")) == ["sec-fca"]
        assert set(slugs(api.get("/api/v1/memoranda/?signatory=sec"))) == {"sec-fca", "sec-third"}
        detail = api.get("/api/v1/memoranda/sec-fca/").json()
        assert detail["signatory_count"] == 2
        rows = results(api.get("/api/v1/memoranda/sec-fca/signatories/"))
        assert {r["institution"]["slug"] for r in rows} == {"sec", "fca"}


class TestOtherResources:
    def test_jurisdictions_institutions_meetings_sources(self, api, basel):
        make_jurisdiction(code="FR", name="France", slug="france", subregion="western_europe")
        assert slugs(api.get("/api/v1/jurisdictions/?region=europe")) == ["france", "germany"]
        assert api.get("/api/v1/jurisdictions/germany/").json()["code"] == "DE"
        assert set(slugs(api.get("/api/v1/institutions/?jurisdiction=DE&branch=central_bank"))) == {
            "de-test-bank",
            "newcomer",
        }
        assert slugs(api.get("/api/v1/institutions/?network=btc&as_of=1980-01-01")) == [
            "de-test-bank"
        ]
        meeting = make_meeting(
            network=basel, slug="btc-2024", host=basel.memberships.first().member_institution
        )
        assert slugs(api.get("/api/v1/meetings/?network=btc")) == ["btc-2024"]
        assert slugs(api.get("/api/v1/meetings/?participant=de-test-bank")) == [meeting.slug]
        assert results(api.get("/api/v1/sources/"))


class TestCsv:
    def test_a_list_as_csv(self, api, basel):
        response = api.get("/api/v1/networks/btc/members/?format=csv&as_of=2005-01-01")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        lines = response.content.decode().splitlines()
        header = next(csv.reader(lines))
        assert "member_institution.slug" in header
        assert "start" in header
        assert len(lines) == 3
        assert "de-test-supervisor" in response.content.decode()

    def test_an_error_as_csv(self, api):
        response = api.get("/api/v1/networks/?format=csv&as_of=yesterday")
        assert response.status_code == 400
        assert "as_of" in response.content.decode()


class TestRefusals:
    @pytest.mark.parametrize(
        ("query", "param"),
        [
            ("/api/v1/networks/?as_of=2010-13-45", "as_of"),
            ("/api/v1/networks/?dimension=diagonal", "dimension"),
            ("/api/v1/networks/?page=0", "page"),
            ("/api/v1/networks/?page=abc", "page"),
            ("/api/v1/networks/?page_size=5000", "page_size"),
            ("/api/v1/networks/?page_size=0", "page_size"),
            ("/api/v1/meetings/?participant=not%20a%20slug", "participant"),
            ("/api/v1/networks/?host=not%20a%20slug", "host"),
            ("/api/v1/memberships/?role=emperor", "role"),
            ("/api/v1/meetings/?starts_after=soon", "starts_after"),
        ],
    )
    def test_a_malformed_parameter_is_a_400_naming_it(self, api, basel, query, param):
        response = api.get(query)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == 400
        assert param in error["fields"]
        assert param in error["message"]

    def test_an_unknown_slug_is_a_404_in_the_same_shape(self, api):
        response = api.get("/api/v1/networks/nope/")
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404

    @pytest.mark.parametrize(
        ("query", "param"),
        [
            # Well formed, but naming nothing: as a detail URL naming no record (and as
            # the OpenAPI schema, which cannot know which slugs exist, documents it).
            ("/api/v1/networks/?page=999", "page"),
            ("/api/v1/memberships/?network=no-such-network", "network"),
            ("/api/v1/institutions/?jurisdiction=ZZ", "jurisdiction"),
        ],
    )
    def test_a_parameter_naming_nothing_is_a_404_naming_it(self, api, basel, query, param):
        response = api.get(query)
        assert response.status_code == 404
        error = response.json()["error"]
        assert (error["status"], error["code"]) == (404, "not_found")
        assert param in error["fields"]

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_anonymous_writes_are_refused(self, api, basel, method):
        for url in ["/api/v1/networks/", "/api/v1/networks/btc/", "/api/v1/memberships/"]:
            response = getattr(api, method)(url, {"name": "x"}, format="json")
            assert response.status_code in (401, 403, 405), (method, url)
        assert basel.name == type(basel).objects.get(pk=basel.pk).name

    def test_anonymous_clients_are_throttled(self, api, monkeypatch):
        monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
        for _ in range(3):
            assert api.get("/api/v1/networks/").status_code == 200
        response = api.get("/api/v1/networks/")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"]["code"] == "throttled"


class TestHttp:
    def test_conditional_requests(self, api, basel):
        # The fixtures' writes are over, as a curator's request would be by now: the
        # content version (which the ETag carries) settles.
        invalidate_after_request(sender=None)
        first = api.get("/api/v1/networks/btc/")
        assert first["ETag"] and first["Last-Modified"]
        assert api.get("/api/v1/networks/btc/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert (
            api.get(
                "/api/v1/networks/btc/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
            ).status_code
            == 304
        )
        basel.name = "Renamed"
        basel.save()
        assert api.get("/api/v1/networks/btc/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200

    def test_cors_allows_reading_from_any_origin(self, api, basel):
        response = api.get("/api/v1/networks/", HTTP_ORIGIN="https://newsroom.example")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
        page = api.get("/networks/", HTTP_ORIGIN="https://newsroom.example")
        assert "Access-Control-Allow-Origin" not in page

    def test_schema_and_docs(self, api):
        schema = api.get("/api/v1/schema/?format=json")
        assert schema.status_code == 200
        paths = schema.json()["paths"]
        assert "/api/v1/networks/{slug}/members/" in paths
        members = paths["/api/v1/networks/{slug}/members/"]["get"]
        assert {"as_of", "role", "page", "page_size"} <= {p["name"] for p in members["parameters"]}
        props = schema.json()["components"]["schemas"]["Network"]["properties"]
        assert props["dimension"]["description"].startswith("Horizontal: counterparts")
        docs = api.get("/api/v1/docs/")
        assert docs.status_code == 200
        assert b"<script>" not in docs.content


def make_rows(kind: str, n: int):
    """n rows of each resource, every one with its related rows (test data only)."""
    network = make_network(slug="big")
    memorandum = make_memorandum(slug="big-mou")
    for i in range(n):
        institution = make_institution(slug=f"inst-{kind}-{i}")
        institution.other_names.create(name=f"Other {i}")
        make_membership(
            network=network, member_institution=institution, sources=[make_source(), make_source()]
        )
        make_signatory(memorandum=memorandum, institution=institution)
        meeting = make_meeting(network=network, host=institution)
        meeting.participants.create(institution=institution)
        meeting.outcome_documents.create(title="Communiqué", url=f"https://example.org/c{i}")
        member_net = make_network()
        make_membership(network=network, member_network=member_net)
        # Lineage, both ways, for the detail responses (predecessors and successors).
        first = Institution.objects.get(slug=f"inst-{kind}-0")
        make_succession(successor=first, predecessor=make_institution())
        make_succession(predecessor=first, successor=make_institution())
        make_succession(successor=network, predecessor=make_network())
        make_succession(predecessor=network, successor=make_network())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/networks/", 3),
        # + its lineage, and the lineage's sources
        ("/api/v1/networks/big/", 4),
        ("/api/v1/networks/big/?as_of=2020-01-01", 4),
        ("/api/v1/networks/big/members/", 4),
        ("/api/v1/networks/big/members/?as_of=2020-01-01&format=csv", 4),
        ("/api/v1/institutions/", 5),
        ("/api/v1/institutions/?search=other+inst", 5),
        ("/api/v1/institutions/inst-q-0/", 6),  # + lineage, its sources
        ("/api/v1/memberships/", 3),
        ("/api/v1/memoranda/", 3),
        ("/api/v1/memoranda/big-mou/signatories/", 4),
        ("/api/v1/meetings/", 5),
        ("/api/v1/jurisdictions/", 2),
        ("/api/v1/sources/", 2),
    ],
)
@pytest.mark.parametrize("n", [1, 8])
def test_query_count_does_not_grow_with_rows(api, django_assert_num_queries, url, expected, n):
    make_rows("q", n)
    with django_assert_num_queries(expected):
        response = api.get(url)
    assert response.status_code == 200


def test_a_malformed_slug_or_id_gets_the_api_404(api):
    for url in [
        "/api/v1/institutions/a.b/",
        "/api/v1/institutions/x.y/memberships/",
        "/api/v1/memberships/1.5/",
        "/api/v1/sources/abc/",
    ]:
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["status"] == 404


LIST_ORDERINGS = [
    ("/api/v1/networks/", "name"),
    ("/api/v1/institutions/", "name"),
    ("/api/v1/jurisdictions/", "name"),
    ("/api/v1/memberships/", "start"),
    ("/api/v1/memoranda/", "title"),
    ("/api/v1/meetings/", "start"),
    ("/api/v1/sources/", "url"),
    ("/api/v1/networks/big/members/", "start"),
]


@pytest.fixture
def two_of_everything():
    make_rows("o", 2)
    make_memorandum(slug="second-mou")
    make_jurisdiction(code="FR", name="France", slug="france", subregion="western_europe")


@pytest.mark.parametrize(("url", "field"), LIST_ORDERINGS)
def test_every_list_orders_both_ways(api, two_of_everything, url, field):
    ascending = [row["id"] for row in results(api.get(f"{url}?ordering={field}&page_size=1000"))]
    descending = [row["id"] for row in results(api.get(f"{url}?ordering=-{field}&page_size=1000"))]
    assert len(ascending) >= 2
    assert descending == list(reversed(ascending))


@pytest.mark.parametrize(("url", "field"), LIST_ORDERINGS)
def test_every_list_paginates(api, two_of_everything, url, field):
    first = api.get(f"{url}?page_size=1").json()
    assert first["count"] >= 2
    assert len(first["results"]) == 1
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]
    assert second["previous"]
