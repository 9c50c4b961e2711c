from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    """Page-number pagination that refuses, rather than silently adjusts, bad parameters.

    A client asking for 5,000 rows or for page 99 of 3 gets a 400 naming the parameter,
    so that a script notices instead of quietly receiving something else.
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
        number = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise ValidationError(
                {
                    self.page_query_param: [
                        _("Page %(page)s does not exist: pages run from 1 to %(last)d.")
                        % {"page": number, "last": paginator.num_pages}
                    ]
                }
            ) from None
        self.request = request
        return list(self.page)
