"""Whole-response cache for anonymous GET and HEAD requests (HTML pages and the API).

Every cached response is keyed by a global *content version*, which changes whenever a
curated record is saved or deleted (any model of the curated apps, through the ORM's
signals). A curator's edit therefore invalidates every cached page at once: more than
strictly needed, but always correct and with no list of "which pages show this record"
to keep up to date. Hits on the API count against its anonymous rate limit like any other request.
Inside a change set (`sources.history.recording`) the version moves once, when the
change set commits; its own save is a curated write, so bulk writes inside one
(`bulk_create`, `update()`) are covered too. Other writes that bypass the signals must
call `bump_content_version()`; entries expire after CACHE_RESPONSE_SECONDS in any case.

The cache is the default one: Redis when CACHE_URL names it (shared by every gunicorn
worker and host, so one bump reaches all), local memory in the quick start (one process).

The same content version makes the HTTP headers a shared cache in front (the nginx of
deploy/nginx-cache.conf) needs: `Cache-Control: public, s-maxage, stale-while-revalidate`
and an `ETag` derived from the version, the request, the code and the render period, so that
a proxy revalidating an expired entry gets its 304 before any view or query runs.
"""

import contextvars
import functools
import hashlib
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from ops.throttling import ClientAnonRateThrottle
from sources import history

VERSION_KEY = "lattice:content-version"
# Apps whose records appear on public pages and in the API.
# Not "links": link checks run all day, and a mark up to CACHE_RESPONSE_SECONDS old is
# fine, while emptying every cached page after each check would make the cache useless.
CURATED_APPS = {"sources", "institutions", "networks"}


