"""Serializers of the public API: explicit fields, never curator-only ones.

Dates known only to the year or month are given in reduced ISO 8601 ("2009",
"2009-03") with a companion `*_precision` field, never as a fake first of January.
"""

import copy
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField

from institutions.models import Institution, InstitutionSuccession, Jurisdiction
from networks.models import (
    ListedModel,
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    NetworkSuccession,
    OutcomeDocument,
    Signatory,
)
from sources.models import Source
from sources.partial_dates import iso_partial_date


class PartialDateField(serializers.Field):
    """A date with its precision, rendered as reduced ISO 8601 ('2009', '2009-03')."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return iso_partial_date(
            getattr(obj, self.date_field), getattr(obj, f"{self.date_field}_precision")
        )


# OpenAPI: a partial date is a string like 2009, 2009-03 or 2009-03-13, or null.
PartialDateField = extend_schema_field(
    {"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
)(PartialDateField)


class LinkField(serializers.Field):
    """`url` (in the API) or `html_url` (the public page) of an object: a view and its lookup.

    A list links thousands of objects, and reverse() plus build_absolute_uri() cost more
    than the rest of a row: so the absolute URL is built once per field and request with
    a placeholder for the lookup value, which each object's value then replaces.
    """

    # Placeholders for the lookup value, each with the values it stands for: characters
    # that quoting leaves alone and that every pattern we reverse accepts (slug, str and
    # [^/]+ take the first, int the second). Any other value goes through reverse().
    PLACEHOLDERS = (
        ("lookup-placeholder", re.compile(r"[-A-Za-z0-9_]+")),
        ("8642097531", re.compile(r"[0-9]+")),
    )

    def __init__(self, view_name: str, lookup: str = "slug", **kwargs):
        self.view_name = view_name
        self.lookup = lookup
        self._template = None  # (request, (head, tail, plain) or None), once built
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        value = getattr(obj, self.lookup)
        request = self.context.get("request")
        if request is not None:
            template = self.template(request)
            if template is not None and template[2].fullmatch(text := str(value)):
                return template[0] + text + template[1]
        # django's reverse, not DRF's: links stay canonical, without `?format=`.
        path = reverse(self.view_name, kwargs={self.lookup: value})
        return request.build_absolute_uri(path) if request else path

    def template(self, request) -> tuple[str, str, re.Pattern] | None:
        """The absolute URL around the lookup value, and the values it suits."""
        if self._template is None or self._template[0] is not request:
            self._template = (request, self.build_template(request))
        return self._template[1]

    def build_template(self, request) -> tuple[str, str, re.Pattern] | None:
        for placeholder, plain in self.PLACEHOLDERS:
            try:
                path = reverse(self.view_name, kwargs={self.lookup: placeholder})
            except NoReverseMatch:
                continue
            head, found, tail = request.build_absolute_uri(path).partition(placeholder)
            if found and placeholder not in tail:
                return head, tail, plain
        return None


LinkField = extend_schema_field({"type": "string", "format": "uri"})(LinkField)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            name: {"type": "string", "format": "uri"} for name in ("bibtex", "ris", "csl_json")
        },
    }
)
class CitationField(serializers.Field):
    """How to cite the record: its citation as BibTeX, RIS and CSL-JSON (the public
    site's "Cite this"); a network's on the `as_of` date asked for, if any."""

    FILES = {"bibtex": "bib", "ris": "ris", "csl_json": "json"}

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        # Validated by the view before it serialises (the one as_of reader).
        as_of = request.query_params.get("as_of") if request else None
        query = f"?as_of={as_of}" if as_of and self.view_name == "networks:network-cite" else ""
        links = {}
        for name, extension in self.FILES.items():
            path = reverse(self.view_name, kwargs={"slug": obj.slug, "extension": extension})
            links[name] = (request.build_absolute_uri(path) if request else path) + query
        return links


# No docstring on these two: drf-spectacular would publish it as the description of
# every serializer below that has none of its own.
class LatticeModelSerializer(serializers.ModelSerializer):
    # DRF's ModelSerializer, with two costs of every response paid once; output is the same.
    # - Fields: DRF builds them from the model for every serializer it makes (each
    #   response, each nested serializer); here they are built once per class and copied.
    # - Columns: DRF reads every field through layers of checks meant for dotted sources,
    #   callables and missing keys; a field that shows one column of the model (`name`,
    #   `updated_at`) is read with getattr, which is what those layers come down to.

    def get_fields(self):
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return copy.deepcopy(cls._built_fields)

    def to_representation(self, instance):
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)
        # Serializer.to_representation, with the plan of the fields made once.
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [
                (field.field_name, field, self.column_of(field)) for field in self._readable_fields
            ]
        ret = {}
        for name, field, column in plan:
            if column is not None:
                attribute = getattr(instance, column)
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            # As DRF: a related object reduced to its primary key is null when that is.
            check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check is None else field.to_representation(attribute)
        return ret

    def column_of(self, field: serializers.Field) -> str | None:
        """The model column `field` shows as it is, or None for anything else."""
        if isinstance(field, (serializers.BaseSerializer, RelatedField, ManyRelatedField)):
            return None
        if len(field.source_attrs) != 1:
            return None
        try:
            model_field = self.Meta.model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            return None
        if model_field.is_relation or not model_field.concrete:
            return None
        return model_field.attname


class SharedRefMixin:
    # A reference that many rows of one response share is built once for that response:
    # the network of every membership in a members list, the source that all of them
    # cite. Kept on the serializer, which lives as long as one response.

    def to_representation(self, instance):
        key = instance.pk
        if key is None:
            return super().to_representation(instance)
        built = self.__dict__.setdefault("_built", {})
        if key not in built:
            built[key] = super().to_representation(instance)
        return built[key]


def prefetched(lookup: str, queryset: models.QuerySet) -> models.Prefetch:
    """prefetch_related(`lookup`) into a plain list, which PrefetchedListSerializer reads.

    Prefetched the usual way, each row gets a related manager and a queryset of its own
    (Django clones and filters one per row), which for a list of 1,000 memberships cost
    more than serializing their sources.
    """
    return models.Prefetch(lookup, queryset=queryset, to_attr=f"prefetched_{lookup}")


def related(instance: models.Model, name: str):
    """The list `prefetched(name)` made for `instance`, else its related rows."""
    try:
        return getattr(instance, f"prefetched_{name}")
    except AttributeError:
        return getattr(instance, name).all()


class PrefetchedListSerializer(serializers.ListSerializer):
    """A to-many field read from the list `prefetched()` made, when there is one."""

    def get_attribute(self, instance):
        try:
            return getattr(instance, f"prefetched_{self.source}")
        except AttributeError:
            return super().get_attribute(instance)


class SourceRefSerializer(SharedRefMixin, LatticeModelSerializer):
    """A source as cited by a fact."""

    document_url = serializers.URLField(
        source="url", read_only=True, help_text=Source._meta.get_field("url").help_text
    )

    class Meta:
        model = Source
        fields = ["id", "document_url", "title", "publisher", "as_of", "accessed_on"]
        list_serializer_class = PrefetchedListSerializer


class SourceSerializer(SourceRefSerializer):
    url = LinkField("api:source-detail", lookup="pk", help_text="This source in the API.")

    class Meta(SourceRefSerializer.Meta):
        fields = [*SourceRefSerializer.Meta.fields, "published_on", "url", "updated_at"]


class JurisdictionSerializer(LatticeModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=Jurisdiction._meta.get_field("parent").help_text,
    )
    url = LinkField("api:jurisdiction-detail", help_text="This jurisdiction in the API.")
    html_url = LinkField(
        "institutions:jurisdiction-detail", help_text="This jurisdiction's public page."
    )

    class Meta:
        model = Jurisdiction
        fields = [
            "id",
            "code",
            "slug",
            "name",
            "kind",
            "parent",
            "region",
            "subregion",
            "url",
            "html_url",
            "updated_at",
        ]


class InstitutionRefSerializer(SharedRefMixin, LatticeModelSerializer):
    """An institution as referred to from elsewhere."""

    jurisdiction = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=Institution._meta.get_field("jurisdiction").help_text,
    )
    url = LinkField("api:institution-detail", help_text="This institution in the API.")
    html_url = LinkField(
        "institutions:institution-detail", help_text="This institution's public page."
    )

    class Meta:
        model = Institution
        fields = [
            "id",
            "slug",
            "name",
            "acronym",
            "branch",
            "jurisdiction",
            "website",
            "url",
            "html_url",
        ]


class InstitutionSerializer(InstitutionRefSerializer):
    # The parent's slug, annotated by InstitutionViewSet's queryset (`parent_slug`).
    parent = serializers.CharField(
        source="parent_slug",
        allow_null=True,
        read_only=True,
        help_text=Institution._meta.get_field("parent").help_text,
    )
    founded = PartialDateField("founded_on", help_text="When it was established (YYYY[-MM[-DD]]).")
    founded_precision = serializers.CharField(
        source="founded_on_precision", read_only=True, help_text="day, month or year."
    )
    dissolved = PartialDateField("dissolved_on", help_text="When it ceased to exist.")
    dissolved_precision = serializers.CharField(
        source="dissolved_on_precision", read_only=True, help_text="day, month or year."
    )
    other_names = serializers.SerializerMethodField(help_text="Other names it is known by.")
    identifiers = serializers.SerializerMethodField(
        help_text="Identifiers in other registers, by scheme (wikidata, lei, ror, isni, viaf)."
    )
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(InstitutionRefSerializer.Meta):
        fields = [
            *InstitutionRefSerializer.Meta.fields,
            "level",
            "parent",
            "founded",
            "founded_precision",
            "dissolved",
            "dissolved_precision",
            "description",
            "listed_because",
            "other_names",
            "identifiers",
            "sources",
            "updated_at",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_other_names(self, obj) -> list[str]:
        return [n.name for n in related(obj, "other_names")]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_identifiers(self, obj) -> dict[str, str]:
        return {i.scheme: i.identifier for i in related(obj, "identifiers")}


# --- Completeness of a list (#14 item 3) -------------------------------------------------

LIST_COMPLETENESS_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["complete", "partial", "unknown"]},
        "listed": {"type": "integer", "nullable": True},
        "total": {"type": "integer", "nullable": True},
        "total_qualifier": {"type": "string", "enum": ["exact", "about", "more_than", "up_to"]},
        "unit": {"type": "string"},
        "as_of": {"type": "string", "format": "date", "nullable": True},
        "source": {
            "type": "object",
            "nullable": True,
            "properties": {
                "document_url": {"type": "string", "format": "uri"},
                "title": {"type": "string"},
                "publisher": {"type": "string"},
                "as_of": {"type": "string", "format": "date"},
            },
        },
        "note": {"type": "string"},
        "statement": {"type": "string"},
    },
    "required": ["status", "listed", "total", "as_of", "source", "statement"],
}
LIST_COMPLETENESS_HELP = (
    "How complete our list is, and on what evidence: `complete` (it equals an official list "
    "of `as_of`), `partial` (`listed` of the official `total`, which `total_qualifier` "
    "words as exact, about, more than or up to, counting `unit`) or `unknown` (an official "
    "total may still be given when the names could not be checked). `listed` is counted "
    "from our records: members, associates, chairs and vice-chairs today (for an ended "
    "network, those who stayed to its end), or signatories still party. Only a complete "
    "list can show that someone is not in it."
)


def list_completeness(record: ListedModel) -> dict:
    """A record's completeness statement as the API gives it."""
    completeness = record.completeness()
    source = completeness.source
    return {
        "status": completeness.status,
        "listed": completeness.listed,
        "total": completeness.total,
        "total_qualifier": completeness.qualifier,
        "unit": completeness.unit,
        "as_of": completeness.as_of.isoformat() if completeness.as_of else None,
        "source": {
            "document_url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "as_of": source.as_of.isoformat(),
        }
        if source
        else None,
        "note": completeness.note,
        "statement": str(completeness.statement),
    }


class NetworkRefSerializer(SharedRefMixin, LatticeModelSerializer):
    """A network as referred to from elsewhere."""

    url = LinkField("api:network-detail", help_text="This network in the API.")
    html_url = LinkField("networks:network-detail", help_text="This network's public page.")

    class Meta:
        model = Network
        fields = ["id", "slug", "name", "acronym", "website", "url", "html_url"]


class NetworkSerializer(NetworkRefSerializer):
    founded = PartialDateField("founded_on", help_text="When it was established (YYYY[-MM[-DD]]).")
    founded_precision = serializers.CharField(
        source="founded_on_precision", read_only=True, help_text="day, month or year."
    )
    dissolved = PartialDateField("dissolved_on", help_text="When it ended.")
    dissolved_precision = serializers.CharField(
        source="dissolved_on_precision", read_only=True, help_text="day, month or year."
    )
    functions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Any of information, enforcement, harmonisation, technical_assistance.",
    )
    host = InstitutionRefSerializer(
        allow_null=True, read_only=True, help_text=Network._meta.get_field("host").help_text
    )
    parent = serializers.SlugRelatedField(
        allow_null=True,
        slug_field="slug",
        read_only=True,
        help_text=Network._meta.get_field("parent").help_text,
    )
    member_count = serializers.IntegerField(
        read_only=True,
        help_text="Members today (or on `as_of` when given), confirmed or possible.",
    )
    member_counts = serializers.SerializerMethodField(
        help_text=(
            "Members today (or on `as_of` when given), apart: `confirmed` (start recorded "
            "and reached, or listed by a source of that date or earlier) and `possible` "
            "(start unknown and listed only by later sources). They add up to member_count."
        )
    )
    members_url = LinkField("api:network-members", help_text="Its members, filterable by date.")
    list_completeness = serializers.SerializerMethodField(help_text=LIST_COMPLETENESS_HELP)
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(NetworkRefSerializer.Meta):
        fields = [
            *NetworkRefSerializer.Meta.fields,
            "wikidata_id",
            "lei",
            "description",
            "founded",
            "founded_precision",
            "dissolved",
            "dissolved_precision",
            "dimension",
            "functions",
            "reach",
            "sector",
            "issue_area",
            "origin",
            "host",
            "parent",
            "legal_basis",
            "decision_rule",
            "membership_criteria",
            "publishes_meeting_records",
            "member_count",
            "member_counts",
            "members_url",
            "list_completeness",
            "sources",
            "updated_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "confirmed": {"type": "integer"},
                "possible": {"type": "integer"},
            },
            "required": ["confirmed", "possible"],
        }
    )
    def get_member_counts(self, obj) -> dict[str, int]:
        return {"confirmed": obj.confirmed_member_count, "possible": obj.possible_member_count}

    @extend_schema_field(LIST_COMPLETENESS_SCHEMA)
    def get_list_completeness(self, obj) -> dict:
        return list_completeness(obj)


