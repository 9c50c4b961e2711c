"""Serializers of the public API: explicit fields, never curator-only ones.

Dates known only to the year or month are given in reduced ISO 8601 ("2009",
"2009-03") with a companion `*_precision` field, never as a fake first of January.
"""

import copy
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import ManyRelatedField, PKOnlyObject, RelatedField

from institutions.models import Institution, Jurisdiction
from networks.models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
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
        read_only=True, help_text="Members today (or on `as_of` when given)."
    )
    members_url = LinkField("api:network-members", help_text="Its members, filterable by date.")
    sources = SourceRefSerializer(many=True, read_only=True)

    class Meta(NetworkRefSerializer.Meta):
        fields = [
            *NetworkRefSerializer.Meta.fields,
            "wikidata_id",
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
            "members_url",
            "sources",
            "updated_at",
        ]


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
            "sources",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "enum": ["institution", "network"]})
    def get_member_type(self, obj) -> str:
        return "institution" if obj.member_institution_id else "network"


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
            "url",
            "html_url",
            "sources",
            "updated_at",
        ]


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
