"""The shipped reverse-proxy configuration (deploy/nginx.conf) and the app agree.

nginx is not needed to run these: the proxy's header directives are applied to a
request the way nginx applies them (a client's header is passed on unless a
proxy_set_header line names it; an empty value drops it), and the result is sent to the
app as it would arrive from the proxy.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from curation.member_lists import MAX_BYTES

NGINX_CONF = django_settings.BASE_DIR / "deploy" / "nginx.conf"
PROXY = "172.18.0.1"  # a reverse proxy on the docker host (synthetic test address)
VISITOR = "203.0.113.9"  # documentation range (RFC 5737)
PASSWORD = "a-long-test-password"
# The proxy set-up the README described before deploy/nginx.conf: Host and scheme only.
HOST_AND_SCHEME_ONLY = """
    location / {
        proxy_pass http://lattice;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
"""


def proxy_location(conf: str) -> str:
    """The `location / { ... }` block, whose proxy_set_header lines nginx applies."""
    match = re.search(r"location / \{(.*?)\n    \}", conf, re.S)
    assert match, "no `location / {` block"
    return match.group(1)


def through_the_proxy(conf: str, client_addr: str, **client_headers: str) -> dict:
    """The WSGI META of a request the client sent to nginx, as it reaches gunicorn."""
    headers = {name.lower().replace("_", "-"): value for name, value in client_headers.items()}
    variables = {
        "$proxy_add_x_forwarded_for": ", ".join(
            filter(None, [headers.get("x-forwarded-for"), client_addr])
        ),
        "$remote_addr": client_addr,
        "$scheme": "https",
        "$host": "testserver",
    }
    for name, value in re.findall(
        r"^\s*proxy_set_header\s+(\S+)\s+(.*?);", proxy_location(conf), re.M
    ):
        value = value.strip('"')
        for variable, replacement in variables.items():
            value = value.replace(variable, replacement)
        assert "$" not in value, f"the test does not know the nginx variable in {value!r}"
        if value:
            headers[name.lower()] = value
        else:
            headers.pop(name.lower(), None)
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    meta.pop("HTTP_HOST", None)
    return {**meta, "REMOTE_ADDR": PROXY}


@pytest.fixture
def conf() -> str:
    return NGINX_CONF.read_text()


@pytest.fixture
def production_proxy_settings(settings):
    """DJANGO_ENV=production's defaults for the proxy: one, trusted from private networks."""
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.CACHE_RESPONSE_SECONDS = 0


@pytest.mark.django_db
def test_behind_the_shipped_proxy_a_forged_header_does_not_lift_a_lockout(
    client, conf, production_proxy_settings
):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    url = reverse("admin:login")
    for attempt in range(5):
        meta = through_the_proxy(conf, VISITOR, x_forwarded_for=f"198.51.100.{attempt}")
        client.post(url, {"username": "curator", "password": "wrong"}, **meta)
    meta = through_the_proxy(conf, VISITOR, x_forwarded_for="198.51.100.99")
    response = client.post(url, {"username": "curator", "password": PASSWORD}, **meta)
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_the_shipped_proxy_a_forged_header_does_not_escape_the_throttle(
    client, conf, production_proxy_settings, monkeypatch
):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [
        client.get(
            "/api/v1/networks/",
            **through_the_proxy(conf, VISITOR, x_forwarded_for=f"198.51.100.{n}"),
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    # Another visitor behind the same proxy has a throttle bucket of its own.
    other = through_the_proxy(conf, "198.51.100.200")
    assert client.get("/api/v1/networks/", **other).status_code == 200


@pytest.mark.django_db
def test_a_proxy_that_passes_the_clients_header_on_would_let_it_choose(
    client, production_proxy_settings, monkeypatch
):
    """Why the shipped proxy replaces X-Forwarded-For: without that, nothing can help."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    conf = f"server {{{HOST_AND_SCHEME_ONLY}\n    }}"
    statuses = [
        client.get(
            "/api/v1/networks/",
            **through_the_proxy(conf, VISITOR, x_forwarded_for=f"198.51.100.{n}"),
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200] * 5


def test_the_proxy_sets_the_scheme_django_trusts(conf):
    meta = through_the_proxy(conf, VISITOR, x_forwarded_proto="http")
    assert meta["HTTP_X_FORWARDED_PROTO"] == "https"


def test_the_proxy_takes_a_full_member_list_upload_and_no_more_than_it_needs(conf):
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmM]?);", conf, re.M)
    limit = int(size[0]) * {"": 1, "k": 1024, "m": 1024 * 1024}[size[1].lower()]
    # The largest upload the admin accepts: a file of MAX_BYTES and every other field full.
    body = encode_multipart(
        BOUNDARY,
        {
            "csrfmiddlewaretoken": "x" * 64,
            "file": SimpleUploadedFile("members.xlsx", b"x" * MAX_BYTES),
            "source_url": "https://example.org/" + "x" * 980,
            "source_title": "x" * 300,
            "source_publisher": "x" * 200,
            "list_date": "2026-01-01",
            "end_missing": "on",
            "default_role": "member",
            "reason": "x" * 5000,
        },
    )
    assert len(body) <= limit
    # Not much more: a larger body is refused before it occupies a worker.
    assert limit <= MAX_BYTES + 1024 * 1024


def test_the_proxy_names_no_version(conf):
    servers = conf.count("\nserver {")
    assert servers >= 1
    assert len(re.findall(r"^\s*server_tokens off;", conf, re.M)) == servers
