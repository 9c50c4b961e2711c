"""The API's rate limit per anonymous client, counted under ops.client_ip."""

import math

from rest_framework.throttling import AnonRateThrottle

from ops.client_ip import client_ip


class ClientAnonRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle (scope "anon"), keyed by the client address the sign-in
    lockout counts too, not by DRF's own reading of X-Forwarded-For.

    Counted in fixed windows (one atomic increment per request) rather than DRF's sliding
    log, which reads, rewrites and stores the list of every request of the last window on
    each request: at a high rate that list is the costliest part of a cached answer. A
    client may thus make up to twice the rate across a window boundary; Retry-After is the
    time to the next window.
    """

    def get_ident(self, request) -> str:
        return client_ip(request) or ""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        # add() then incr(): both atomic in Redis, so concurrent workers count every hit.
        self.cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The key vanished (evicted, or the cache is unreachable and keeps nothing:
            # responsecache/backends.py): the limit lets the request through.
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        # Whole seconds, rounded up: DRF writes Retry-After with %d, and a client that
        # waits what it says must find the new window open.
        return float(max(math.ceil(self.window_ends - self.timer()), 1))
