"""Serializers of the public API: explicit fields, never curator-only ones.

Dates known only to the year or month are given in reduced ISO 8601 ("2009",
"2009-03") with a companion `*_precision` field, never as a fake first of January.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
    """`url` (the API resource) or `html_url` (the public page) of an object."""

    def __init__(self, view_name: str | None = None, lookup: str = "slug", **kwargs):
        self.view_name = view_name
        self.lookup = lookup
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        if self.view_name is None:
            path = obj.get_absolute_url()
            return request.build_absolute_uri(path) if request else path
        # django's reverse, not DRF's: links stay canonical, without `?format=`.
        path = reverse(self.view_name, kwargs={self.lookup: getattr(obj, self.lookup)})
        return request.build_absolute_uri(path) if request else path


LinkField = extend_schema_field({"type": "string", "format": "uri"})(LinkField)


class SourceRefSerializer(serializers.ModelSerializer):
    """A source as cited by a fact."""

    document_url = serializers.URLField(
        source="url", read_only=True, help_text=Source._meta.get_field("url").help_text
    )

    class Meta:
        model = Source
        fields = ["id", "document_url", "title", "publisher", "accessed_on"]


class SourceSerializer(SourceRefSerializer):
    url = LinkField("api:source-detail", lookup="pk", help_text="This source in the API.")

    class Meta(SourceRefSerializer.Meta):
        fields = [*SourceRefSerializer.Meta.fields, "published_on", "url", "updated_at"]


class JurisdictionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=Jurisdiction._meta.get_field("parent").help_text,
    )
    url = LinkField("api:jurisdiction-detail", help_text="This jurisdiction in the API.")
    html_url = LinkField(help_text="This jurisdiction's public page.")

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


class InstitutionRefSerializer(serializers.ModelSerializer):
    """An institution as referred to from elsewhere."""

    jurisdiction = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=Institution._meta.get_field("jurisdiction").help_text,
    )
    url = LinkField("api:institution-detail", help_text="This institution in the API.")
    html_url = LinkField(help_text="This institution's public page.")

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
    parent = serializers.SlugRelatedField(
        allow_null=True,
        slug_field="slug",
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
        return [n.name for n in obj.other_names.all()]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_identifiers(self, obj) -> dict[str, str]:
        return {i.scheme: i.identifier for i in obj.identifiers.all()}


class NetworkRefSerializer(serializers.ModelSerializer):
    """A network as referred to from elsewhere."""

    url = LinkField("api:network-detail", help_text="This network in the API.")
    html_url = LinkField(help_text="This network's public page.")

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


class MembershipSerializer(serializers.ModelSerializer):
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


class SignatorySerializer(serializers.ModelSerializer):
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


class MemorandumSerializer(serializers.ModelSerializer):
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
    html_url = LinkField(help_text="This memorandum's public page.")
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


class ParticipantSerializer(serializers.ModelSerializer):
    institution = InstitutionRefSerializer(read_only=True)

    class Meta:
        model = MeetingParticipant
        fields = ["institution", "role"]


class OutcomeDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeDocument
        fields = ["title", "url", "published_on"]


class MeetingSerializer(serializers.ModelSerializer):
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
    html_url = LinkField(help_text="This meeting's public page.")
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
