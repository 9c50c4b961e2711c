"""The visual views' data: graphs, member maps, timelines, coverage and the lattice.

Each endpoint returns exactly what its HTML chart draws (visuals/graphs.py computes
both). Graph endpoints also answer `format=graphml` and `format=gexf` for Gephi and
networkx. Every endpoint runs a fixed number of queries (pinned in api/tests).
"""

import json

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.models import Institution, Jurisdiction
from networks.models import Dimension, Function, Network, Sector
from visuals import compare, graphs
from visuals import coverage as cov
from visuals.graphs import lattice_networks

from .filters import AsOfParameter
from .renderers import LatticeCSVRenderer, LatticeJSONRenderer

# --- Formats --------------------------------------------------------------------------


class _GraphFileRenderer(BaseRenderer):
    charset = "utf-8"
    writer = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "nodes" in data:
            return type(self).writer(data)
        # An error: answer in the API's JSON error shape, labelled as such.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


class GraphMLRenderer(_GraphFileRenderer):
    media_type = "application/graphml+xml"
    format = "graphml"
    writer = staticmethod(graphs.to_graphml)


class GEXFRenderer(_GraphFileRenderer):
    media_type = "application/gexf+xml"
    format = "gexf"
    writer = staticmethod(graphs.to_gexf)


GRAPH_RENDERERS = [LatticeJSONRenderer, LatticeCSVRenderer, GraphMLRenderer, GEXFRenderer]

# --- Parameters -----------------------------------------------------------------------


class AsOfQuery(serializers.Serializer):
    as_of = AsOfParameter(
        required=False,
        help_text=_("The date (YYYY-MM-DD, from 1800 to ten years ahead); today by default."),
    )


class CoverageQuery(AsOfQuery):
    group = serializers.ChoiceField(
        choices=list(cov.GROUPS),
        required=False,
        help_text=_("The reference group of states; all UN member states by default."),
    )


class LatticeQuery(AsOfQuery):
    sector = serializers.ChoiceField(choices=Sector.values, required=False)
    dimension = serializers.ChoiceField(choices=Dimension.values, required=False)
    function = serializers.ChoiceField(choices=Function.values, required=False)


def read_query(request, serializer_class) -> dict:
    """The query parameters, read strictly: a malformed or empty one is a 400 naming it
    (as api.filters.StrictFilterBackend does for the lists)."""
    query = serializer_class(data=request.query_params)
    errors = dict(query.errors) if not query.is_valid() else {}
    for name in query.fields:
        if any(value.strip() == "" for value in request.query_params.getlist(name)):
            errors[name] = [gettext("May not be empty; leave the parameter out instead.")]
    if errors:
        raise ValidationError(errors)
    return query.validated_data


SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The record's slug.")

# --- Response shapes (documentation only: the views return plain data) -------------------


class NodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField(help_text=_("network or institution"))
    slug = serializers.CharField()
    label = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(help_text=_("The node's page on this site."))
    tier = serializers.IntegerField(
        help_text=_("Drawing tier: 0 the centre, 1 supranational, 2 national, 3 subnational.")
    )
    branch = serializers.CharField(required=False)
    branch_label = serializers.CharField(required=False)
    level = serializers.CharField(required=False)
    jurisdiction = serializers.CharField(required=False, allow_blank=True)
    jurisdiction_name = serializers.CharField(required=False, allow_blank=True)
    sector = serializers.CharField(required=False)
    sector_label = serializers.CharField(required=False)
    dimension = serializers.CharField(required=False)
    dimension_label = serializers.CharField(required=False)
    members = serializers.IntegerField(required=False)
    shared = serializers.IntegerField(required=False)


class EdgeSerializer(serializers.Serializer):
    id = serializers.CharField()
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.IntegerField(help_text=_("Shared members, for lattice edges."))
    kind = serializers.CharField(required=False)
    role = serializers.CharField(required=False)
    role_label = serializers.CharField(required=False)


class GraphSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    nodes = NodeSerializer(many=True)
    edges = EdgeSerializer(many=True)


class NetworkGraphSerializer(GraphSerializer):
    vertical = serializers.BooleanField()


class MapAreaSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))
    name = serializers.CharField()
    url = serializers.CharField()
    numeric = serializers.CharField(
        allow_blank=True, help_text=_("ISO 3166-1 numeric code (world-atlas feature id).")
    )
    count = serializers.IntegerField(help_text=_("Member institutions from there."))


class NetworkMapSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    jurisdictions = MapAreaSerializer(many=True)


class EventSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField()
    date = serializers.CharField()
    role = serializers.CharField()


class TimelinePointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    members = serializers.IntegerField(
        help_text=_(
            "Members at the year's end (or today) whose start date is recorded: the known history."
        )
    )
    unknown_start = serializers.IntegerField(
        help_text=_(
            "Members at the year's end (or today) whose start date is unknown, counted "
            "apart: they may have been members then (never before they or the network were "
            "founded). Members plus unknown_start is the most there may have been."
        )
    )
    joined_count = serializers.IntegerField(help_text=_("Members who joined during the year."))
    left_count = serializers.IntegerField(help_text=_("Members who left during the year."))
    joined = EventSerializer(
        many=True, help_text=_("Who joined (the first 10; joined_count gives them all).")
    )
    left = EventSerializer(
        many=True, help_text=_("Who left (the first 10; left_count gives them all).")
    )


