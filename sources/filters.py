"""FilterSet for sources, shared by the HTML lists and the API."""

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField

from .models import Source

# Every value of a list-valued filter (`member=a,b`, `signatory=`, `ordering=`) and every
# word of a search adds a condition to one query: unbounded, one request naming 500
# institutions held a worker past its timeout (#15). The API's schema states the same
# bounds (api.filters.BoundedFilterExtension).
MAX_LIST_VALUES = 20
MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 200


class BoundedCSVField(BaseCSVField):
    """Comma-separated values: at most MAX_LIST_VALUES, none empty, repeats dropped."""

    max_values = MAX_LIST_VALUES

    def clean(self, value):
        # Counted as sent, before the repeats are dropped: the bound is on the request.
        if value and len(value) > self.max_values:
            raise forms.ValidationError(
                _("At most %(max)d values, separated by commas; %(count)d were given."),
                code="max_values",
                params={"max": self.max_values, "count": len(value)},
            )
        if value and any(not item.strip() for item in value):
            raise forms.ValidationError(
                _("Values may not be empty: remove the extra comma."), code="empty_value"
            )
        cleaned = super().clean(value)
        return list(dict.fromkeys(cleaned)) if cleaned else cleaned


class SearchField(forms.CharField):
    """Search words: at most MAX_SEARCH_WORDS of them, MAX_SEARCH_LENGTH characters."""

    max_words = MAX_SEARCH_WORDS

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_SEARCH_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and len(value.split()) > self.max_words:
            raise forms.ValidationError(
                _("At most %(max)d words; %(count)d were given."),
                code="max_words",
                params={"max": self.max_words, "count": len(value.split())},
            )
        return value


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class SlugValueField(forms.SlugField):
    """A slug exactly as given: surrounding spaces are refused, not trimmed away."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class SlugFilter(django_filters.CharFilter):
    """A record named by its slug: a malformed one is refused before any query."""

    field_class = SlugValueField


def search_filter(fields: list[str]):
    """A `search` filter: every word must match one of `fields` (case-insensitive).

    Each `field__icontains` is `UPPER(col) LIKE UPPER('%word%')` on PostgreSQL, which the
    trigram indexes of institutions/migrations/0004 answer. A field across a to-many
    relation (`other_names__name`) would duplicate rows in a join and, ORed with the
    model's own fields, leave only a sequential scan: so such a word is `pk IN (own
    fields UNION ALL related table)`, each branch a scan of one table.
    """
    local = [field for field in fields if "__" not in field]
    related = [field for field in fields if "__" in field]

    def filter_search(queryset, name, value):
        model = queryset.model
        for word in dict.fromkeys(value.split()):
            condition = models.Q()
            for field in local:
                condition |= models.Q(**{f"{field}__icontains": word})
            if not related:
                queryset = queryset.filter(condition)
                continue
            # No ORDER BY inside a UNION: SQLite refuses it, and it is wasted work anyway.
            branches = [related_matches(model, field, word).order_by() for field in related]
            if local:
                branches.insert(0, model.objects.filter(condition).order_by().values("pk"))
            matches = branches[0].union(*branches[1:], all=True) if branches[1:] else branches[0]
            queryset = queryset.filter(pk__in=matches)
        return queryset

    return SearchFilter(
        method=filter_search,
        label=_("Search"),
        help_text=_("Words that must all appear in the name, acronym or other text."),
    )


def related_matches(model: type[models.Model], field: str, word: str) -> models.QuerySet:
    """Primary keys of `model` whose related `field` contains `word`, as one column.

    Across a reverse foreign key (`other_names__name`) straight from the related table,
    whose foreign key is that primary key: no join back to `model`.
    """
    relation, _sep, rest = field.partition("__")
    rel = model._meta.get_field(relation)
    if rel.one_to_many and "__" not in rest and rel.field.target_field == model._meta.pk:
        rows = rel.related_model.objects.filter(**{f"{rest}__icontains": word})
        return rows.values(rel.field.attname)
    return model.objects.filter(**{f"{field}__icontains": word}).values("pk")


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=` with the primary key as the last tie-breaker, in the same direction.

    Without it, rows that tie (two meetings on one day) come in any order, so pages
    could repeat or skip rows, and `-field` would not be the reverse of `field`.
    """

    base_field_class = BoundedCSVField

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
    as_of_after = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", label=_("Describing a date on or after")
    )
    as_of_before = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", label=_("Describing a date on or before")
    )
    ordering = StableOrderingFilter(
        fields=[
            ("url", "url"),
            ("as_of", "as_of"),
            ("accessed_on", "accessed"),
            ("updated_at", "updated_at"),
        ],
        label=_("Order by"),
    )

    class Meta:
        model = Source
        fields = [
            "search",
            "publisher",
            "as_of_after",
            "as_of_before",
            "accessed_after",
            "accessed_before",
        ]
