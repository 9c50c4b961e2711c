"""FilterSets for networks and what hangs off them, shared by the HTML lists and the API.

Relationship questions are first-class filters: the members of a network on a date
(`MembershipFilterSet` with `network` and `as_of`), an institution's networks
(`NetworkFilterSet.member`), networks two institutions share (`member=a,b`), memoranda
between two institutions (`MemorandumFilterSet.signatory=a,b`).
"""

import datetime

import django_filters
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.filters import (
    InstitutionBaseFilterSet,
    jurisdiction_filter,
    lei_filter,
    wikidata_filter,
)
from institutions.models import Branch, Institution
from institutions.regions import Region
from sources.filters import (
    BoundedCSVField,
    SlugFilter,
    SlugValueField,
    StableOrderingFilter,
    search_filter,
)
from sources.forms import AsOfField

from .models import (
    Dimension,
    Function,
    ListStatus,
    Meeting,
    MeetingKind,
    Membership,
    Memorandum,
    MemorandumKind,
    Network,
    Origin,
    Reach,
    Role,
    Sector,
)


class SlugListFilter(django_filters.BaseCSVFilter, django_filters.CharFilter):
    """Comma-separated slugs, each a valid slug, at most MAX_LIST_VALUES of them."""

    base_field_class = BoundedCSVField
    field_class = SlugValueField


def held_by_all(rows: models.QuerySet, group: str, member: str, count: int) -> models.QuerySet:
    """The `group` ids (e.g. networks) whose `rows` name `count` distinct `member`s.

    With `rows` already narrowed to the slugs asked for, that is "all of them": one
    grouped subquery for the whole list, where one EXISTS per slug made PostgreSQL's
    planning and running time grow faster than the list (80 slugs: 4-11 s).
    """
    return (
        rows.order_by()
        .values(group)
        .annotate(found=models.Count(member, distinct=True))
        .filter(found=count)
        .values(group)
    )


class AsOfFilter(django_filters.DateFilter):
    """The `as_of` date, read by sources.forms.AsOfField like everywhere else (pages, API,
    visuals): YYYY-MM-DD from 1800 to ten years ahead."""

    field_class = AsOfField


def as_of_filter(subject: str):
    return AsOfFilter(
        method="filter_as_of",
        label=_("As of"),
        help_text=_("Date (YYYY-MM-DD) on which %(subject)s are counted; today by default.")
        % {"subject": subject},
    )


class AsOfMixin:
    """Filters that ask about memberships read the `as_of` date (default today)."""

    def filter_as_of(self, queryset, name, value):
        # Applied by the filters that use it; on its own it changes nothing.
        return queryset

    @property
    def on(self) -> datetime.date:
        return self.form.cleaned_data.get("as_of") or timezone.localdate()

    def held(self, **kwargs) -> models.QuerySet:
        return Membership.objects.as_of(self.on).filter(**kwargs)


class NetworkFilterSet(AsOfMixin, django_filters.FilterSet):
    """Networks by typology, by who their members are, and by status."""

    search = search_filter(["name", "acronym", "description", "issue_area"])
    dimension = django_filters.MultipleChoiceFilter(choices=Dimension.choices, label=_("Dimension"))
    function = django_filters.MultipleChoiceFilter(
        choices=Function.choices, method="filter_function", label=_("Function")
    )
    reach = django_filters.MultipleChoiceFilter(choices=Reach.choices, label=_("Reach"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("Sector"))
    origin = django_filters.MultipleChoiceFilter(choices=Origin.choices, label=_("Origin"))
    list_status = django_filters.MultipleChoiceFilter(
        choices=ListStatus.choices,
        label=_("Our list of members"),
        help_text=_("How complete our list of its members is: complete, partial or unknown."),
    )
    branch = django_filters.MultipleChoiceFilter(
        choices=Branch.choices,
        method="filter_branch",
        label=_("Members' branch"),
        help_text=_("Networks with at least one member of this branch (on `as_of`)."),
    )
    region = django_filters.MultipleChoiceFilter(
        choices=Region.choices,
        method="filter_region",
        label=_("Members' region"),
        help_text=_("Networks with at least one member in this UN region (on `as_of`)."),
    )
    member = SlugListFilter(
        method="filter_member",
        label=_("Members"),
        help_text=_(
            "Institution slugs, comma-separated: networks that all of them belong to (on "
            "`as_of`). One slug gives an institution's networks; two, the networks they share."
        ),
    )
    active = django_filters.BooleanFilter(
        method="filter_active", label=_("Active"), help_text=_("Not dissolved (true) or dissolved.")
    )
    host = SlugFilter(
        field_name="host__slug", label=_("Host"), help_text=_("Slug of the host organisation.")
    )
    parent = SlugFilter(
        field_name="parent__slug", label=_("Part of"), help_text=_("Slug of the parent network.")
    )
    founded_after = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="gte", label=_("Founded on or after")
    )
    founded_before = django_filters.DateFilter(
        field_name="founded_on", lookup_expr="lte", label=_("Founded on or before")
    )
    wikidata = wikidata_filter(_("networks"), field_name="wikidata_id", method="filter_identifier")
    lei = lei_filter(_("networks"), field_name="lei", method="filter_identifier")
    as_of = as_of_filter(_("members"))
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
        model = Network
        fields = [
            "search",
            "dimension",
            "function",
            "reach",
            "sector",
            "origin",
            "list_status",
            "branch",
            "region",
            "member",
            "active",
            "host",
            "parent",
            "founded_after",
            "founded_before",
            "wikidata",
            "lei",
            "as_of",
        ]

    def filter_function(self, queryset, name, values):
        return queryset.with_function(*values)

    def filter_branch(self, queryset, name, values):
        held = self.held(network=models.OuterRef("pk"), member_institution__branch__in=values)
        return queryset.filter(models.Exists(held))

    def filter_region(self, queryset, name, values):
        held = self.held(
            network=models.OuterRef("pk"), member_institution__jurisdiction__region__in=values
        )
        return queryset.filter(models.Exists(held))

    def filter_member(self, queryset, name, slugs):
        held = self.held(member_institution__slug__in=slugs)
        return queryset.filter(
            pk__in=held_by_all(held, "network", "member_institution", len(set(slugs)))
        )

    def filter_active(self, queryset, name, value):
        return queryset.active() if value else queryset.dissolved()

    def filter_identifier(self, queryset, name, values):
        # `name` is the field, wikidata_id or lei. Answered by its partial unique index
        # (network_wikidata_unique, network_lei_unique): the index's own condition,
        # repeated, lets SQLite use it too (PostgreSQL proves it from the list, which
        # never holds '').
        return queryset.filter(**{f"{name}__in": values}).exclude(**{name: ""})


