"""One client address for every per-client limit (ops/client_ip.py), and no forging it.

The sign-in lockout and the API throttle are driven here the way a visitor would drive
them: through the test client, with a forged X-Forwarded-For on every request.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from ops.client_ip import client_address, client_ip

PASSWORD = "a-long-test-password"
PUBLIC_CLIENT = "203.0.113.9"  # documentation range (RFC 5737): synthetic test address
PROXY = "172.18.0.1"  # where a reverse proxy on the docker host connects from


@pytest.fixture
def behind_one_proxy(settings):
    """Production's defaults: one proxy in front, trusted from private networks."""
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.CACHE_RESPONSE_SECONDS = 0


@pytest.mark.parametrize(
    ("num_proxies", "remote_addr", "forwarded", "expected"),
    [
        # No proxy: the header is the client's own invention.
        (0, "198.51.100.7", "6.6.6.6", "198.51.100.7"),
        # One proxy that wrote the client's address.
        (1, PROXY, PUBLIC_CLIENT, PUBLIC_CLIENT),
        # One proxy that appended: what the client sent stands to the left.
        (1, PROXY, f"6.6.6.6, {PUBLIC_CLIENT}", PUBLIC_CLIENT),
        # A client reaching gunicorn directly cannot name itself.
        (1, PUBLIC_CLIENT, "6.6.6.6", PUBLIC_CLIENT),
        # Two proxies expected, one entry: the chain is not ours, the header is not read.
        (2, PROXY, "6.6.6.6", PROXY),
        (2, PROXY, f"6.6.6.6, {PUBLIC_CLIENT}, 10.0.0.5", PUBLIC_CLIENT),
        # Not an address: the header was not written by our proxy.
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "", PROXY),
        # One client, one spelling.
        (1, PROXY, "::ffff:203.0.113.9", PUBLIC_CLIENT),
        (1, PROXY, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_client_address(rf, settings, num_proxies, remote_addr, forwarded, expected):
    settings.NUM_PROXIES = num_proxies
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_an_ipv6_client_is_counted_by_its_64(rf, settings):
    settings.NUM_PROXIES = 1
    one = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:2:ffff::9")
    neighbour = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:3::1")
    assert client_ip(one) == client_ip(other) == "2001:db8:1:2::"
    assert client_ip(neighbour) != client_ip(one)
    # The logs keep the full address.
    assert client_address(one) == "2001:db8:1:2::1"


def test_only_listed_networks_may_speak_for_a_client(rf, settings):
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXY_NETWORKS = ["192.0.2.0/24"]
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6")) == (
        "6.6.6.6"
    )
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6")) == PROXY


@pytest.mark.django_db
def test_a_forged_header_does_not_lift_a_sign_in_lockout(client, behind_one_proxy):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    url = reverse("admin:login")
    for attempt in range(5):
        client.post(
            url,
            {"username": "curator", "password": "wrong"},
            REMOTE_ADDR=PUBLIC_CLIENT,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    response = client.post(
        url,
        {"username": "curator", "password": PASSWORD},
        REMOTE_ADDR=PUBLIC_CLIENT,
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_api_throttle(client, behind_one_proxy, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [
        client.get(
            "/api/v1/networks/", REMOTE_ADDR=PUBLIC_CLIENT, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_cached_api_answers_count_the_same_client(client, behind_one_proxy, settings, monkeypatch):
    """With the response cache on, hits are throttled by the same resolver as misses:
    a client connecting straight to gunicorn cannot forge its way to fresh buckets."""
    settings.CACHE_RESPONSE_SECONDS = 300
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [
        client.get(
            "/api/v1/networks/", REMOTE_ADDR=PUBLIC_CLIENT, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
