"""`?wikidata=` and `?lei=` in the API: the same records as the list pages (one FilterSet
for both), a 400 naming the parameter for a malformed value, the network's `lei`, the
parameters' patterns in the OpenAPI schema, and no extra query. Synthetic test data only:
arbitrary QIDs, and LEIs with made-up characters and computed check digits."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from institutions.models import IdentifierScheme, InstitutionIdentifier
from sources.filters import MAX_LIST_VALUES
from sources.identifiers import lei_check_digits
from tests.factories import make_institution, make_network

pytestmark = pytest.mark.django_db

LEI_A = "LATTICETESTAPI0001" + lei_check_digits("LATTICETESTAPI0001")
LEI_B = "LATTICETESTAPI0002" + lei_check_digits("LATTICETESTAPI0002")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def identified():
    for slug, qid, lei in (("one", "Q101", LEI_A), ("two", "Q102", LEI_B), ("three", "", "")):
        institution = make_institution(slug=slug, name=f"Institution {slug}")
        if qid:
            InstitutionIdentifier.objects.create(
                institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier=qid
            )
            InstitutionIdentifier.objects.create(
                institution=institution, scheme=IdentifierScheme.LEI, identifier=lei
            )
    make_network(slug="net-one", name="Network one", wikidata_id="Q201", lei=LEI_A)
    make_network(slug="net-two", name="Network two", wikidata_id="Q202")
    make_network(slug="net-three", name="Network three")


def api_slugs(api, url: str) -> list[str]:
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    return sorted(row["slug"] for row in response.json()["results"])


def page_slugs(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(row.slug for row in response.context["object_list"])


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("institutions", "wikidata=Q101", ["one"]),
        ("institutions", "wikidata=Q101,Q102", ["one", "two"]),
        ("institutions", f"lei={LEI_B}", ["two"]),
        ("institutions", f"lei={LEI_A},{LEI_B}&wikidata=Q102", ["two"]),
        ("networks", "wikidata=Q202", ["net-two"]),
        ("networks", f"lei={LEI_A.lower()}", ["net-one"]),
        ("networks", "wikidata=Q999", []),
    ],
)
def test_the_page_and_the_api_find_the_same_records(api, client, identified, path, query, expected):
    assert api_slugs(api, f"/api/v1/{path}/?{query}") == expected
    assert page_slugs(client, f"/{path}/?{query}") == expected


@pytest.mark.parametrize("path", ["institutions", "networks"])
@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("wikidata=42", "wikidata", "A Wikidata QID looks like Q123."),
        ("wikidata=Q1,Q01", "wikidata", "A Wikidata QID looks like Q123."),
        ("lei=LATTICE", "lei", "20 characters: 18 letters or digits, then 2 check digits"),
        ("lei=" + LEI_A[:18] + "AB", "lei", "20 characters"),
        (
            "wikidata=" + ",".join(f"Q{n}" for n in range(1, MAX_LIST_VALUES + 2)),
            "wikidata",
            f"At most {MAX_LIST_VALUES} values",
        ),
    ],
)
def test_a_malformed_value_is_a_400_naming_the_parameter(api, client, path, query, name, message):
    response = api.get(f"/api/v1/{path}/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == [name]
    assert message in error["fields"][name][0]
    # The page shows the same message above an empty list, as for any refused filter.
    page = client.get(f"/{path}/?{query}")
    assert page.status_code == 200
    assert message in page.content.decode()
    assert list(page.context["object_list"]) == []


def test_an_empty_value_is_refused_by_the_api(api):
    response = api.get("/api/v1/networks/?lei=")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["lei"]


def test_the_network_gives_its_lei_beside_its_qid(api, identified):
    row = api.get("/api/v1/networks/net-one/").json()
    assert (row["wikidata_id"], row["lei"]) == ("Q201", LEI_A)
    assert api.get("/api/v1/networks/net-two/").json()["lei"] == ""
    institution = api.get("/api/v1/institutions/one/").json()
    assert institution["identifiers"] == {"lei": LEI_A, "wikidata": "Q101"}


def test_the_schema_states_the_patterns_and_the_bound(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/institutions/", "/api/v1/networks/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for name, good, bad in (
            ("wikidata", ["Q101", "q5"], ["42", "Q0", "Q1 "]),
            ("lei", [LEI_A, LEI_A.lower()], [LEI_A[:19], LEI_A[:18] + "AB", LEI_A + "0"]),
        ):
            parameter = parameters[name]["schema"]
            assert parameter["type"] == "array"
            assert parameter["maxItems"] == MAX_LIST_VALUES
            pattern = re.compile(parameter["items"]["pattern"])
            assert all(pattern.search(value) for value in good)
            assert not any(pattern.search(value) for value in bad)
            assert parameters[name]["description"]
        field = schema["components"]["schemas"]["Network"]["properties"]["lei"]
        assert "ISO 17442" in field["description"]


@pytest.mark.parametrize("path", ["institutions", "networks"])
def test_the_lookups_add_no_query_to_the_list(api, identified, path):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    # Against another filter of the same FilterSet, so that both build it.
    baseline = count(f"/api/v1/{path}/?ordering=name")
    assert count(f"/api/v1/{path}/?ordering=name&wikidata=Q101,Q201") == baseline
    assert count(f"/api/v1/{path}/?ordering=name&lei={LEI_A}") == baseline
