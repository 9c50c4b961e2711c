"""Read-only API viewsets. Querysets do all joins up front: the number of queries per
request does not grow with the number of rows (pinned in api/tests)."""

import contextlib
import datetime

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from institutions.filters import JurisdictionFilterSet
from institutions.models import (
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionSuccession,
    Jurisdiction,
)
from networks.filters import (
    InstitutionFilterSet,
    MeetingFilterSet,
    MembershipFilterSet,
    MemorandumFilterSet,
    NetworkFilterSet,
)
from networks.models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    NetworkSuccession,
    Signatory,
)
from sources.filters import SourceFilterSet
from sources.models import Lineage, Source

from . import serializers
from .filters import clean_parameter

# The columns a nested reference shows (serializers.NetworkRefSerializer,
# InstitutionRefSerializer, SourceRefSerializer; the primary key comes anyway). A list of
# memberships joins a network and an institution to each of up to 1,000 rows: loading
# these alone, not descriptions and timestamps, makes the query and the objects much
# cheaper. A field shown but not loaded would cost a query per row, which the query-count
# tests in api/tests catch.
NETWORK_REF_COLUMNS = ["slug", "name", "acronym", "website"]
INSTITUTION_REF_COLUMNS = [*NETWORK_REF_COLUMNS, "branch", "jurisdiction__code"]
# A membership's member and network bound when it counts (networks.models.HeldPeriod).
LIFETIME_COLUMNS = ["founded_on", "dissolved_on"]
SOURCE_REF_COLUMNS = ["url", "title", "publisher", "as_of", "accessed_on"]


def source_refs() -> Prefetch:
    """The sources a record cites, as SourceRefSerializer shows them."""
    return serializers.prefetched("sources", Source.objects.only(*SOURCE_REF_COLUMNS))


def columns_but(model, *left_out: str) -> list[str]:
    """The names of `model`'s columns, but those left out."""
    return [field.name for field in model._meta.concrete_fields if field.name not in left_out]


def memberships_queryset(*, with_network: bool = True):
    """Memberships with all that MembershipSerializer shows, in a fixed number of queries.

    Without `with_network`, for one network's members, the network is not joined: the
    view sets the one it has on every row.
    """
    networks = ["network"] if with_network else []
    network_columns = [*NETWORK_REF_COLUMNS, *LIFETIME_COLUMNS]
    return (
        Membership.objects.select_related(
            *networks, "member_institution__jurisdiction", "member_network"
        )
        .only(
            *columns_but(Membership, "created_at"),
            *[f"{network}__{name}" for network in networks for name in network_columns],
            *[
                f"member_institution__{name}"
                for name in [*INSTITUTION_REF_COLUMNS, *LIFETIME_COLUMNS]
            ],
            *[f"member_network__{name}" for name in network_columns],
        )
        # The date from which a source says it holds, for `confirmed_from` and `status`.
        .with_known_from()
        .prefetch_related(source_refs())
    )


class MembershipStatusMixin:
    """Memberships' `status` speaks of the list's `as_of` date, today by default."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        on = None
        # A malformed date: the FilterSet answers it with a 400 before anything is
        # serialized.
        with contextlib.suppress(ValidationError):
            if getattr(self, "action", None) != "retrieve":
                on = clean_parameter(self.request, MembershipFilterSet, "as_of")
        context["as_of"] = on or timezone.localdate()
        return context


SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The slug of the parent record."
)


def parse_as_of(request, *, strict: bool = False) -> datetime.date | None:
    """The `as_of` date, read as NetworkFilterSet reads it; None if absent.

    A list leaves a malformed one to the FilterSet, which reports it with any other bad
    parameter; a detail view builds no FilterSet (StrictFilterBackend), so with `strict`
    a malformed one is refused here, with the same 400.
    """
    try:
        return clean_parameter(request, NetworkFilterSet, "as_of")
    except ValidationError:
        if strict:
            raise
        return None


class LineageMixin:
    """A detail response gives the record's lineage (`predecessors`, `successors`): its
    successions both ways, with their other ends and sources (`lineage_of`: two queries,
    one when it has none), for that one record, never for a list."""

    succession_model: type | None = None
    detail_serializer_class: type | None = None
    # What the references to the other ends show beyond the record itself.
    lineage_related: tuple[str, ...] = ()

    def get_serializer_class(self):
        if getattr(self, "action", None) == "retrieve":
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_object(self):
        obj = super().get_object()
        successions = self.succession_model.objects.lineage_of(obj)
        if self.lineage_related:  # select_related() without fields would follow every key
            successions = successions.select_related(*self.lineage_related)
        obj.lineage = Lineage(obj, successions)
        return obj


class LastModifiedMixin:
    """Send Last-Modified on detail responses, from the record's `updated_at`."""

    # Any path segment reaches the view, so a malformed slug or id gets the API's own
    # JSON 404 rather than the site's HTML one.
    lookup_value_regex = "[^/]+"

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        instance = getattr(self, "_object", None)
        if instance is not None:
            response["Last-Modified"] = http_date(instance.updated_at.timestamp())
        return response

    def get_object(self):
        self._object = super().get_object()
        return self._object


