"""FilterSets for jurisdictions and institutions, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sources.filters import SlugFilter, StableOrderingFilter, search_filter

from .models import Branch, Institution, Jurisdiction, JurisdictionKind, Level
from .regions import Region, SubRegion


class JurisdictionFilterSet(django_filters.FilterSet):
    """Jurisdictions by kind and UN region."""

    search = search_filter(["name", "code"])
    kind = django_filters.ChoiceFilter(choices=JurisdictionKind.choices, label=_("Kind"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    subregion = django_filters.ChoiceFilter(choices=SubRegion.choices, label=_("Sub-region"))
    ordering = StableOrderingFilter(
        fields=[("name", "name"), ("code", "code"), ("updated_at", "updated_at")],
        label=_("Order by"),
    )

    class Meta:
        model = Jurisdiction
        fields = ["search", "kind", "region", "subregion"]


class InstitutionBaseFilterSet(django_filters.FilterSet):
    """Institutions by branch, level and place (networks.filters adds their networks)."""

    search = search_filter(["name", "acronym", "other_names__name"])
    branch = django_filters.MultipleChoiceFilter(choices=Branch.choices, label=_("Branch"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    jurisdiction = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        label=_("Jurisdiction"),
        help_text=_("Jurisdiction code, e.g. DE or EU."),
    )
    region = django_filters.ChoiceFilter(
        field_name="jurisdiction__region", choices=Region.choices, label=_("Region")
    )
    subregion = django_filters.ChoiceFilter(
        field_name="jurisdiction__subregion", choices=SubRegion.choices, label=_("Sub-region")
    )
    active = django_filters.BooleanFilter(
        method="filter_active", label=_("Active"), help_text=_("Not dissolved (true) or dissolved.")
    )
    parent = SlugFilter(
        field_name="parent__slug", label=_("Part of"), help_text=_("Slug of the parent.")
    )
    ordering = StableOrderingFilter(
        fields=[
            ("name", "name"),
            ("acronym", "acronym"),
            ("founded_on", "founded"),
            ("updated_at", "updated_at"),
        ],
        label=_("Order by"),
    )

    class Meta:
        model = Institution
        fields = [
            "search",
            "branch",
            "level",
            "jurisdiction",
            "region",
            "subregion",
            "active",
            "parent",
        ]

    def filter_active(self, queryset, name, value):
        return queryset.active() if value else queryset.dissolved()
