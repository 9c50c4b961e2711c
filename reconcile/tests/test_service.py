"""The service's endpoints against the specification's schemas, on a small synthetic
directory (made up for these tests: the names below describe no real body unless they
are the real ones the directory would hold, and no fact about them is asserted)."""

import datetime
import json

import pytest
from django.test import Client

from institutions.models import Branch, IdentifierScheme, InstitutionIdentifier, InstitutionName
from networks.models import Role
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_membership,
    make_network,
    make_source,
)

from .schemas import validate

pytestmark = pytest.mark.django_db

URL = "/reconcile/"


@pytest.fixture
def directory():
    """Synthetic: two jurisdictions, three institutions (two share an acronym), a network."""
    de = make_jurisdiction(code="DE", name="Germany", slug="germany")
    fr = make_jurisdiction(code="FR", name="France", slug="france")
    bank = make_institution(
        slug="de-testbank",
        name="Test Central Bank",
        acronym="TCB",
        jurisdiction=de,
        branch=Branch.CENTRAL_BANK,
    )
    InstitutionName.objects.create(institution=bank, name="Testzentralbank", language="de")
    InstitutionIdentifier.objects.create(
        institution=bank, scheme=IdentifierScheme.WIKIDATA, identifier="Q999999991"
    )
    de_sc = make_institution(
        slug="de-testsc", name="Test Securities Commission", acronym="TSC", jurisdiction=de
    )
    fr_sc = make_institution(
        slug="fr-testsc", name="Commission des valeurs de test", acronym="TSC", jurisdiction=fr
    )
    # A made-up LEI of the right shape (its check digits are not checked here).
    network = make_network(
        slug="test-network",
        name="Test Supervisors Network",
        acronym="TSN",
        lei="TESTLEI0000000000099",
    )
    source = make_source(url="https://example.org/test-network-members")
    make_membership(
        network=network,
        member_institution=bank,
        role=Role.MEMBER,
        start_date=datetime.date(2001, 1, 1),
        start_date_precision="year",
        sources=[source],
    )
    make_membership(
        network=network,
        member_institution=de_sc,
        role=Role.OBSERVER,
        start_date=datetime.date(2015, 3, 1),
        start_date_precision="month",
        end_date=datetime.date(2020, 6, 30),
        sources=[source],
    )
    return {"bank": bank, "de_sc": de_sc, "fr_sc": fr_sc, "network": network}


def reconcile(client, batch, method="post"):
    validate("reconciliation-query-batch", batch)
    if method == "post":
        response = client.post(URL, {"queries": json.dumps(batch)})
    else:
        response = client.get(URL, {"queries": json.dumps(batch)})
    assert response.status_code == 200, response.content
    validate("reconciliation-result-batch", response.json())
    return response.json()


