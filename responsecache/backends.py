"""A Redis cache that fails open: with Redis refused or hanging, the site carries on uncached.

Everything that uses the cache (the response cache and its content version, the API's
rate limit, the link checker's per-host lock) goes through this one backend, so the rule
lives here once: **an unreachable cache behaves like an empty cache that keeps nothing**,
as if every entry were evicted the moment it was written. Reads miss, writes vanish,
`add` succeeds (stored, then evicted at once: any cache may do that), `incr` finds no key.
Pages are rendered uncached, the rate limit lets requests through, a curator's save goes
ahead without its version bump, and the link lock is granted.

Short socket timeouts (settings CACHES OPTIONS) bound the wait for a hanging Redis, and
after a failure this process stops asking for OUTAGE_RETRY_SECONDS, so an outage costs one
timeout per process per interval rather than one per call. It is logged once when it
begins and once when it ends, never per request.

When Redis answers again after writes were lost (a version bump among them, perhaps), the
entries it still holds may be older than a change made meanwhile, so the cache is emptied.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
DEFAULT_RETRY_SECONDS = 5.0


class _Outage:
    """Whether this process takes one Redis location as down, since when and until when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.lost_writes = False

    def skipping(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at


# One record per location, shared by the threads of a process (Django builds one cache
# object per thread, so the record cannot live on the object).
_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _fail_open(method: Callable, *, write: bool, fallback: Callable) -> Callable:
    """`method` of RedisCache, answering `fallback(...)` while Redis cannot be reached."""

    @functools.wraps(method)
    def guarded(self: "FailOpenRedisCache", *args, **kwargs):
        return self._guarded(
            lambda: method(self, *args, **kwargs),
            lambda: fallback(*args, **kwargs),
            write=write,
        )

    return guarded


def _missing_key(key, *args, **kwargs):
    # What Django's caches raise when incr() finds no key.
    raise ValueError(f"Key '{key}' not found.")


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, answering as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params: dict) -> None:
        options = dict(params.get("OPTIONS") or {})
        # Ours, not a redis-py connection argument: take it out before the client sees it.
        self.retry_seconds = float(options.pop("OUTAGE_RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = ",".join(self._servers)
        self._outage = _outage_for(self.location)

    def _guarded(self, call: Callable[[], Any], fallback: Callable[[], Any], *, write: bool):
        outage = self._outage
        if outage.skipping():
            outage.lost_writes = outage.lost_writes or write
            return fallback()
        try:
            result = call()
        except UNREACHABLE as error:
            self._went_down(error, write=write)
            return fallback()
        if outage.down_since is not None:
            self._came_back()
        return result

    def _went_down(self, error: Exception, *, write: bool) -> None:
        outage = self._outage
        with outage.lock:
            outage.retry_at = time.monotonic() + self.retry_seconds
            outage.lost_writes = outage.lost_writes or write
            if outage.down_since is not None:
                return
            outage.down_since = time.monotonic()
        logger.warning(
            "Cache %s unreachable (%s): serving without it, asking again every %g s.",
            self.location,
            error,
            self.retry_seconds,
        )

    def _came_back(self) -> None:
        outage = self._outage
        with outage.lock:
            if outage.down_since is None:
                return
            seconds = time.monotonic() - outage.down_since
            lost_writes, outage.lost_writes = outage.lost_writes, False
            outage.down_since = None
        if lost_writes:
            try:
                RedisCache.clear(self)
            except UNREACHABLE as error:
                self._went_down(error, write=True)
                return
        logger.warning(
            "Cache %s answers again after %.1f s%s.",
            self.location,
            seconds,
            "; emptied it, since writes were lost meanwhile" if lost_writes else "",
        )

    # Each of RedisCache's operations, guarded; the fallback takes the same arguments and
    # gives what an empty cache that keeps nothing would answer.
    add = _fail_open(RedisCache.add, write=True, fallback=lambda *args, **kwargs: True)
    get = _fail_open(
        RedisCache.get, write=False, fallback=lambda key, default=None, version=None: default
    )
    set = _fail_open(RedisCache.set, write=True, fallback=lambda *args, **kwargs: None)
    touch = _fail_open(RedisCache.touch, write=True, fallback=lambda *args, **kwargs: False)
    delete = _fail_open(RedisCache.delete, write=True, fallback=lambda *args, **kwargs: False)
    get_many = _fail_open(RedisCache.get_many, write=False, fallback=lambda *args, **kwargs: {})
    has_key = _fail_open(RedisCache.has_key, write=False, fallback=lambda *args, **kwargs: False)
    incr = _fail_open(RedisCache.incr, write=True, fallback=_missing_key)
    set_many = _fail_open(RedisCache.set_many, write=True, fallback=lambda *args, **kwargs: [])
    delete_many = _fail_open(RedisCache.delete_many, write=True, fallback=lambda *a, **k: None)
    clear = _fail_open(RedisCache.clear, write=True, fallback=lambda: False)