def content_version() -> str:
    """The current content version; a fresh one when the cache has lost it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A time-based value never repeats an earlier one, so an evicted version key
        # cannot bring back responses cached before the last change.
        version = str(time.time_ns())
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def bump_content_version() -> None:
    """Invalidate every cached response (call after any write to curated data)."""
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


# Set when a curated record changed during the current request (or task).
_changed = contextvars.ContextVar("lattice_content_changed", default=False)


@receiver(post_save, dispatch_uid="lattice-cache-save")
@receiver(post_delete, dispatch_uid="lattice-cache-delete")
@receiver(m2m_changed, dispatch_uid="lattice-cache-m2m")
def invalidate_on_change(sender, **kwargs) -> None:
    if sender._meta.app_label not in CURATED_APPS:
        return
    _changed.set(True)
    rec = history.current()
    if rec is None:
        bump_content_version()
        return
    # Inside a change set (sources.history.recording): once, when it commits. A
    # 2,000-row import made 18,000 bumps otherwise; one rolled back makes none.
    scheduled = _bump_scheduled.get()
    if scheduled is None or scheduled() is not rec:
        _bump_scheduled.set(weakref.ref(rec))
        transaction.on_commit(bump_content_version)


# The change set whose commit bumps the version (weakly held: it ends before the thread).
_bump_scheduled: contextvars.ContextVar[weakref.ref | None] = contextvars.ContextVar(
    "lattice_content_bump_scheduled", default=None
)


@receiver(request_finished, dispatch_uid="lattice-cache-request-finished")
def invalidate_after_request(sender, **kwargs) -> None:
    # Again once the request is over and its transaction committed, so that a page
    # rendered by another request between the change and the commit (with the old data,
    # under the new version) is not served afterwards.
    if _changed.get():
        _changed.set(False)
        bump_content_version()


def render_period() -> str:
    """What changes responses besides curated content and code: the day (the default
    `as_of`, upcoming meetings, "today" on every page) and, in steps of
    HTTP_CACHE_RENDER_SECONDS, all that no curated change signals (link-check marks,
    writes that bypass the signals). A validator of another period does not match, so
    no response is reused by revalidation for longer than one step or past midnight."""
    step = settings.HTTP_CACHE_RENDER_SECONDS
    return f"{timezone.localdate():%Y%m%d}.{int(time.time() // step) if step else 0}"


@functools.cache
def code_version() -> str:
    """A digest of what renders responses: the project's Python and templates, the
    collected static manifest (the hashed file names pages link to) and the versions of
    the packages (uv.lock). A deployment changes it, so ETags of the previous one no
    longer validate. Computed from contents, not file times: every host of one release
    agrees."""
    import django
    import rest_framework

    root = settings.BASE_DIR
    digest = hashlib.sha256(f"{django.__version__} {rest_framework.__version__}".encode())
    # The project's packages and templates/ (not data/, static/ or the virtualenv).
    # (bench/ is a tool, not part of what the site serves.)
    folders = [path.parent for path in root.glob("*/__init__.py") if path.parent.name != "bench"]
    folders.append(root / "templates")
    files = [
        path
        for folder in folders
        for pattern in ("*.py", "*.html", "*.txt", "*.xml")
        for path in folder.rglob(pattern)
        if "tests" not in path.relative_to(root).parts
    ]
    # Every installed package's version (uv.lock), and the hashed names pages link to.
    extra = [root / "uv.lock", Path(settings.STATIC_ROOT or "") / "staticfiles.json"]
    for path in sorted(files) + [path for path in extra if path.is_file()]:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _AnonymousThrottle(ClientAnonRateThrottle):
    """The API's anonymous rate limit, counted on cache hits too (no user yet there), by
    the same client address as on a miss (ops.client_ip: forged headers cannot pick one)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousCacheMiddleware:
    """Serve anonymous GET/HEAD responses from the cache, keyed by the content version.

    Sits right after SecurityMiddleware, so that a hit skips static files, sessions, CSRF,
    authentication and the view; the stored headers include CSP, CORS, ETag and Vary.
    CORS headers depend on the request's Origin, which is therefore part of the key. Only
    cookie-less requests are served or stored, and only 200 responses that set no cookie
    and did not write to the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.cacheable_request(request):
            response = self.get_response(request)
            if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                # A signed-in curator's pages are theirs alone: no shared cache keeps them.
                patch_cache_control(response, private=True)
            return response
        seconds = settings.CACHE_RESPONSE_SECONDS
        version = content_version()
        digest = self.digest(request)
        etag = self.etag(version, digest)
        # A proxy (or browser) revalidating what it holds: unchanged content, code, day
        # and render period, same request: 304 at the cost of one cache read.
        if request.headers.get("If-None-Match"):
            unchanged = get_conditional_response(request, etag=etag)
            if unchanged is not None and self.allowed(request):
                unchanged["X-Cache"] = "hit"
                return self.shared(request, unchanged, etag)
        # The code and the render period too: a response rendered by the previous
        # deployment, or yesterday, or before the last period began, is not reused.
        key = f"lattice:response:{version}:{code_version()}:{render_period()}:{digest}"
        cached = cache.get(key) if seconds else None
        if cached is not None:
            if not self.allowed(request):
                # Over the limit: the API itself answers, with its 429 and Retry-After.
                return self.get_response(request)
            return self.answer(request, cached)
        response = self.get_response(request)
        if not self.cacheable_response(request, response):
            return response
        response = self.shared(request, response, etag)
        if request.method == "GET" and seconds:
            # Rendered content and headers only: the response object holds the request.
            cache.set(
                key, (response.status_code, response.content, dict(response.items())), seconds
            )
        return response

    @staticmethod
    def allowed(request: HttpRequest) -> bool:
        """Whether an answer that skips the API's views still counts within its rate."""
        return not request.path.startswith("/api/") or _AnonymousThrottle().allow_request(
            request, None
        )

    @staticmethod
    def shared(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse:
        """Headers that let a shared cache keep and revalidate an anonymous response.
        No Last-Modified is made up: a date cannot tell a new deployment, day or render
        period; an API detail keeps its own (its record's `updated_at`)."""
        response["ETag"] = etag
        if settings.HTTP_CACHE_SECONDS:
            patch_cache_control(
                response,
                public=True,
                max_age=0,
                s_maxage=settings.HTTP_CACHE_SECONDS,
                stale_while_revalidate=settings.HTTP_CACHE_STALE_SECONDS,
            )
        else:
            # Kept and revalidated, never reused unasked (no heuristic freshness from
            # Last-Modified).
            patch_cache_control(response, no_cache=True)
        # One language only: LocaleMiddleware's "Vary: Accept-Language" would make a
        # shared cache keep a copy per browser language of the same bytes.
        if len(settings.LANGUAGES) == 1 and response.has_header("Vary"):
            kept = [
                name.strip()
                for name in response["Vary"].split(",")
                if name.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response

    @staticmethod
    def cacheable_request(request: HttpRequest) -> bool:
        # Only parameters some view reads: otherwise `?junk=1`, `?junk=2`… would each
        # store a copy of the same page (a made-up name is answered, but not stored).
        return (
            request.method in ("GET", "HEAD")
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and not request.path.startswith(settings.CACHE_RESPONSE_EXCLUDE)
            and settings.CACHE_RESPONSE_PARAMETERS.issuperset(request.GET)
        )

    @staticmethod
    def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not (session is not None and session.modified)
            and "no-store" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def digest(request: HttpRequest) -> str:
        """What a response depends on besides the content: host, Accept (JSON or CSV in
        the API), Origin (the CORS headers) and the path with the query as the views read
        it (parsed, parameters in name order, each name's values in their order, so that
        `?a=1&b=2` and `?b=2&a=1` share one entry). Hashed: query strings can be longer
        than any cache key may be. HEAD shares GET's."""
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        # Accept picks JSON or CSV in the API only: pages answer every browser alike, and
        # browsers' Accept strings differ (a page would get an ETag per browser).
        accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
        request_part = "\n".join(
            [
                request.get_host(),
                accept,
                request.META.get("HTTP_ORIGIN", ""),
                f"{request.path}?{query}",
            ]
        )
        return hashlib.sha256(request_part.encode("utf-8", "surrogateescape")).hexdigest()

    @staticmethod
    def etag(version: str, digest: str) -> str:
        # Weak: the proxy may compress the bytes; the meaning stays the same.
        return f'W/"{version}.{render_period()}.{digest[:16]}.{code_version()}"'

    @staticmethod
    def answer(request: HttpRequest, cached: tuple) -> HttpResponse:
        status, content, headers = cached
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        conditional = get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
            response=response,
        )
        if request.method == "HEAD":
            conditional.content = b""
        conditional["X-Cache"] = "hit"
        return conditional
