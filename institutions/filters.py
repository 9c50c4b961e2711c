"""FilterSets for jurisdictions and institutions, shared by the HTML lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sources.filters import BoundedCSVField, SlugFilter, StableOrderingFilter, search_filter
from sources.identifiers import LEIField, WikidataQIDField

from .models import (
    Branch,
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    Jurisdiction,
    JurisdictionKind,
    Level,
)
from .names import JurisdictionNameField
from .regions import Region, SubRegion


class WikidataListFilter(django_filters.BaseCSVFilter, django_filters.CharFilter):
    """Comma-separated Wikidata QIDs, each well formed, at most MAX_LIST_VALUES of them."""

    base_field_class = BoundedCSVField
    field_class = WikidataQIDField


class LEIListFilter(django_filters.BaseCSVFilter, django_filters.CharFilter):
    """Comma-separated LEIs, each of the ISO 17442 shape, at most MAX_LIST_VALUES of them."""

    base_field_class = BoundedCSVField
    field_class = LEIField


class JurisdictionFilter(django_filters.ModelChoiceFilter):
    """One jurisdiction by name or code ("Germany", "germany", "DE"): names resolved by
    institutions.names, so a reader's word and an old link's code both work."""

    field_class = JurisdictionNameField


def jurisdiction_filter(help_text: str, **kwargs) -> JurisdictionFilter:
    return JurisdictionFilter(
        queryset=Jurisdiction.objects.all(),
        to_field_name="code",
        label=kwargs.pop("label", _("Jurisdiction")),
        help_text=help_text,
        **kwargs,
    )


def wikidata_filter(subject: str, **kwargs) -> WikidataListFilter:
    """The `?wikidata=` lookup, the same for institutions and networks."""
    return WikidataListFilter(
        label=_("Wikidata QIDs"),
        help_text=_("Wikidata QIDs, comma-separated (e.g. Q123): the %(subject)s with any of them.")
        % {"subject": subject},
        **kwargs,
    )


def lei_filter(subject: str, **kwargs) -> LEIListFilter:
    """The `?lei=` lookup, the same for institutions and networks."""
    return LEIListFilter(
        label=_("LEIs"),
        help_text=_(
            "Legal Entity Identifiers (ISO 17442, 20 characters), comma-separated: the "
            "%(subject)s with any of them. An LEI whose check digits do not match names no "
            "record, so finds none."
        )
        % {"subject": subject},
        **kwargs,
    )


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
    jurisdiction = jurisdiction_filter(
        _("Jurisdiction, by name or code, e.g. Germany or DE (EU for the European Union).")
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
    wikidata = wikidata_filter(_("institutions"), method="filter_identifier")
    lei = lei_filter(_("institutions"), method="filter_identifier")
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
            "wikidata",
            "lei",
        ]

    def filter_active(self, queryset, name, value):
        return queryset.active() if value else queryset.dissolved()

    def filter_identifier(self, queryset, name, values):
        # One subquery on the identifiers' unique (scheme, identifier) index, which
        # answers `scheme = … AND identifier IN (…)`; the filter's name is the scheme.
        identified = InstitutionIdentifier.objects.filter(
            scheme=IdentifierScheme(name), identifier__in=values
        )
        return queryset.filter(pk__in=identified.values("institution_id"))
