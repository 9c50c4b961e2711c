"""Lattice behind the shared HTTP cache it ships (deploy/nginx-cache.conf.template), with
Debian's real nginx in front of a live server: what is kept, what never is, how soon a
curator's change shows, and compression."""

import gzip
import json
import time
import urllib.request

import pytest

from bench import proxy
from responsecache.cache import invalidate_after_request
from responsecache.tests.servers import free_port
from tests.factories import make_institution

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not proxy.available(), reason="needs nginx (apt-get install nginx)"),
]


def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def cached_site(live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.HTTP_CACHE_SECONDS = 1
    settings.HTTP_CACHE_STALE_SECONDS = 1
    # The proxy alone: no Redis response cache behind it.
    settings.CACHE_RESPONSE_SECONDS = 0
    upstream = live_server.url.removeprefix("http://")
    port = free_port()
    with proxy.caching_proxy(upstream, port) as running:
        yield f"http://127.0.0.1:{port}"
        assert "[emerg]" not in running.error_log()


def test_an_anonymous_read_is_served_by_the_proxy_the_second_time(cached_site):
    institution = make_institution(name="Proxy Kept Authority")
    invalidate_after_request(sender=None)
    url = f"{cached_site}/api/v1/institutions/{institution.slug}/"
    status, first, body = get(url)
    assert status == 200 and first["X-Proxy-Cache"] == "MISS"
    status, second, again = get(url)
    assert status == 200 and second["X-Proxy-Cache"] == "HIT"
    assert again == body


def test_a_curated_change_reaches_readers_within_the_stated_bound(cached_site):
    institution = make_institution(name="Before The Change")
    invalidate_after_request(sender=None)
    url = f"{cached_site}/api/v1/institutions/{institution.slug}/"
    get(url)
    assert get(url)[1]["X-Proxy-Cache"] == "HIT"
    institution.name = "After The Change"
    institution.save()
    invalidate_after_request(sender=None)
    changed_at = time.monotonic()
    # s-maxage 1 s + stale-while-revalidate 1 s, and up to 1 s more because nginx counts
    # whole seconds: no reader sees the old name 3 s after the change.
    while json.loads(get(url)[2])["name"] != "After The Change":
        assert time.monotonic() - changed_at < 3.2, "the old name outlived the bound"
        time.sleep(0.1)


def test_an_expired_unchanged_entry_is_revalidated_not_rerendered(cached_site):
    institution = make_institution(name="Revalidated Authority")
    invalidate_after_request(sender=None)
    url = f"{cached_site}/api/v1/institutions/{institution.slug}/"
    _, first, body = get(url)
    time.sleep(3.1)  # past s-maxage and stale-while-revalidate (in nginx's whole seconds)
    status, later, again = get(url)
    assert status == 200 and again == body
    assert later["X-Proxy-Cache"] == "REVALIDATED"
    assert later["ETag"] == first["ETag"]


def test_a_curators_requests_and_the_admin_are_never_kept(cached_site):
    institution = make_institution(name="Private Authority")
    invalidate_after_request(sender=None)
    page = f"{cached_site}{institution.get_absolute_url()}"
    get(page)
    assert get(page, Cookie="sessionid=anything")[1]["X-Proxy-Cache"] == "BYPASS"
    admin = f"{cached_site}/admin/login/"
    get(admin)
    _, headers, _ = get(admin)
    assert headers["X-Proxy-Cache"] == "MISS"
    assert "Set-Cookie" in headers  # a fresh CSRF cookie each time: nothing was shared


def test_pages_and_json_are_compressed_for_clients_that_accept_it(cached_site):
    institution = make_institution(name="Compressed Authority")
    for number in range(5):  # a list long enough to be worth compressing (over 1 KB)
        make_institution(name=f"Compressed Authority {number}")
    invalidate_after_request(sender=None)
    for path in [institution.get_absolute_url(), "/api/v1/institutions/?page_size=100"]:
        _, plain_headers, plain = get(f"{cached_site}{path}")
        _, headers, packed = get(f"{cached_site}{path}", **{"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain_headers, path
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed) == plain
        assert len(packed) < len(plain) / 2


def test_the_proxy_answers_its_own_healthcheck(cached_site):
    # docker-compose.yml's healthcheck: nginx itself, whatever Django's ALLOWED_HOSTS.
    status, headers, _ = get(f"{cached_site}/nginx-healthz")
    assert status == 204 and "X-Proxy-Cache" not in headers