class TimelineSerializer(serializers.Serializer):
    years = TimelinePointSerializer(many=True)


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(allow_blank=True)


class RegionRowSerializer(serializers.Serializer):
    region = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    missing = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    total = serializers.IntegerField()
    share = serializers.FloatField()
    covered = CountrySerializer(many=True)
    missing = CountrySerializer(many=True)
    regions = RegionRowSerializer(many=True)
    list_status = serializers.CharField(
        help_text=_(
            "How complete our list of the network's members is: complete, partial or unknown."
        )
    )
    missing_proven = serializers.BooleanField(
        help_text=_(
            "Whether `missing` is proven: only a complete list shows who is missing; a partial "
            "or unknown one may lack members we have not recorded."
        )
    )
    notice = serializers.CharField(help_text=_("What to make of `missing`, when it is not proven."))


def country_dicts(countries) -> list[dict]:
    return [{"code": c.code, "name": c.name, "region": c.region} for c in countries]


def network_coverage_data(network: Network, on, group: str) -> dict:
    codes = graphs.member_codes(graphs.network_map(network, on))
    result = cov.coverage(codes, group)
    return {
        "as_of": on.isoformat(),
        **result,
        "covered": country_dicts(result["covered"]),
        "missing": country_dicts(result["missing"]),
        "regions": cov.region_summary(codes),
        **cov.missing_caveat(network),
    }


# --- Views ----------------------------------------------------------------------------


class VisualView(APIView):
    """Shared: plain data, no pagination, no filter backends."""

    filter_backends = []


class NetworkGraphView(VisualView):
    renderer_classes = GRAPH_RENDERERS

    @extend_schema(
        summary="A network and its members on a date, as a graph",
        parameters=[SLUG, AsOfQuery],
        responses=NetworkGraphSerializer,
        operation_id="networks_graph",
    )
    def get(self, request, slug):
        query = read_query(request, AsOfQuery)
        network = get_object_or_404(Network, slug=slug)
        on = query.get("as_of") or timezone.localdate()
        rows = graphs.network_memberships(network, on=on)
        return Response(graphs.network_graph(network, rows, on))


class NetworkMapView(VisualView):
    @extend_schema(
        summary="A network's member jurisdictions on a date (the member map)",
        parameters=[SLUG, AsOfQuery],
        responses=NetworkMapSerializer,
        operation_id="networks_map",
    )
    def get(self, request, slug):
        query = read_query(request, AsOfQuery)
        network = get_object_or_404(Network, slug=slug)
        on = query.get("as_of") or timezone.localdate()
        return Response({"as_of": on.isoformat(), "jurisdictions": graphs.network_map(network, on)})


class NetworkTimelineView(VisualView):
    @extend_schema(
        summary="A network's members per year, with joins and departures",
        description=(
            "Every year up to today; an `as_of` date after today carries the timeline on "
            "to that date (joins and departures already recorded for later). Only recorded "
            "starts and ends are drawn: members whose start is unknown are counted apart "
            "(`unknown_start`)."
        ),
        parameters=[SLUG, AsOfQuery],
        responses=TimelineSerializer,
        operation_id="networks_timeline",
    )
    def get(self, request, slug):
        query = read_query(request, AsOfQuery)
        network = get_object_or_404(Network, slug=slug)
        spans = graphs.membership_spans(network)
        return Response({"years": graphs.network_timeline(spans, as_of=query.get("as_of"))})


class NetworkCoverageView(VisualView):
    @extend_schema(
        summary="Who is missing: a network's member states against a reference group",
        description=lazy(cov.sources_note, str)(),
        parameters=[SLUG, CoverageQuery],
        responses=CoverageSerializer,
        operation_id="networks_coverage",
    )
    def get(self, request, slug):
        query = read_query(request, CoverageQuery)
        network = get_object_or_404(Network, slug=slug)
        on = query.get("as_of") or timezone.localdate()
        group = query.get("group") or cov.DEFAULT_GROUP
        return Response(network_coverage_data(network, on, group))


class EgoGraphView(VisualView):
    renderer_classes = GRAPH_RENDERERS

    @extend_schema(
        summary="An institution, its networks and its closest peers, as a graph",
        parameters=[SLUG, AsOfQuery],
        responses=GraphSerializer,
        operation_id="institutions_ego_graph",
    )
    def get(self, request, slug):
        query = read_query(request, AsOfQuery)
        institution = get_object_or_404(
            Institution.objects.select_related("jurisdiction"), slug=slug
        )
        on = query.get("as_of") or timezone.localdate()
        return Response(graphs.ego_graph(institution, on))


