"""The anonymous response cache (responsecache/cache.py): hits, invalidation, ETags, exclusions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsecache.cache import bump_content_version, content_version, invalidate_after_request
from tests.factories import make_institution, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CACHE_RESPONSE_SECONDS = 600


def edited(institution):
    """The curator's edit is over (its request has finished): the cache settles."""
    invalidate_after_request(sender=None)
    return institution


def api_url(institution) -> str:
    return f"/api/v1/institutions/{institution.slug}/"


def test_a_second_anonymous_request_is_served_from_the_cache_without_queries(client):
    institution = edited(make_institution())
    first = client.get(api_url(institution))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(api_url(institution))
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in first and second["X-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 0


def test_html_pages_are_cached_too(client):
    institution = edited(make_institution())
    client.get(institution.get_absolute_url())
    assert client.get(institution.get_absolute_url())["X-Cache"] == "hit"


def test_saving_a_curated_record_invalidates_the_pages_that_show_it(client):
    institution = edited(make_institution(name="Old Name"))
    assert b"Old Name" in client.get(api_url(institution)).content
    institution.name = "New Name"
    institution.save()
    response = client.get(api_url(institution))
    assert "X-Cache" not in response
    assert b"New Name" in response.content


def test_deleting_and_changing_sources_invalidate_too(client):
    institution = edited(make_institution())
    client.get(api_url(institution))
    version = content_version()
    institution.sources.add(make_source(title="Fresh evidence"))
    assert content_version() != version
    response = client.get(api_url(institution))
    assert b"Fresh evidence" in response.content
    version = content_version()
    institution.sources.first().delete()
    assert content_version() != version


def test_a_lost_version_key_never_brings_back_old_entries(client):
    institution = edited(make_institution())
    client.get(api_url(institution))
    from django.core.cache import cache

    cache.delete("lattice:content-version")
    assert "X-Cache" not in client.get(api_url(institution))


def test_a_cached_response_answers_if_none_match_with_304(client):
    institution = edited(make_institution())
    etag = client.get(api_url(institution))["ETag"]
    response = client.get(api_url(institution), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["X-Cache"] == "hit"
    assert response.content == b""


def test_head_is_answered_from_the_get_entry_without_a_body(client):
    institution = edited(make_institution())
    client.get(api_url(institution))
    response = client.head(api_url(institution))
    assert response.status_code == 200
    assert response["X-Cache"] == "hit"
    assert response.content == b""


def test_cors_headers_follow_the_origin_of_each_request(client):
    institution = edited(make_institution())
    client.get(api_url(institution))
    response = client.get(api_url(institution), HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_requests_with_a_session_are_never_cached(client):
    institution = edited(make_institution())
    client.cookies["sessionid"] = "anything"
    client.get(api_url(institution))
    assert "X-Cache" not in client.get(api_url(institution))


def test_errors_and_the_admin_are_never_cached(client):
    client.get("/api/v1/institutions/no-such-thing/")
    assert "X-Cache" not in client.get("/api/v1/institutions/no-such-thing/")
    client.get("/admin/login/")
    assert "X-Cache" not in client.get("/admin/login/")


def test_zero_seconds_turns_the_cache_off(client, settings):
    settings.CACHE_RESPONSE_SECONDS = 0
    institution = edited(make_institution())
    client.get(api_url(institution))
    assert "X-Cache" not in client.get(api_url(institution))


def test_bump_changes_the_version():
    version = content_version()
    bump_content_version()
    assert content_version() != version


def test_the_end_of_an_editing_request_invalidates_once_more():
    institution = edited(make_institution(name="Before"))
    institution.name = "After"
    institution.save()
    # A page rendered between the change and its commit is stored under this version…
    version = content_version()
    # …so the end of the editing request moves the version once more, and only once.
    invalidate_after_request(sender=None)
    settled = content_version()
    assert settled != version
    invalidate_after_request(sender=None)
    assert content_version() == settled


def test_cached_api_responses_still_count_against_the_rate_limit(client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    institution = edited(make_institution())
    assert client.get(api_url(institution)).status_code == 200
    assert client.get(api_url(institution)).status_code == 200
    response = client.get(api_url(institution))
    assert response.status_code == 429
    assert "X-Cache" not in response
