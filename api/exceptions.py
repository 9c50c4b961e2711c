from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """One error shape for every refused request.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"as_of": [...]}}}
    `fields` names the offending parameters, when there are any.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(detail, dict) and "detail" not in detail:
        fields = {
            key: [str(m) for m in (v if isinstance(v, list) else [v])] for key, v in detail.items()
        }
        message = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in fields.items())
        # A 404 may name parameters too (a filter naming no record: api.filters.refusal).
        code = getattr(exc, "default_code", "invalid")
    elif isinstance(detail, list):
        message = " ".join(str(m) for m in detail)
        code = "invalid"
    else:
        message = str(detail.get("detail", detail))
        code = getattr(detail.get("detail"), "code", None) or getattr(exc, "default_code", "error")
    error = {"status": response.status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    response.data = {"error": error}
    return response


# Django's own error answers (config.urls handler400/404/500): what happens outside an API
# view, or escapes one. DRF's handler above answers the errors an API view raises as
# API errors; an unexpected exception (a bug) it leaves to Django, which logs it and
# calls `server_error`. Under /api/ each answers in the same JSON shape; elsewhere it is
# the site's page, as Django's defaults render it.


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    """The error shape above, for an answer made outside DRF."""
    error = {"status": status, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    return JsonResponse(
        {"error": error}, status=status, json_dumps_params={"separators": (",", ":")}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    # Our own refusals (ops.nul) carry a message meant for the client; Django's
    # SuspiciousOperation messages are for the log, so they get a general one.
    parameter = getattr(exception, "parameter", "")
    message = str(exception) if hasattr(exception, "parameter") else _("Malformed request.")
    return json_error(400, "invalid", message, {parameter: [message]} if parameter else None)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return json_error(404, "not_found", _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return json_error(
        500, "server_error", _("A server error occurred. It has been logged; please try again.")
    )
