"""NUL characters are refused with 400, and every API error, 500 included, is JSON (#15, item 10).

Before: `/institutions/%00/` and `/api/v1/networks/%00/` answered 500 on PostgreSQL
(psycopg refuses text with a NUL byte), and an API 500 came back as Django's HTML page.
"""

import pytest
from rest_framework.test import APIClient

from api.views import NetworkViewSet
from tests.factories import make_institution, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert error["message"]
    return error


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/networks/%00/",
        "/api/v1/networks/%00/members/",
        "/api/v1/institutions/a%00b/",
        "/api/v1/networks/?member=%00",
    ],
)
def test_a_nul_character_in_an_api_request_is_a_json_400(api, url):
    make_network(slug="a")
    error = error_of(api.get(url), 400)
    assert "NUL" in error["message"]


def test_the_refused_query_parameter_is_named(api):
    error = error_of(api.get("/api/v1/institutions/?search=bank%00"), 400)
    assert list(error["fields"]) == ["search"]


@pytest.mark.parametrize("url", ["/institutions/%00/", "/networks/a%00/", "/search/?q=%00"])
def test_a_nul_character_in_a_page_address_is_a_400_page(client, url):
    make_institution(slug="a")
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_character_in_a_cookie_is_refused(client):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/networks/").status_code == 400


def test_an_unknown_api_address_is_a_json_404(api):
    error = error_of(api.get("/api/v1/no-such-endpoint/"), 404)
    assert error["code"] == "not_found"


def test_an_unexpected_api_failure_is_a_json_500_and_a_page_stays_html(api, client, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(NetworkViewSet, "list", broken)
    api.raise_request_exception = False
    error = error_of(api.get("/api/v1/networks/"), 500)
    assert error["code"] == "server_error"
    assert "a bug" not in error["message"]

    monkeypatch.setattr("web.views.NetworkListView.get", broken)
    client.raise_request_exception = False
    page = client.get("/networks/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