@extend_schema_view(
    list=extend_schema(summary="List jurisdictions"),
    retrieve=extend_schema(summary="One jurisdiction, by slug"),
)
class JurisdictionViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """States, territories, subdivisions and the EU, with their UN M49 regions."""

    queryset = Jurisdiction.objects.select_related("parent").order_by("name", "code")
    serializer_class = serializers.JurisdictionSerializer
    filterset_class = JurisdictionFilterSet
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List institutions"),
    retrieve=extend_schema(summary="One institution, by slug"),
)
class InstitutionViewSet(
    LineageMixin, MembershipStatusMixin, LastModifiedMixin, viewsets.ReadOnlyModelViewSet
):
    """Government units: regulators, central banks, courts, ministries, legislatures."""

    succession_model = InstitutionSuccession
    detail_serializer_class = serializers.InstitutionDetailSerializer
    lineage_related = ("predecessor__jurisdiction", "successor__jurisdiction")

    queryset = (
        Institution.objects.select_related("jurisdiction")
        .only(*columns_but(Institution, "created_at"), "jurisdiction__code")
        # The parent shows as its slug, looked up for the rows of the page only: joined,
        # it made PostgreSQL hash every institution for each page.
        .annotate(
            parent_slug=Subquery(Institution.objects.filter(pk=OuterRef("parent")).values("slug"))
        )
        .prefetch_related(
            serializers.prefetched("other_names", InstitutionName.objects.all()),
            serializers.prefetched("identifiers", InstitutionIdentifier.objects.all()),
            source_refs(),
        )
        .order_by("name", "slug")
    )
    serializer_class = serializers.InstitutionSerializer
    filterset_class = InstitutionFilterSet
    lookup_field = "slug"

    @extend_schema(
        summary="An institution's memberships (current and past)",
        parameters=[SLUG_PARAMETER],
        filters=True,
        responses=serializers.MembershipSerializer(many=True),
    )
    @action(
        detail=True,
        queryset=memberships_queryset(),
        serializer_class=serializers.MembershipSerializer,
        filterset_class=MembershipFilterSet,
    )
    def memberships(self, request, slug=None):
        institution = get_object_or_404(Institution, slug=slug)
        queryset = self.get_queryset().filter(member_institution=institution)
        return self._paginated(queryset.order_by("network__name", "start_date", "id"))

    def _paginated(self, queryset):
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List networks"),
    retrieve=extend_schema(summary="One network, by slug"),
)
class NetworkViewSet(
    LineageMixin, MembershipStatusMixin, LastModifiedMixin, viewsets.ReadOnlyModelViewSet
):
    """Transgovernmental networks with their typology and accountability card."""

    succession_model = NetworkSuccession
    detail_serializer_class = serializers.NetworkDetailSerializer

    serializer_class = serializers.NetworkSerializer
    filterset_class = NetworkFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "members":
            return memberships_queryset(with_network=False)
        return (
            Network.objects.select_related("host__jurisdiction", "parent", "list_source")
            .prefetch_related(source_refs())
            .with_member_counts(parse_as_of(self.request, strict=self.action == "retrieve"))
            .with_list_counts()
            .order_by("name", "slug")
        )

    @extend_schema(
        summary="A network's members, on any date (`as_of`; today by default)",
        parameters=[SLUG_PARAMETER],
        filters=True,
        responses=serializers.MembershipSerializer(many=True),
    )
    @action(
        detail=True,
        serializer_class=serializers.MembershipSerializer,
        filterset_class=MembershipFilterSet,
    )
    def members(self, request, slug=None):
        network = get_object_or_404(Network, slug=slug)
        queryset = self.get_queryset().filter(network=network)
        # Today's members unless the request asks for a date or a period (`period=all`).
        if not {"as_of", "current", "period"} & request.query_params.keys():
            queryset = queryset.current()
        queryset = queryset.order_by(
            "role", "member_institution__name", "member_network__name", "start_date", "id"
        )
        page = self.paginate_queryset(self.filter_queryset(queryset))
        for membership in page:
            membership.network = network
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List memberships"),
    retrieve=extend_schema(summary="One membership, by id"),
)
class MembershipViewSet(MembershipStatusMixin, LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """Who belonged to which network, in what role, from when to when, per which source."""

    queryset = memberships_queryset().order_by("network__name", "start_date", "id")
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilterSet


@extend_schema_view(
    list=extend_schema(summary="List memoranda of understanding"),
    retrieve=extend_schema(summary="One memorandum, by slug"),
)
class MemorandumViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """Memoranda of understanding; their signatories are at `signatories_url`."""

    queryset = (
        Memorandum.objects.select_related("network", "list_source")
        .prefetch_related(source_refs())
        .annotate(signatory_count=Count("signatories"))
        .with_list_counts()
        .order_by("title", "slug")
    )
    serializer_class = serializers.MemorandumSerializer
    filterset_class = MemorandumFilterSet
    lookup_field = "slug"

    @extend_schema(
        summary="A memorandum's signatories, with dates and tiers",
        parameters=[SLUG_PARAMETER],
        responses=serializers.SignatorySerializer(many=True),
    )
    @action(
        detail=True,
        queryset=Signatory.objects.select_related("institution__jurisdiction").prefetch_related(
            source_refs()
        ),
        serializer_class=serializers.SignatorySerializer,
        filterset_class=None,
    )
    def signatories(self, request, slug=None):
        memorandum = get_object_or_404(Memorandum, slug=slug)
        queryset = (
            self.get_queryset()
            .filter(memorandum=memorandum)
            .order_by("signed_on", "institution__name", "id")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List meetings"),
    retrieve=extend_schema(summary="One meeting, by slug"),
)
class MeetingViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of networks, with participants and outcome documents."""

    queryset = (
        Meeting.objects.select_related("network", "jurisdiction", "host__jurisdiction")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=MeetingParticipant.objects.select_related("institution__jurisdiction"),
            ),
            "outcome_documents",
            source_refs(),
        )
        .order_by("-start_date", "slug")
    )
    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilterSet
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(summary="One source, by id"),
)
class SourceViewSet(LastModifiedMixin, viewsets.ReadOnlyModelViewSet):
    """The documents the directory's facts come from."""

    queryset = Source.objects.order_by("url")
    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilterSet
