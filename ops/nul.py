"""A NUL character anywhere in a request is refused with 400, before any view runs.

PostgreSQL cannot store or compare text with a NUL (0x00) byte: psycopg refuses the
query with DataError, so `/institutions/%00/` or a lookup by a cookie's value answered
500. No slug, code, date, word or session key of ours contains one, so the request is
malformed, whatever reads it later: refusing it here keeps every view, middleware and
form from having to remember the case. The answer is the site's 400 (api.exceptions:
the API's JSON error shape under /api/, a page elsewhere).
"""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver
from django.utils.translation import gettext as _

NUL = "\x00"


class NulCharacter(BadRequest):
    """A NUL character in the path, a query parameter or a cookie."""

    def __init__(self, message: str, parameter: str = ""):
        super().__init__(message)
        # The query parameter that carried it, named in the API's `fields`.
        self.parameter = parameter


class RefuseNulMiddleware:
    """Answer 400 to a request whose path, query string or cookies hold a NUL character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if error := nul_character(request):
            # As Django answers a BadRequest raised in a view, without its error log: a
            # NUL is a probe or a broken client, not a fault of ours.
            return get_resolver().resolve_error_handler(400)(request, error)
        return self.get_response(request)


def nul_character(request: HttpRequest) -> NulCharacter | None:
    """Why the request is refused, or None when it carries no NUL."""
    if NUL in request.path:
        return NulCharacter(_("The address may not contain a NUL character."))
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return NulCharacter(
                _("Query parameters may not contain a NUL character."),
                parameter=name.replace(NUL, ""),
            )
    if any(NUL in name or NUL in value for name, value in request.COOKIES.items()):
        return NulCharacter(_("Cookies may not contain a NUL character."))
    return None
