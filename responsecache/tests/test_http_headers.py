"""What Lattice tells a shared cache in front (deploy/nginx-cache.conf.template): public
and revalidatable for anonymous reads, private for curators, never for the admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsecache import cache as responsecache
from responsecache.cache import AnonymousCacheMiddleware, invalidate_after_request
from tests.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution(settings):
    settings.HTTP_CACHE_SECONDS = 10
    settings.HTTP_CACHE_STALE_SECONDS = 20
    made = make_institution(name="Shared Cache Authority")
    invalidate_after_request(sender=None)  # the fixture's writes are over
    return made


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("page", ["api", "html"])
def test_anonymous_reads_are_public_for_seconds_with_a_weak_validator(client, institution, page):
    url = (
        institution.get_absolute_url()
        if page == "html"
        else f"/api/v1/institutions/{institution.slug}/"
    )
    response = client.get(url)
    assert directives(response) == {
        "public",
        "max-age=0",
        "s-maxage=10",
        "stale-while-revalidate=20",
    }
    assert response["ETag"].startswith('W/"')
    # Only a record's own date, never one made up from the content version.
    assert ("Last-Modified" in response) == (page == "api")
    # One language: no copy per browser language.
    assert "accept-language" not in response.get("Vary", "").lower()


@pytest.mark.parametrize("cache_seconds", [0, 600])
def test_revalidating_an_unchanged_response_costs_no_query(
    client, institution, settings, cache_seconds
):
    # With or without the Redis response cache: the validator alone answers.
    settings.CACHE_RESPONSE_SECONDS = cache_seconds
    url = f"/api/v1/institutions/{institution.slug}/"
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and "public" in directives(response)
    assert len(queries) == 0


def test_a_curated_change_makes_the_old_validator_fail(client, institution):
    url = f"/api/v1/institutions/{institution.slug}/"
    etag = client.get(url)["ETag"]
    institution.name = "Renamed Shared Cache Authority"
    institution.save()
    invalidate_after_request(sender=None)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Renamed Shared Cache Authority" in response.content
    assert response["ETag"] != etag


def test_a_new_deployment_makes_the_old_validator_fail(client, institution, monkeypatch):
    url = f"/api/v1/institutions/{institution.slug}/"
    etag = client.get(url)["ETag"]
    monkeypatch.setattr(responsecache, "code_version", lambda: "another-release")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_validator_differs_by_representation(client, institution):
    url = f"/api/v1/institutions/{institution.slug}/"
    as_json = client.get(url, HTTP_ACCEPT="application/json")["ETag"]
    as_csv = client.get(url, HTTP_ACCEPT="text/csv")["ETag"]
    assert as_json != as_csv
    assert client.get(url, HTTP_ACCEPT="text/csv", HTTP_IF_NONE_MATCH=as_json).status_code == 200


def test_a_signed_in_curators_responses_are_private(client, institution, django_user_model):
    curator = django_user_model.objects.create_user("curator", password="pw", is_staff=True)
    client.force_login(curator)
    response = client.get(institution.get_absolute_url())
    assert "private" in directives(response) and "public" not in directives(response)
    assert "s-maxage=10" not in directives(response)


def test_the_admin_is_never_public(client, institution):
    response = client.get("/admin/login/")
    assert "public" not in directives(response)
    assert {"private", "no-store"} <= directives(response)


def test_zero_seconds_sends_no_shared_cache_headers(client, institution, settings):
    settings.HTTP_CACHE_SECONDS = 0
    response = client.get(institution.get_absolute_url())
    assert "public" not in directives(response)
    assert "no-cache" in directives(response)  # no heuristic freshness either
    # The validator stays: browsers still revalidate cheaply.
    assert response["ETag"].startswith('W/"')


def test_revalidations_count_against_the_api_rate_limit(client, institution, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    url = f"/api/v1/institutions/{institution.slug}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_the_code_version_follows_the_templates(tmp_path, settings):
    # Contents, not file times: two hosts of one release agree, an edit changes it.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    responsecache.code_version.cache_clear()
    try:
        first = responsecache.code_version()
        responsecache.code_version.cache_clear()
        assert responsecache.code_version() == first
        page.write_text("<p>two</p>")
        responsecache.code_version.cache_clear()
        assert responsecache.code_version() != first
    finally:
        responsecache.code_version.cache_clear()


def test_the_middleware_keys_by_what_the_response_depends_on(rf):
    digest = AnonymousCacheMiddleware.digest
    api = "/api/v1/networks/"
    assert digest(rf.get(f"{api}?a=1&b=2")) == digest(rf.get(f"{api}?b=2&a=1"))
    assert digest(rf.get(api)) != digest(rf.get(api, HTTP_ACCEPT="text/csv"))
    assert digest(rf.get(api)) != digest(rf.get(api, HTTP_ORIGIN="https://a.example"))
    # Pages do not negotiate: every browser's Accept string shares one validator.
    page = "/networks/"
    assert digest(rf.get(page, HTTP_ACCEPT="text/html,*/*;q=0.8")) == digest(
        rf.get(page, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.9")
    )


def test_a_validator_lasts_one_render_period_and_never_past_midnight(
    client, institution, settings, time_machine
):
    # Link-check marks and the default date change pages without any curated change.
    settings.HTTP_CACHE_RENDER_SECONDS = 600
    time_machine.move_to("2026-06-01 23:48:00+00:00", tick=False)
    url = f"/api/v1/institutions/{institution.slug}/"
    etag = client.get(url)["ETag"]
    time_machine.move_to("2026-06-01 23:49:00+00:00", tick=False)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    time_machine.move_to("2026-06-01 23:51:00+00:00", tick=False)  # the next 10 minutes
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    settings.HTTP_CACHE_RENDER_SECONDS = 0  # no step: the day alone
    etag = client.get(url)["ETag"]
    time_machine.move_to("2026-06-02 00:01:00+00:00", tick=False)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
