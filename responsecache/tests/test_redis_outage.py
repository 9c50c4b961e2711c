"""Fault tests: the site outlives its cache (responsecache/backends.py).

A private redis-server serves the cache as production configures it (the settings built
from CACHE_URL, short timeouts included); it is killed mid-run, or replaced by a server
that accepts connections and never answers, and pages, the API and curators' saves go on.
"""

import logging
import time

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from links.services.checker import CheckerConfig, host_lock
from responsecache import backends
from responsecache.cache import invalidate_after_request
from tests.factories import make_membership

from .servers import cache_at, configured_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CACHE_RESPONSE_SECONDS = 600
    # Each test starts with no outage on record.
    backends._outages.clear()
    yield
    backends._outages.clear()


@pytest.fixture
def directory():
    """A network with one member: enough for each kind of page to show something."""
    membership = make_membership()
    # The records' creation is over (as at the end of a curator's request): the cache settles.
    invalidate_after_request(sender=None)
    return membership.network, membership.member_institution


def page_urls(network, institution) -> list[str]:
    return [
        "/",
        "/networks/",
        network.get_absolute_url(),
        institution.get_absolute_url(),
        "/api/v1/networks/",
        f"/api/v1/networks/{network.slug}/",
        f"/api/v1/institutions/{institution.slug}/",
    ]


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "responsecache.backends"]


def test_production_settings_put_redis_behind_the_fail_open_cache_with_short_timeouts():
    config = configured_cache("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "responsecache.backends.FailOpenRedisCache"
    assert 0 < config["OPTIONS"]["socket_connect_timeout"] <= 1
    assert 0 < config["OPTIONS"]["socket_timeout"] <= 1


def test_pages_the_api_and_saves_go_on_when_redis_stops_mid_run(
    client, settings, redis_server, directory, caplog, monkeypatch
):
    settings.CACHES = cache_at(redis_server.port)
    network, institution = directory
    urls = page_urls(network, institution)
    for url in urls:
        assert client.get(url).status_code == 200
    # Redis really is the cache here: the second request of each is a hit.
    assert all(client.get(url)["X-Cache"] == "hit" for url in urls)
    assert redis_server.client().dbsize() > len(urls)

    redis_server.kill()

    caplog.set_level(logging.WARNING, logger="responsecache.backends")
    for _ in range(3):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response
    # A curator's save: the content version bump cannot reach Redis, and need not.
    institution.name = "Renamed while Redis was down"
    institution.save()
    invalidate_after_request(sender=None)
    assert "Renamed while Redis was down" in client.get(urls[3]).content.decode()
    # The API's rate limit fails open too: over a limit of 2, every request still answers.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert {client.get(urls[4]).status_code for _ in range(5)} == {200}
    # So does the link checker's per-host lock: granted at once, even twice over.
    started = time.monotonic()
    config = CheckerConfig(lock_wait=2.0)
    with host_lock("example.org", config=config), host_lock("example.org", config=config):
        pass
    assert time.monotonic() - started < 1
    # One line for the whole outage, not one per request.
    assert len(cache_warnings(caplog)) == 1
    assert "unreachable" in cache_warnings(caplog)[0].getMessage()


def test_a_hanging_redis_costs_one_short_wait_not_five_seconds_a_request(
    client, settings, hanging_port, directory
):
    network, institution = directory
    urls = page_urls(network, institution)
    # Rendered once first, so that the timings below measure waits, not a cold start.
    for url in urls:
        assert client.get(url).status_code == 200
    settings.CACHES = cache_at(hanging_port)
    timings = []
    for url in urls * 2:
        started = time.monotonic()
        response = client.get(url)
        timings.append(time.monotonic() - started)
        assert response.status_code == 200, url
    started = time.monotonic()
    institution.name = "Renamed while Redis hung"
    institution.save()
    timings.append(time.monotonic() - started)
    # Without a short timeout each would wait 5 s for Redis and then fail; with it, the
    # first waits half a second and the rest do not ask a Redis known to be down.
    assert max(timings) < 2, timings
    assert sum(timings) < 5, timings


def test_when_redis_answers_again_the_cache_is_used_and_nothing_stale_is_served(
    settings, redis_server, directory
):
    # Retry soon, so that the test need not wait the production interval.
    settings.CACHES = cache_at(redis_server.port, OUTAGE_RETRY_SECONDS=0.5)
    client = Client()
    _, institution = directory
    url = institution.get_absolute_url()
    old_name = institution.name
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"

    # Redis hangs (every client paused) but keeps its data, the old page among it.
    redis_server.client().client_pause(2000, all=True)
    paused = time.monotonic()
    assert client.get(url).status_code == 200
    # A curator renames the institution meanwhile: the version bump is lost.
    institution.name = "Renamed while Redis was paused"
    institution.save()
    invalidate_after_request(sender=None)

    # Past the pause (2 s), and past the retry interval after any command sent during it
    # (at most 2 s + 0.5 s timeout + 0.5 s interval), however slowly the above ran.
    time.sleep(max(0.0, 3.1 - (time.monotonic() - paused)))
    body = client.get(url).content.decode()
    assert "Renamed while Redis was paused" in body
    assert old_name not in body
    # Redis is the cache again (the request that found it back read the old version
    # before emptying it: the next one starts a new version, the one after hits).
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
