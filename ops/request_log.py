"""A request id for every request: in each log line it causes and in X-Request-ID.

django-structlog's middleware makes the id (a UUID; a client's own X-Request-ID is not
trusted), binds it to every log line written while the request is served and logs one
"request_finished" line per request. This subclass also returns the id to the client,
so that a report ("it failed, request id …") leads to the log lines, and names the
client by ops.client_ip instead of django-ipware's own reading of the headers.
"""

import sentry_sdk
import structlog
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware

from ops.client_ip import client_address

HEADER = "X-Request-ID"


class RequestIdMiddleware(RequestMiddleware):
    """django-structlog's RequestMiddleware, answering with the id in X-Request-ID."""

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        context = structlog.contextvars.get_contextvars()
        if context.get("request_id"):
            response[HEADER] = context["request_id"]
        super().handle_response(request, response)
        # django-structlog forgets the request here, but Django logs 4xx and 5xx answers
        # ("Not Found: /x") after the outermost middleware returns: keep the context
        # until the response is closed (forget_request).
        structlog.contextvars.bind_contextvars(**context)


@receiver(request_finished)
def forget_request(**kwargs) -> None:
    structlog.contextvars.clear_contextvars()


@receiver(signals.bind_extra_request_metadata)
def bind_client_address(request: HttpRequest, logger, log_kwargs: dict, **kwargs) -> None:
    structlog.contextvars.bind_contextvars(ip=client_address(request))
    # Error reports carry the id too (a no-op unless SENTRY_DSN is set).
    sentry_sdk.set_tag("request_id", structlog.contextvars.get_contextvars().get("request_id"))
