"""The service's endpoints: each reads its request, calls reconcile.service or
reconcile.extension, and answers JSON (the preview, HTML)."""

import math
from collections.abc import Callable

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ops.throttling import ClientAnonRateThrottle

from . import extension, service
from .index import find_record
from .manifest import manifest
from .service import QueryError


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


class ReconcileThrottle(ClientAnonRateThrottle):
    """Its own allowance (RECONCILE_ANON_RATE), counted per client address like the
    API's: a batch scores up to 100 names against every record, so an anonymous client
    sending batches without pause must be slowed down. OpenRefine sends batches one
    after another, so a spreadsheet of 1,000 rows is 100 requests."""

    scope = "reconcile"


def _answer(request: HttpRequest, work: Callable[[], dict]) -> JsonResponse:
    """The work's answer, or a refusal in the shape of the API's errors
    (api/exceptions.py), so that a client reads both alike; never a 500 for bad input."""
    throttle = ReconcileThrottle()
    if not throttle.allow_request(request, None):
        wait = throttle.wait()
        response = _json(
            {
                "error": {
                    "status": 429,
                    "code": "throttled",
                    "message": gettext("Too many requests; try again in a moment."),
                }
            },
            status=429,
        )
        if wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    try:
        return _json(work())
    except QueryError as error:
        return _json(
            {"error": {"status": error.status, "code": "invalid", "message": error.message}},
            status=error.status,
        )


# OpenRefine posts from its own server, with no cookie and no CSRF token; nothing here
# writes, so there is nothing to forge.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request: HttpRequest) -> JsonResponse:
    """The service URL: the manifest; with `queries`, reconciliation; with `extend`,
    data extension. POST takes either as a form field, or a query batch as a JSON body."""
    if request.method == "POST" and request.content_type == "application/json":
        body = request.body.decode("utf-8", errors="replace")
        return _answer(request, lambda: service.reconcile(service.read_json(body, "The body")))
    params = request.POST if request.method == "POST" else request.GET
    if "queries" in params:
        return _answer(
            request, lambda: service.reconcile(service.read_json(params["queries"], "queries"))
        )
    if "extend" in params:
        return _answer(
            request, lambda: extension.extend(service.read_json(params["extend"], "extend"))
        )
    return _json(manifest(request.build_absolute_uri))


@require_GET
def suggest_entity(request: HttpRequest) -> JsonResponse:
    return _answer(request, lambda: service.suggest_entities(request.GET))


@require_GET
def suggest_type(request: HttpRequest) -> JsonResponse:
    return _answer(request, lambda: service.suggest_types(request.GET))


@require_GET
def suggest_property(request: HttpRequest) -> JsonResponse:
    return _answer(request, lambda: service.suggest_properties(request.GET))


@require_GET
def propose_properties(request: HttpRequest) -> JsonResponse:
    return _answer(request, lambda: extension.propose(request.GET))


# OpenRefine shows the preview in an iframe of its own page: this one page may be framed
# by any site (it shows only what the public record page shows).
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_GET
def preview(request: HttpRequest, entity_id: str) -> HttpResponse:
    record = find_record(entity_id)
    if record is None:
        raise Http404
    return render(
        request,
        "reconcile/preview.html",
        {
            "record": record,
            "entity_id": entity_id,
            "kind": record._meta.model_name,
        },
    )


@require_GET
def view(request: HttpRequest, entity_id: str) -> HttpResponse:
    """The manifest's view template: one address for every kind of record, leading to
    its public page."""
    record = find_record(entity_id)
    if record is None:
        raise Http404
    return redirect(record.get_absolute_url())