# The bases of a membership's boundaries (networks.models.BoundBasis), by boundary.
START_BASES = ["recorded", "source_date", "member_founded", "network_founded"]
COUNTS_FROM_BASES = ["recorded", "member_founded", "network_founded"]
END_BASES = ["recorded", "member_dissolved", "network_dissolved"]


def nullable_enum(values: list[str]) -> dict:
    return {"type": "string", "enum": [*values, None], "nullable": True}


NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}


class MembershipSerializer(LatticeModelSerializer):
    network = NetworkRefSerializer(read_only=True)
    member_type = serializers.SerializerMethodField(help_text="institution or network.")
    member_institution = InstitutionRefSerializer(
        allow_null=True,
        read_only=True,
        help_text=Membership._meta.get_field("member_institution").help_text,
    )
    member_network = NetworkRefSerializer(
        allow_null=True,
        read_only=True,
        help_text=Membership._meta.get_field("member_network").help_text,
    )
    start = PartialDateField(
        "start_date", help_text="When it began (YYYY[-MM[-DD]]); null: unknown."
    )
    start_precision = serializers.CharField(
        source="start_date_precision", read_only=True, help_text="day, month or year."
    )
    end = PartialDateField("end_date", help_text="When it ended; null while it lasts.")
    end_precision = serializers.CharField(
        source="end_date_precision", read_only=True, help_text="day, month or year."
    )
    start_known = serializers.BooleanField(
        read_only=True, help_text="Whether its start date is recorded."
    )
    confirmed_from = serializers.SerializerMethodField(
        help_text=(
            "The first day it is confirmed: its recorded start, or when the start is "
            "unknown the date of the earliest source that lists it; never before its "
            "member or network was founded. Null: never confirmed (no dated source)."
        )
    )
    start_basis = serializers.SerializerMethodField(
        help_text=(
            "What confirmed_from rests on: recorded (its start), source_date (the earliest "
            "source listing it), member_founded or network_founded (a later founding)."
        )
    )
    counts_from = serializers.SerializerMethodField(
        help_text=(
            "The first day it may count (confirmed or possible): its recorded start, or "
            "the founding of its member or network when later or when the start is "
            "unknown (a year-only date counts from 1 January). Null: no bound known."
        )
    )
    counts_from_basis = serializers.SerializerMethodField(
        help_text="What counts_from rests on: recorded, member_founded or network_founded."
    )
    counts_until = serializers.SerializerMethodField(
        help_text=(
            "The last day it counts: the last day of its recorded end (a year-only end "
            "covers the year), or the day before its member or network was dissolved "
            "when earlier. Null: open."
        )
    )
    end_basis = serializers.SerializerMethodField(
        help_text=(
            "What counts_until rests on: recorded (its end), member_dissolved or "
            "network_dissolved; null while open."
        )
    )
    status = serializers.SerializerMethodField(
        help_text=(
            "On `as_of` (today by default): confirmed (start recorded and reached, or "
            "listed by a source of that date or earlier), possible (start unknown, listed "
            "only by later sources), or null when it does not count on that date."
        )
    )
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "network",
            "member_type",
            "member_institution",
            "member_network",
            "role",
            "label",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "end_reason",
            "last_verified_on",
            "start_known",
            "confirmed_from",
            "start_basis",
            "counts_from",
            "counts_from_basis",
            "counts_until",
            "end_basis",
            "status",
            "sources",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "enum": ["institution", "network"]})
    def get_member_type(self, obj) -> str:
        return "institution" if obj.member_institution_id else "network"

    # Each boundary is worked out once per row (the model's rule, `HeldPeriod`), and read
    # by two fields.
    def bounds(self, obj) -> dict:
        cache = self.__dict__.setdefault("_bounds", {})
        if cache.get("pk") != obj.pk:
            cache.clear()
            cache.update(
                pk=obj.pk,
                confirmed=obj.confirmed_from(),
                first=obj.first_day(),
                last=obj.last_day(),
            )
        return cache

    @extend_schema_field(NULLABLE_DATE)
    def get_confirmed_from(self, obj) -> str | None:
        day = self.bounds(obj)["confirmed"][0]
        return day.isoformat() if day else None

    @extend_schema_field(nullable_enum(START_BASES))
    def get_start_basis(self, obj) -> str | None:
        return self.bounds(obj)["confirmed"][1]

    @extend_schema_field(NULLABLE_DATE)
    def get_counts_from(self, obj) -> str | None:
        day = self.bounds(obj)["first"][0]
        return day.isoformat() if day else None

    @extend_schema_field(nullable_enum(COUNTS_FROM_BASES))
    def get_counts_from_basis(self, obj) -> str | None:
        return self.bounds(obj)["first"][1]

    @extend_schema_field(NULLABLE_DATE)
    def get_counts_until(self, obj) -> str | None:
        day = self.bounds(obj)["last"][0]
        return day.isoformat() if day else None

    @extend_schema_field(nullable_enum(END_BASES))
    def get_end_basis(self, obj) -> str | None:
        return self.bounds(obj)["last"][1]

    @extend_schema_field(nullable_enum(["confirmed", "possible"]))
    def get_status(self, obj) -> str | None:
        # The viewsets give the date (MembershipStatusMixin); today for any other use.
        return obj.status_on(self.context.get("as_of") or timezone.localdate())


