"""The API's anonymous rate limit counts fixed windows with one integer per client."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from ops.throttling import ClientAnonRateThrottle


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()


def ask(rf, address: str, now: float) -> ClientAnonRateThrottle:
    throttle = ClientAnonRateThrottle()
    throttle.timer = lambda: now
    request = rf.get("/api/v1/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    throttle.allowed = throttle.allow_request(request, None)
    return throttle


def test_the_rate_is_kept_per_client_and_window(rf, three_a_minute):
    start = 1_800_000_000.0  # the start of a minute (divisible by 60)
    assert [ask(rf, "203.0.113.1", start + i).allowed for i in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    # Another client has its own count.
    assert ask(rf, "203.0.113.2", start + 5).allowed
    # Refused 10 s into the window: come back in the 50 s left.
    refused = ask(rf, "203.0.113.1", start + 10)
    assert not refused.allowed and refused.wait() == pytest.approx(50)
    # The next window starts afresh.
    assert ask(rf, "203.0.113.1", start + 60).allowed


def test_each_request_costs_one_integer_not_a_list(rf, three_a_minute):
    start = 1_800_000_000.0
    for i in range(3):
        throttle = ask(rf, "203.0.113.3", start + i)
    assert cache.get(f"{throttle.key}:{int(start // 60)}") == 3
    assert cache.get(throttle.key) is None  # no DRF history list beside it
