"""A database outage answers 503 Service Unavailable with Retry-After, not 500.

While PostgreSQL restarts, fails over or refuses connections, every view that reads it
raises OperationalError or InterfaceError. That is not a bug in the page, and clients and
crawlers should come back later rather than record an error: visitors get a plain page
(templates/503.html, which touches neither the database nor a context processor), API
clients the API's JSON error shape (api/exceptions.py). Django closes a broken connection
at the end of the request, so the site recovers by itself once the database answers.

Logged once when the first 503 of an outage is given, then at most once a minute with
the count, instead of one error with a traceback per request.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 60.0


class _LogLimiter:
    """One log line per interval per process, counting what it left out."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.lock = threading.Lock()
        self.last = float("-inf")
        self.skipped = 0

    def log(self, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < self.every:
                self.skipped += 1
                return
            skipped, self.skipped, self.last = self.skipped, 0, now
        logger.warning(
            "Database unavailable (%s: %s); answering 503%s.",
            type(error).__name__,
            str(error).strip(),
            f" ({skipped} more since the last report)" if skipped else "",
        )


_limiter = _LogLimiter(LOG_EVERY_SECONDS)


class DatabaseUnavailableMiddleware:
    """Turn a view's OperationalError or InterfaceError into 503 with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        _limiter.log(exception)
        return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: the API's JSON error shape under /api/, a plain page elsewhere."""
    message = _("The database is unavailable. Please try again in a minute.")
    if request.path.startswith("/api/"):
        error = {"status": 503, "code": "service_unavailable", "message": message}
        response = JsonResponse({"error": error}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, at most once a minute: keep Django from logging every one as an error.
    response._has_been_logged = True
    return response