class SignatorySerializer(LatticeModelSerializer):
    institution = InstitutionRefSerializer(read_only=True)
    signed = PartialDateField("signed_on", help_text="When it signed (YYYY[-MM[-DD]]).")
    signed_precision = serializers.CharField(
        source="signed_on_precision", read_only=True, help_text="day, month or year."
    )
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Signatory
        fields = [
            "id",
            "institution",
            "signed",
            "signed_precision",
            "tier",
            "withdrawn_on",
            "sources",
            "updated_at",
        ]


class MemorandumSerializer(LatticeModelSerializer):
    network = NetworkRefSerializer(
        allow_null=True, read_only=True, help_text=Memorandum._meta.get_field("network").help_text
    )
    signed = PartialDateField("signed_on", help_text="When it was first signed.")
    signed_precision = serializers.CharField(
        source="signed_on_precision", read_only=True, help_text="day, month or year."
    )
    signatory_count = serializers.IntegerField(read_only=True, help_text="Number of signatories.")
    signatories_url = LinkField(
        "api:memorandum-signatories", help_text="Its signatories (paginated)."
    )
    list_completeness = serializers.SerializerMethodField(help_text=LIST_COMPLETENESS_HELP)
    url = LinkField("api:memorandum-detail", help_text="This memorandum in the API.")
    html_url = LinkField("networks:memorandum-detail", help_text="This memorandum's public page.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Memorandum
        fields = [
            "id",
            "slug",
            "title",
            "short_title",
            "kind",
            "network",
            "sector",
            "subject",
            "signed",
            "signed_precision",
            "effective_on",
            "terminated_on",
            "document_url",
            "description",
            "signatory_count",
            "signatories_url",
            "list_completeness",
            "url",
            "html_url",
            "sources",
            "updated_at",
        ]

    @extend_schema_field(LIST_COMPLETENESS_SCHEMA)
    def get_list_completeness(self, obj) -> dict:
        return list_completeness(obj)


class ParticipantSerializer(LatticeModelSerializer):
    institution = InstitutionRefSerializer(read_only=True)

    class Meta:
        model = MeetingParticipant
        fields = ["institution", "role"]


class OutcomeDocumentSerializer(LatticeModelSerializer):
    class Meta:
        model = OutcomeDocument
        fields = ["title", "url", "published_on"]


class MeetingSerializer(LatticeModelSerializer):
    network = NetworkRefSerializer(read_only=True)
    jurisdiction = serializers.SlugRelatedField(
        allow_null=True,
        slug_field="code",
        read_only=True,
        help_text=Meeting._meta.get_field("jurisdiction").help_text,
    )
    host = InstitutionRefSerializer(
        allow_null=True, read_only=True, help_text=Meeting._meta.get_field("host").help_text
    )
    participants = ParticipantSerializer(many=True, read_only=True)
    outcome_documents = OutcomeDocumentSerializer(many=True, read_only=True)
    url = LinkField("api:meeting-detail", help_text="This meeting in the API.")
    html_url = LinkField("networks:meeting-detail", help_text="This meeting's public page.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "network",
            "start_date",
            "end_date",
            "city",
            "jurisdiction",
            "host",
            "participants",
            "outcome_documents",
            "records_url",
            "description",
            "url",
            "html_url",
            "sources",
            "updated_at",
        ]


# --- Lineage (#14 item 1) ---------------------------------------------------------------


class SuccessionSerializer(LatticeModelSerializer):
    date = PartialDateField(
        "date", help_text="When the succession took effect (YYYY[-MM[-DD]]); null: unknown."
    )
    date_precision = serializers.CharField(read_only=True, help_text="day, month or year.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta:
        model = InstitutionSuccession
        fields = ["kind", "date", "date_precision", "note", "sources"]


class InstitutionPredecessorSerializer(SuccessionSerializer):
    """What the institution was before: a predecessor, or its own former name."""

    institution = InstitutionRefSerializer(
        source="predecessor",
        allow_null=True,
        read_only=True,
        help_text="The predecessor; null for a renaming within one record (see former_name).",
    )

    class Meta(SuccessionSerializer.Meta):
        fields = ["institution", "former_name", *SuccessionSerializer.Meta.fields]


class InstitutionSuccessorSerializer(SuccessionSerializer):
    """What followed the institution."""

    institution = InstitutionRefSerializer(source="successor", read_only=True)

    class Meta(SuccessionSerializer.Meta):
        fields = ["institution", *SuccessionSerializer.Meta.fields]


class NetworkPredecessorSerializer(SuccessionSerializer):
    """What the network was before: a predecessor, or its own former name."""

    network = NetworkRefSerializer(
        source="predecessor",
        allow_null=True,
        read_only=True,
        help_text="The predecessor; null for a renaming within one record (see former_name).",
    )

    class Meta(SuccessionSerializer.Meta):
        model = NetworkSuccession
        fields = ["network", "former_name", *SuccessionSerializer.Meta.fields]


class NetworkSuccessorSerializer(SuccessionSerializer):
    """What followed the network."""

    network = NetworkRefSerializer(source="successor", read_only=True)

    class Meta(SuccessionSerializer.Meta):
        model = NetworkSuccession
        fields = ["network", *SuccessionSerializer.Meta.fields]


LINEAGE_FIELDS = ["predecessors", "successors"]


class InstitutionDetailSerializer(InstitutionSerializer):
    """One institution, with its lineage."""

    predecessors = InstitutionPredecessorSerializer(
        source="lineage.predecessors",
        many=True,
        read_only=True,
        help_text="Formerly: the successions it came from, oldest first.",
    )
    successors = InstitutionSuccessorSerializer(
        source="lineage.successors",
        many=True,
        read_only=True,
        help_text="Succeeded by: the successions it went into, oldest first.",
    )

    citation = CitationField("institutions:institution-cite")

    class Meta(InstitutionSerializer.Meta):
        fields = [*InstitutionSerializer.Meta.fields, *LINEAGE_FIELDS, "citation"]


class NetworkDetailSerializer(NetworkSerializer):
    """One network, with its lineage."""

    predecessors = NetworkPredecessorSerializer(
        source="lineage.predecessors",
        many=True,
        read_only=True,
        help_text="Formerly: the successions it came from, oldest first.",
    )
    successors = NetworkSuccessorSerializer(
        source="lineage.successors",
        many=True,
        read_only=True,
        help_text="Succeeded by: the successions it went into, oldest first.",
    )

    citation = CitationField("networks:network-cite")

    class Meta(NetworkSerializer.Meta):
        fields = [*NetworkSerializer.Meta.fields, *LINEAGE_FIELDS, "citation"]