def test_the_manifest_validates_and_names_every_service(client):
    response = client.get(URL, HTTP_ORIGIN="https://openrefine.example")
    assert response.status_code == 200
    manifest = response.json()
    validate("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert [t["id"] for t in manifest["defaultTypes"]] == ["institution", "network", "jurisdiction"]
    assert manifest["view"]["url"] == "http://testserver/reconcile/view/{{id}}"
    assert manifest["preview"]["url"] == "http://testserver/reconcile/preview/{{id}}"
    assert manifest["suggest"]["entity"] == {
        "service_url": "http://testserver/reconcile",
        "service_path": "/suggest/entity",
    }
    assert manifest["extend"]["propose_properties"]["service_path"] == "/properties"
    assert {s["name"] for s in manifest["extend"]["property_settings"]} == {"network", "date"}
    # The specification requires CORS on every endpoint.
    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_on_every_endpoint_and_preflight(client, directory):
    response = client.options(
        URL,
        HTTP_ORIGIN="https://openrefine.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    # A browser may post a JSON batch (its preflight asks for POST and Content-Type).
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]
    for path in (
        "/reconcile/suggest/entity?prefix=test",
        "/reconcile/suggest/type?prefix=n",
        "/reconcile/properties?type=network",
        "/reconcile/preview/de-testbank",
    ):
        answer = client.get(path, HTTP_ORIGIN="https://openrefine.example")
        assert answer["Access-Control-Allow-Origin"] == "*", path
    # The rest of the site stays as it was: no CORS outside /api/ and /reconcile/.
    assert "Access-Control-Allow-Origin" not in client.get(
        "/institutions/de-testbank/", HTTP_ORIGIN="https://openrefine.example"
    )


def test_get_post_form_and_json_body_answer_alike(client, directory):
    batch = {"q0": {"query": "Test Central Bank"}, "q1": {"query": "tcb", "limit": 1}}
    posted = reconcile(client, batch)
    got = reconcile(client, batch, method="get")
    body = client.post(URL, json.dumps(batch), content_type="application/json").json()
    assert posted == got == body
    top = posted["q0"]["result"][0]
    assert top["id"] == "de-testbank"
    assert top["match"] is True
    assert top["score"] == 100
    assert top["type"] == [{"id": "institution", "name": "Institution"}]
    assert top["description"] == "Central bank, Germany"
    assert len(posted["q1"]["result"]) == 1


def test_other_names_and_accents_and_case(client, directory):
    results = reconcile(
        client,
        {
            "q0": {"query": "TESTZENTRALBANK"},
            "q1": {"query": "Commission des valeurs de tést"},
            "q2": {"query": "Test Centrl Bank"},
        },
    )
    assert results["q0"]["result"][0]["id"] == "de-testbank"
    assert results["q0"]["result"][0]["match"] is True
    assert results["q1"]["result"][0]["id"] == "fr-testsc"
    fuzzy = results["q2"]["result"][0]
    assert fuzzy["id"] == "de-testbank" and fuzzy["match"] is False


def test_an_acronym_of_two_is_no_match_until_a_property_decides(client, directory):
    results = reconcile(
        client,
        {
            "q0": {"query": "TSC"},
            "q1": {"query": "TSC", "properties": [{"pid": "jurisdiction", "v": "France"}]},
            "q2": {"query": "TSC", "properties": [{"pid": "jurisdiction", "v": {"id": "DE"}}]},
            "q3": {"query": "TSC", "properties": [{"pid": "branch", "v": "Central bank"}]},
            "q4": {"query": "TSC", "properties": [{"pid": "jurisdiction", "v": ["fr", "de"]}]},
        },
    )
    assert {c["id"] for c in results["q0"]["result"][:2]} == {"de-testsc", "fr-testsc"}
    assert not any(c["match"] for c in results["q0"]["result"])
    assert [(c["id"], c["match"]) for c in results["q1"]["result"]] == [("fr-testsc", True)]
    assert [c["id"] for c in results["q2"]["result"]] == ["de-testsc"]
    assert results["q3"]["result"] == []
    assert len(results["q4"]["result"]) == 2


def test_types_restrict_the_candidates(client, directory):
    results = reconcile(
        client,
        {
            "q0": {"query": "TSN", "type": "network"},
            "q1": {"query": "TSN", "type": ["institution"]},
            "q2": {"query": "Germany", "type": "jurisdiction"},
            "q3": {"query": "DE"},
            "q4": {"properties": [{"pid": "jurisdiction", "v": "FR"}]},
        },
    )
    assert results["q0"]["result"][0]["id"] == "test-network"
    assert results["q1"]["result"] == []
    assert results["q2"]["result"][0]["id"] == "DE"
    assert results["q3"]["result"][0]["id"] == "DE"
    assert [c["id"] for c in results["q4"]["result"]] == ["fr-testsc"]


def test_a_batch_costs_the_same_few_queries_however_long(
    client, directory, django_assert_num_queries
):
    batch = {f"q{i}": {"query": name} for i, name in enumerate(["TSC", "Germany", "TSN"] * 30)}
    # Other names, institutions, networks, jurisdictions; and the session/auth middleware
    # reads nothing for an anonymous request.
    with django_assert_num_queries(4):
        response = client.post(URL, {"queries": json.dumps(batch)})
    assert response.status_code == 200
    with django_assert_num_queries(4):
        client.post(URL, {"queries": json.dumps({"q": {"query": "TSC"}})})


@pytest.mark.parametrize(
    "queries",
    [
        "not json",
        "[]",
        '"a string"',
        '{"q0": "a string"}',
        '{"q0": {}}',
        '{"q0": {"query": ""}}',
        '{"q0": {"query": 5}}',
        '{"q0": {"query": "x", "limit": 0}}',
        '{"q0": {"query": "x", "limit": "ten"}}',
        '{"q0": {"query": "x", "type": "person"}}',
        '{"q0": {"query": "x", "type": [1]}}',
        '{"q0": {"query": "x", "properties": [{"pid": "colour", "v": "red"}]}}',
        '{"q0": {"query": "x", "properties": [{"pid": "jurisdiction"}]}}',
        '{"q0": {"query": "x", "properties": {"pid": "jurisdiction", "v": "DE"}}}',
        '{"q0": {"query": "x", "properties": [{"pid": "branch", "v": [null]}]}}',
        '{"q0": {"query": "x", "colour": "red"}}',
        '{"q0": {"query": "nul \\u0000 here"}}',
        json.dumps({"q0": {"query": "x" * 301}}),
    ],
)
def test_a_malformed_batch_answers_400_with_a_json_message(client, queries):
    for response in (
        client.get(URL, {"queries": queries}),
        client.post(URL, {"queries": queries}),
    ):
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == 400 and error["message"]


def test_a_malformed_json_body_answers_400(client):
    response = client.post(URL, "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_an_oversized_batch_answers_413(client):
    batch = {f"q{i}": {"query": "x"} for i in range(101)}
    response = client.post(URL, {"queries": json.dumps(batch)})
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_suggest_entity_type_and_property(client, directory):
    entities = client.get("/reconcile/suggest/entity", {"prefix": "test sec"}).json()
    validate("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "de-testsc"
    assert entities["result"][0]["notable"] == [{"id": "institution", "name": "Institution"}]
    by_word = client.get("/reconcile/suggest/entity", {"prefix": "zentral"}).json()
    assert by_word["result"] == []  # a word's beginning, not its middle
    by_other = client.get("/reconcile/suggest/entity", {"prefix": "testzen"}).json()
    assert [r["id"] for r in by_other["result"]] == ["de-testbank"]
    only_networks = client.get(
        "/reconcile/suggest/entity", {"prefix": "test", "type": "network"}
    ).json()
    assert [r["id"] for r in only_networks["result"]] == ["test-network"]
    page = client.get("/reconcile/suggest/entity", {"prefix": "test", "cursor": 1}).json()
    assert len(page["result"]) == 3
    types = client.get("/reconcile/suggest/type", {"prefix": "net"}).json()
    validate("suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["network"]
    properties = client.get("/reconcile/suggest/property", {"prefix": "jur"}).json()
    validate("suggest-properties-response", properties)
    assert [p["id"] for p in properties["result"]] == ["jurisdiction"]
    bad = client.get("/reconcile/suggest/entity", {"prefix": "x", "cursor": "-1"})
    assert bad.status_code == 400 and bad.json()["error"]["message"]


def test_suggest_costs_the_same_few_queries(client, directory, django_assert_num_queries):
    with django_assert_num_queries(4):
        client.get("/reconcile/suggest/entity", {"prefix": "test"})
    with django_assert_num_queries(0):
        client.get("/reconcile/suggest/type", {"prefix": "inst"})


def test_propose_properties(client):
    answer = client.get("/reconcile/properties", {"type": "institution"}).json()
    validate("data-extension-property-proposal", answer)
    ids = [p["id"] for p in answer["properties"]]
    assert ids[:5] == ["jurisdiction", "branch", "website", "wikidata", "lei"]
    assert "member_of" in ids
    limited = client.get("/reconcile/properties", {"type": "network", "limit": 2}).json()
    validate("data-extension-property-proposal", limited)
    assert limited["limit"] == 2 and len(limited["properties"]) == 2
    assert client.get("/reconcile/properties").status_code == 400
    assert client.get("/reconcile/properties", {"type": "person"}).status_code == 400


def extend(client, query):
    validate("data-extension-query", query)
    response = client.post(URL, {"extend": json.dumps(query)})
    assert response.status_code == 200, response.content
    validate("data-extension-response", response.json())
    return response.json()


def test_extend_with_the_record_properties(client, directory):
    answer = extend(
        client,
        {
            "ids": ["de-testbank", "test-network", "DE", "no-such-id"],
            "properties": [
                {"id": p} for p in ("jurisdiction", "branch", "website", "wikidata", "lei")
            ],
        },
    )
    assert [m["id"] for m in answer["meta"]] == [
        "jurisdiction",
        "branch",
        "website",
        "wikidata",
        "lei",
    ]
    bank = answer["rows"]["de-testbank"]
    assert bank["jurisdiction"] == [{"id": "DE", "name": "Germany"}]
    assert bank["branch"] == [{"str": "Central bank"}]
    assert bank["website"] == [{"str": directory["bank"].website}]
    assert bank["wikidata"] == [{"str": "Q999999991"}]
    assert bank["lei"] == []
    assert answer["rows"]["test-network"]["jurisdiction"] == []
    assert answer["rows"]["test-network"]["lei"] == [{"str": "TESTLEI0000000000099"}]
    assert answer["rows"]["no-such-id"] == {p: [] for p in bank}


def test_extend_with_member_of_a_network_on_a_date(
    client, directory, django_assert_max_num_queries
):
    def member_of(date):
        settings = {"network": "test-network", "date": date}
        return extend(
            client,
            {
                "ids": ["de-testbank", "de-testsc", "fr-testsc"],
                "properties": [
                    {"id": p, "settings": settings}
                    for p in (
                        "member_of",
                        "member_of_role",
                        "member_of_since",
                        "member_of_until",
                        "member_of_source",
                    )
                ],
            },
        )["rows"]

    rows = member_of("2016-01-01")
    assert rows["de-testbank"] == {
        "member_of": [{"str": "yes"}],
        "member_of_role": [{"str": "Member"}],
        "member_of_since": [{"str": "2001"}],
        "member_of_until": [],
        "member_of_source": [{"str": "https://example.org/test-network-members"}],
    }
    assert rows["de-testsc"]["member_of"] == [{"str": "yes"}]
    assert rows["de-testsc"]["member_of_role"] == [{"str": "Observer"}]
    assert rows["de-testsc"]["member_of_until"] == [{"str": "2020-06-30"}]
    assert rows["fr-testsc"]["member_of"] == [{"str": "no"}]
    assert rows["fr-testsc"]["member_of_source"] == []
    # Before the bank's membership began, and after the commission's ended.
    assert member_of("2000-06-01")["de-testbank"]["member_of"] == [{"str": "no"}]
    assert member_of("2021-01-01")["de-testsc"]["member_of"] == [{"str": "no"}]
    # Five columns with the same settings share one membership query.
    with django_assert_max_num_queries(6):
        member_of("2016-01-01")


def member_of_settings(settings) -> str:
    return json.dumps(
        {"ids": ["de-testbank"], "properties": [{"id": "member_of", "settings": settings}]}
    )


@pytest.mark.parametrize(
    "query",
    [
        "nope",
        '{"ids": "de-testbank", "properties": [{"id": "website"}]}',
        '{"ids": ["de-testbank"], "properties": []}',
        '{"ids": ["de-testbank"], "properties": [{"id": "colour"}]}',
        '{"ids": ["de-testbank"], "properties": [{"id": "member_of"}]}',
        member_of_settings({"network": "nope"}),
        member_of_settings({"network": "test-network", "date": "2010-13-01"}),
        member_of_settings({"network": "test-network", "date": "1200-01-01"}),
        member_of_settings({"network": "test-network", "date": 2010}),
        member_of_settings("bcbs"),
        member_of_settings({"network": "test-\u0000network"}),
        '{"ids": ["de-\\u0000testbank"], "properties": [{"id": "website"}]}',
    ],
)
def test_a_malformed_extension_answers_400(client, directory, query):
    response = client.get(URL, {"extend": query})
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_the_preview_is_a_small_escaped_page_that_may_be_framed(client, directory):
    make_institution(slug="de-script", name="<script>alert(1)</script> Authority")
    response = client.get("/reconcile/preview/de-script")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "style=" not in html
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    bank = client.get("/reconcile/preview/de-testbank").content.decode()
    assert "Test Central Bank" in bank and "Germany (DE)" in bank
    assert client.get("/reconcile/preview/DE").status_code == 200
    assert client.get("/reconcile/preview/test-network").status_code == 200
    assert client.get("/reconcile/preview/nobody").status_code == 404


def test_the_view_template_leads_to_the_public_page(client, directory):
    assert client.get("/reconcile/view/de-testbank")["Location"] == "/institutions/de-testbank/"
    assert client.get("/reconcile/view/test-network")["Location"] == "/networks/test-network/"
    assert client.get("/reconcile/view/DE")["Location"] == "/jurisdictions/germany/"
    assert client.get("/reconcile/view/nobody").status_code == 404


def test_openrefine_posts_without_a_csrf_token(directory):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, {"queries": json.dumps({"q0": {"query": "TCB"}})})
    assert response.status_code == 200
    assert response.json()["q0"]["result"][0]["id"] == "de-testbank"


def test_an_anonymous_client_is_slowed_down_after_its_allowance(client, monkeypatch):
    from reconcile.views import ReconcileThrottle

    monkeypatch.setattr(ReconcileThrottle, "rate", "2/minute", raising=False)
    batch = {"q0": {"query": "Bank"}}
    reconcile(client, batch)  # each asserts its 200
    reconcile(client, batch)
    refused = client.post(URL, {"queries": json.dumps(batch)})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "throttled"
    # The manifest (no work) and the rest of the site are not counted.
    assert client.get(URL).status_code == 200


def test_json_nested_deeper_than_a_batch_is_refused_not_a_500(client):
    for text in ("[" * 500 + "]" * 500, '{"q0": ' + "[" * 50 + "]" * 50 + "}"):
        response = client.get(URL, {"queries": text})
        assert response.status_code == 400, text[:20]
        assert "nested too deeply" in response.json()["error"]["message"]
    deep_body = "[" * 100_000 + "]" * 100_000
    response = client.post(URL, deep_body, content_type="application/json")
    assert response.status_code == 400
