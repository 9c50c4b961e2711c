"""`search=` on the API lists: every word in some field, answered from trigram indexes."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from institutions.models import Institution
from networks.filters import InstitutionFilterSet
from tests.factories import make_institution, make_memorandum, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def found(api, url: str) -> list[str]:
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    return [row["slug"] for row in response.json()["results"]]


def test_every_word_must_match_a_name_an_acronym_or_another_name(api):
    make_institution(name="Securities Authority of Testland", slug="sat")
    make_institution(name="Testland Markets Board", acronym="SECURITIES-TB", slug="tmb")
    former = make_institution(name="Prudential Office", slug="po")
    former.other_names.create(name="Securities Authority (former name)")
    make_institution(name="Securities Registry", slug="sr")

    assert found(api, "/api/v1/institutions/?search=securities+authority") == ["po", "sat"]
    assert found(api, "/api/v1/institutions/?search=SECURITIES") == ["po", "sat", "sr", "tmb"]
    assert found(api, "/api/v1/institutions/?search=former+prudential") == ["po"]
    assert found(api, "/api/v1/institutions/?search=authority+registry") == []


def test_an_institution_with_several_matching_names_comes_once(api):
    institution = make_institution(name="Central Bank of Testland", slug="cbt")
    institution.other_names.create(name="Testland Central Bank")
    institution.other_names.create(name="Banque centrale du Testland")

    response = api.get("/api/v1/institutions/?search=bank+testland")
    assert response.json()["count"] == 1
    assert found(api, "/api/v1/institutions/?search=bank+testland") == ["cbt"]


def test_search_on_models_without_related_fields_still_needs_every_word(api):
    make_network(name="Basel Test Committee", acronym="BTC", slug="btc")
    make_network(name="Basel Other Forum", slug="bof")
    make_memorandum(title="Testland MoU on securities", slug="mou")

    assert found(api, "/api/v1/networks/?search=basel+committee") == ["btc"]
    assert found(api, "/api/v1/networks/?search=btc") == ["btc"]
    assert found(api, "/api/v1/memoranda/?search=securities+testland") == ["mou"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (pg_trgm)")
@pytest.mark.parametrize(
    "index",
    ["institution_name_trgm_idx", "institution_acronym_trgm_idx", "institution_othername_trgm_idx"],
)
def test_postgres_answers_search_from_the_trigram_indexes(index):
    """The indexes of migration 0004 match the SQL that `search=` emits, word for word.

    With only bitmap scans allowed, PostgreSQL reads a table through a trigram index
    exactly when the index's expression is the one in the query (on a test table this
    small it would otherwise rightly scan it).
    """
    institution = make_institution(name="Securities Authority of Testland")
    institution.other_names.create(name="Testland Securities Authority")
    queryset = InstitutionFilterSet({"search": "securities"}, queryset=Institution.objects.all()).qs
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan
