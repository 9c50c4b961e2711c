from django.core.paginator import EmptyPage, InvalidPage
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param


class BoundedPageNumberPagination(PageNumberPagination):
    """Page-number pagination that refuses, rather than silently adjusts, bad parameters.

    A client asking for 5,000 rows or for page 0 gets a 400 naming the parameter, so that
    a script notices instead of quietly receiving something else. Page 99 of 3 is well
    formed but not there: 404, naming the last page (the schema documents it).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_param = "page"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Must be a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = request.query_params.get(self.page_query_param, 1)
        if number == "":
            raise ValidationError(
                {self.page_query_param: [_("May not be empty; leave the parameter out instead.")]}
            )
        try:
            self.page = paginator.page(number)
        except InvalidPage as error:
            message = _("Page %(page)s does not exist: pages run from 1 to %(last)d.") % {
                "page": number,
                "last": paginator.num_pages,
            }
            past_the_end = isinstance(error, EmptyPage) and int(number) > 1
            refusal = NotFound if past_the_end else ValidationError
            raise refusal({self.page_query_param: [message]}) from None
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response["X-Total-Count"] = str(self.page.paginator.count)
        if links := self.page_links():
            response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links)
        return response

    def page_links(self) -> list[tuple[str, str]]:
        """(rel, URL) for the neighbouring and the end pages of this one, in its format."""
        url = self.request.build_absolute_uri()
        last = self.page.paginator.num_pages
        number = self.page.number

        def to(page: int) -> str:
            if page == 1:
                return remove_query_param(url, self.page_query_param)
            return replace_query_param(url, self.page_query_param, page)

        links = []
        if number > 1:
            links += [("first", to(1)), ("prev", to(number - 1))]
        if number < last:
            links += [("next", to(number + 1)), ("last", to(last))]
        return links