class InstitutionFilterSet(AsOfMixin, InstitutionBaseFilterSet):
    """Institutions, also by the network they belong to on a date."""

    network = SlugFilter(
        method="filter_network",
        label=_("Member of"),
        help_text=_("Network slug: institutions that are its members (on `as_of`)."),
    )
    as_of = as_of_filter(_("memberships"))

    class Meta(InstitutionBaseFilterSet.Meta):
        fields = [*InstitutionBaseFilterSet.Meta.fields, "network", "as_of"]

    def filter_network(self, queryset, name, value):
        held = self.held(network__slug=value, member_institution=models.OuterRef("pk"))
        return queryset.filter(models.Exists(held))


class MembershipFilterSet(django_filters.FilterSet):
    """Memberships: who belonged to which network, in what role, when."""

    network = django_filters.ModelChoiceFilter(
        queryset=Network.objects.all(),
        to_field_name="slug",
        label=_("Network"),
        help_text=_("Network slug."),
    )
    institution = django_filters.ModelChoiceFilter(
        field_name="member_institution",
        queryset=Institution.objects.all(),
        to_field_name="slug",
        label=_("Member institution"),
        help_text=_("Institution slug."),
    )
    member_network = django_filters.ModelChoiceFilter(
        queryset=Network.objects.all(),
        to_field_name="slug",
        label=_("Member network"),
        help_text=_("Slug of a network that is itself a member."),
    )
    role = django_filters.MultipleChoiceFilter(choices=Role.choices, label=_("Role"))
    as_of = AsOfFilter(
        method="filter_as_of",
        label=_("As of"),
        help_text=_("Memberships held on this date (YYYY-MM-DD)."),
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        label=_("Current"),
        help_text=_("Held today (true) or not held today (false)."),
    )
    period = django_filters.ChoiceFilter(
        choices=[
            ("current", _("Current")),
            ("ended", _("Ended")),
            ("all", _("All periods")),
        ],
        method="filter_period",
        label=_("Period"),
        help_text=_(
            "current: held today; ended: held once and ended by today; all: every "
            "membership, past, present and recorded for the future. A network's members "
            "are its current ones unless `period`, `as_of` or `current` is given."
        ),
    )
    jurisdiction = jurisdiction_filter(
        _("Name or code, e.g. Germany or DE."),
        field_name="member_institution__jurisdiction",
        label=_("Member's jurisdiction"),
    )
    region = django_filters.ChoiceFilter(
        field_name="member_institution__jurisdiction__region",
        choices=Region.choices,
        label=_("Member's region"),
    )
    branch = django_filters.MultipleChoiceFilter(
        field_name="member_institution__branch",
        choices=Branch.choices,
        label=_("Member's branch"),
    )
    started_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Started on or after")
    )
    started_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Started on or before")
    )
    ended_after = django_filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("Ended on or after")
    )
    ended_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("Ended on or before")
    )
    ordering = StableOrderingFilter(
        fields=[
            ("start_date", "start"),
            ("end_date", "end"),
            ("role", "role"),
            ("updated_at", "updated_at"),
        ],
        label=_("Order by"),
    )

    class Meta:
        model = Membership
        fields = [
            "network",
            "institution",
            "member_network",
            "role",
            "as_of",
            "current",
            "period",
            "jurisdiction",
            "region",
            "branch",
            "started_after",
            "started_before",
            "ended_after",
            "ended_before",
        ]

    def filter_as_of(self, queryset, name, value):
        return queryset.as_of(value)

    def filter_current(self, queryset, name, value):
        if value:
            return queryset.current()
        return queryset.exclude(Membership.as_of_q(timezone.localdate()))

    def filter_period(self, queryset, name, value):
        if value == "current":
            return queryset.current()
        if value == "ended":
            # Its last day is past: by its recorded end (an end known only to the year
            # holds to the year's last day) or by the dissolution of its member or network.
            return queryset.filter(Membership.ended_q(timezone.localdate()))
        return queryset


