"""Old addresses of merged institutions answer 301 with the survivor's address.

A merge deletes one of two institution records and remembers its slug in
`InstitutionRedirect`. Rather than teach every view about merged slugs, this middleware
looks at 404s on institution addresses only (the public page and its API twin) and, when
the slug was merged, turns the 404 into a permanent redirect. Pages that exist never
reach the lookup, so it costs nothing on the normal path.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from .models import InstitutionRedirect

INSTITUTION_PATHS = [
    re.compile(r"^/institutions/(?P<slug>[^/]+)/$"),
    re.compile(r"^/api/v1/institutions/(?P<slug>[^/]+)/"),
]


class MergedInstitutionRedirectMiddleware:
    """Turn a 404 on a merged institution's page or API detail into a 301 to the survivor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path_info
        for pattern in INSTITUTION_PATHS:
            match = pattern.match(path)
            if match is None:
                continue
            survivor = (
                InstitutionRedirect.objects.filter(old_slug=match["slug"].lower())
                .values_list("institution__slug", flat=True)
                .first()
            )
            if survivor is None:
                return response
            prefix = request.path[: len(request.path) - len(path)]
            location = prefix + path[: match.start("slug")] + survivor + path[match.end("slug") :]
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
        return response