class LatticeView(VisualView):
    renderer_classes = GRAPH_RENDERERS

    @extend_schema(
        summary="The lattice: networks linked by their shared members",
        description=(
            "Edge `weight` is the number of member institutions two networks share "
            "(`kind` overlap); `kind` member links a network to a network it belongs to."
        ),
        parameters=[LatticeQuery],
        responses=GraphSerializer,
        operation_id="lattice",
    )
    def get(self, request):
        networks, on = lattice_networks(read_query(request, LatticeQuery))
        return Response(graphs.lattice(networks, on))


class JurisdictionMapSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    jurisdictions = MapAreaSerializer(many=True)


class JurisdictionMapView(VisualView):
    @extend_schema(
        summary="Jurisdictions shaded by the number of networks their institutions belong to",
        parameters=[AsOfQuery],
        responses=JurisdictionMapSerializer,
        operation_id="jurisdiction_map",
    )
    def get(self, request):
        query = read_query(request, AsOfQuery)
        on = query.get("as_of") or timezone.localdate()
        return Response(
            {"as_of": on.isoformat(), "jurisdictions": cov.jurisdiction_network_counts(on)}
        )


class GapNetworkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()
    members = serializers.IntegerField()
    list_status = serializers.CharField(
        help_text=_("How complete our list of its members is: complete, partial or unknown.")
    )
    list_complete = serializers.BooleanField(
        help_text=_(
            "Whether that list is complete: if not, absence from it does not show that the "
            "jurisdiction is not in the network."
        )
    )


class SectorGapSerializer(serializers.Serializer):
    sector = serializers.CharField()
    label = serializers.CharField()
    # "in" is a Python keyword: declared through the fields mapping below.
    absent = GapNetworkSerializer(
        many=True,
        help_text=_("Networks of the sector open to it that it is not in: those it is missing."),
    )
    # Not counted as missing, as the jurisdiction page says under its table (#18).
    other_regions = GapNetworkSerializer(
        many=True,
        help_text=_(
            "Not counted as missing: regional networks of the sector whose members "
            "(observers and secretariats aside) all come from other parts of the world."
        ),
    )
    not_open = GapNetworkSerializer(
        many=True,
        help_text=_(
            "Not counted as missing: networks of the sector open only to a fixed group, "
            "bilateral or plurilateral (the G7) or regional and resting on a treaty among "
            "its parties far from the jurisdiction."
        ),
    )


SectorGapSerializer._declared_fields["in"] = GapNetworkSerializer(
    many=True, help_text=_("Networks of the sector it takes part in.")
)


class JurisdictionCoverageSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    sectors = SectorGapSerializer(many=True)


class JurisdictionCoverageView(VisualView):
    @extend_schema(
        summary="Who is missing, per jurisdiction: the networks of its sectors it is absent from",
        parameters=[SLUG, AsOfQuery],
        responses=JurisdictionCoverageSerializer,
        operation_id="jurisdictions_coverage",
    )
    def get(self, request, slug):
        query = read_query(request, AsOfQuery)
        jurisdiction = get_object_or_404(Jurisdiction, slug=slug)
        on = query.get("as_of") or timezone.localdate()
        return Response(
            {"as_of": on.isoformat(), "sectors": cov.jurisdiction_gaps(jurisdiction, on)}
        )


class CompareQuery(AsOfQuery):
    jurisdictions = serializers.RegexField(
        r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?(,[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?){1,2}$",
        help_text=_(
            "Two or three jurisdiction codes (any case), comma-separated, e.g. DE,FR; a "
            "code given twice is one column. An unknown code is a 404."
        ),
        error_messages={"invalid": _("Give two or three jurisdiction codes, e.g. DE,FR.")},
    )

    def validate_jurisdictions(self, value: str) -> list[str]:
        # The pattern is the whole contract: whatever matches it is compared (a repeat
        # is the same column), so the schema's promise and the answer agree.
        return list(dict.fromkeys(code.upper() for code in value.split(",")))


def jurisdictions_named(codes: list[str]) -> list[Jurisdiction]:
    """The jurisdictions of `codes`, in that order; 404 naming those that do not exist."""
    found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    if unknown := [code for code in codes if code not in found]:
        message = gettext("Unknown jurisdiction code: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise NotFound({"jurisdictions": [message]})
    return [found[code] for code in codes]


class CompareNetworkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class CompareInstitutionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    networks = CompareNetworkSerializer(many=True)


class CompareBranchSerializer(serializers.Serializer):
    branch = serializers.CharField()
    label = serializers.CharField()
    institutions = CompareInstitutionSerializer(many=True)


class CompareColumnSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    network_count = serializers.IntegerField()
    branches = CompareBranchSerializer(many=True)


class CompareSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    jurisdictions = CompareColumnSerializer(many=True)
    shared_networks = serializers.ListField(child=serializers.CharField())


class CompareView(VisualView):
    @extend_schema(
        summary="Two or three disaggregated states side by side",
        parameters=[CompareQuery],
        responses=CompareSerializer,
        operation_id="compare",
    )
    def get(self, request):
        query = read_query(request, CompareQuery)
        jurisdictions = jurisdictions_named(query["jurisdictions"])
        return Response(compare.compare(jurisdictions, query.get("as_of")))