class MemorandumFilterSet(django_filters.FilterSet):
    """Memoranda of understanding, by kind, sector and who signed them."""

    search = search_filter(["title", "short_title", "subject"])
    kind = django_filters.ChoiceFilter(choices=MemorandumKind.choices, label=_("Kind"))
    sector = django_filters.MultipleChoiceFilter(choices=Sector.choices, label=_("Sector"))
    network = SlugFilter(
        field_name="network__slug", label=_("Administered by"), help_text=_("Network slug.")
    )
    signatory = SlugListFilter(
        method="filter_signatory",
        label=_("Signatories"),
        help_text=_(
            "Institution slugs, comma-separated: memoranda signed by all of them (two slugs: "
            "memoranda between two institutions)."
        ),
    )
    signed_after = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label=_("Signed on or after")
    )
    signed_before = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label=_("Signed on or before")
    )
    in_force = django_filters.BooleanFilter(
        method="filter_in_force",
        label=_("In force"),
        help_text=_("Not terminated (true) or terminated (false)."),
    )
    ordering = StableOrderingFilter(
        fields=[("title", "title"), ("signed_on", "signed"), ("updated_at", "updated_at")],
        label=_("Order by"),
    )

    class Meta:
        model = Memorandum
        fields = [
            "search",
            "kind",
            "sector",
            "network",
            "signatory",
            "signed_after",
            "signed_before",
            "in_force",
        ]

    def filter_signatory(self, queryset, name, slugs):
        from .models import Signatory

        signed = Signatory.objects.filter(institution__slug__in=slugs)
        return queryset.filter(
            pk__in=held_by_all(signed, "memorandum", "institution", len(set(slugs)))
        )

    def filter_in_force(self, queryset, name, value):
        return queryset.in_force() if value else queryset.terminated()


class MeetingFilterSet(django_filters.FilterSet):
    """Meetings of networks, by network, kind, place, participant and date."""

    search = search_filter(["title", "city", "description"])
    network = SlugFilter(
        field_name="network__slug", label=_("Network"), help_text=_("Network slug.")
    )
    kind = django_filters.MultipleChoiceFilter(choices=MeetingKind.choices, label=_("Kind"))
    jurisdiction = jurisdiction_filter(
        _("The jurisdiction it took place in, by name or code, e.g. Germany or DE.")
    )
    host = SlugFilter(field_name="host__slug", label=_("Host"), help_text=_("Institution slug."))
    participant = SlugFilter(
        method="filter_participant",
        label=_("Participant"),
        help_text=_("Institution slug: meetings it took part in or hosted."),
    )
    starts_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Starts on or after")
    )
    starts_before = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("Starts on or before")
    )
    upcoming = django_filters.BooleanFilter(
        method="filter_upcoming",
        label=_("Upcoming"),
        help_text=_("Not yet over (true) or past (false)."),
    )
    ordering = StableOrderingFilter(
        fields=[("start_date", "start"), ("title", "title"), ("updated_at", "updated_at")],
        label=_("Order by"),
    )

    class Meta:
        model = Meeting
        fields = [
            "search",
            "network",
            "kind",
            "jurisdiction",
            "host",
            "participant",
            "starts_after",
            "starts_before",
            "upcoming",
        ]

    def filter_participant(self, queryset, name, value):
        from .models import MeetingParticipant

        took_part = MeetingParticipant.objects.filter(
            meeting=models.OuterRef("pk"), institution__slug=value
        )
        return queryset.filter(models.Exists(took_part) | models.Q(host__slug=value))

    def filter_upcoming(self, queryset, name, value):
        # Not `upcoming()`: that also orders, and the list's own ordering must stay.
        upcoming = Meeting.upcoming_q()
        return queryset.filter(upcoming) if value else queryset.exclude(upcoming)
