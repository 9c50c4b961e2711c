"""FilterSet for sources, shared by the HTML lists and the API."""

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Source


def search_filter(fields: list[str]):
    """A `search` filter: every word must match one of `fields` (case-insensitive)."""

    def filter_search(queryset, name, value):
        for word in value.split():
            condition = models.Q()
            for field in fields:
                condition |= models.Q(**{f"{field}__icontains": word})
            # A subquery, not a join, so that to-many fields do not duplicate rows.
            queryset = queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
        return queryset

    return django_filters.CharFilter(
        method=filter_search,
        label=_("Search"),
        help_text=_("Words that must all appear in the name, acronym or other text."),
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=` with the primary key as the last tie-breaker, in the same direction.

    Without it, rows that tie (two meetings on one day) come in any order, so pages
    could repeat or skip rows, and `-field` would not be the reverse of `field`.
    """

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            first = next((v for v in value if v), "")
            qs = qs.order_by(*qs.query.order_by, "-pk" if first.startswith("-") else "pk")
        return qs


class SourceFilterSet(django_filters.FilterSet):
    """Sources by publisher and date read."""

    search = search_filter(["title", "publisher", "url"])
    publisher = django_filters.CharFilter(lookup_expr="iexact", label=_("Publisher"))
    accessed_after = django_filters.DateFilter(
        field_name="accessed_on", lookup_expr="gte", label=_("Read on or after")
    )
    accessed_before = django_filters.DateFilter(
        field_name="accessed_on", lookup_expr="lte", label=_("Read on or before")
    )
    ordering = StableOrderingFilter(
        fields=[("url", "url"), ("accessed_on", "accessed"), ("updated_at", "updated_at")],
        label=_("Order by"),
    )

    class Meta:
        model = Source
        fields = ["search", "publisher", "accessed_after", "accessed_before"]
