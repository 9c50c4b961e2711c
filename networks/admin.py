from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    OutcomeDocument,
    Signatory,
)

MEMBERSHIP_FIELDS = [
    "role",
    "label",
    "start_date",
    "start_date_precision",
    "end_date",
    "end_date_precision",
    "end_reason",
    "last_verified_on",
    "sources",
]


class NetworkMembershipInline(admin.TabularInline):
    """The members of a network, on the network's page."""

    model = Membership
    fk_name = "network"
    extra = 0
    fields = ["member_institution", "member_network", *MEMBERSHIP_FIELDS]
    autocomplete_fields = ["member_institution", "member_network", "sources"]
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member_institution", "member_network")


class InstitutionMembershipInline(admin.TabularInline):
    """The networks an institution belongs to, on the institution's page."""

    model = Membership
    fk_name = "member_institution"
    extra = 0
    fields = ["network", *MEMBERSHIP_FIELDS]
    autocomplete_fields = ["network", "sources"]
    verbose_name = _("network membership")
    verbose_name_plural = _("network memberships")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("network")


class NetworkMembershipAsMemberInline(InstitutionMembershipInline):
    """The networks a network belongs to (the FSB counts IOSCO among its members)."""

    fk_name = "member_network"
    verbose_name = _("membership in another network")
    verbose_name_plural = _("memberships in other networks")


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "dimension", "sector", "reach", "origin", "updated_at"]
    list_filter = [
        "dimension",
        "sector",
        "reach",
        "origin",
        "function_information",
        "function_enforcement",
        "function_harmonisation",
        "function_technical_assistance",
    ]
    search_fields = ["name", "acronym", "slug", "issue_area"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["host", "parent", "sources"]
    list_select_related = ["host"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [NetworkMembershipInline, NetworkMembershipAsMemberInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "description", "website", "wikidata_id"]}),
        (
            _("Typology"),
            {
                "fields": [
                    "dimension",
                    (
                        "function_information",
                        "function_enforcement",
                        "function_harmonisation",
                        "function_technical_assistance",
                    ),
                    "reach",
                    "sector",
                    "issue_area",
                    "origin",
                    "host",
                    "parent",
                    ("founded_on", "founded_on_precision"),
                    ("dissolved_on", "dissolved_on_precision"),
                ]
            },
        ),
        (
            _("Accountability"),
            {
                "fields": [
                    "legal_basis",
                    "decision_rule",
                    "membership_criteria",
                    "publishes_meeting_records",
                ]
            },
        ),
        (_("Provenance"), {"fields": ["sources", "created_at", "updated_at"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "network",
        "member_institution",
        "member_network",
        "role",
        "start_date",
        "end_date",
        "last_verified_on",
    ]
    list_filter = ["role", "end_reason", "network__sector", "network"]
    search_fields = [
        "network__name",
        "network__acronym",
        "member_institution__name",
        "member_institution__acronym",
        "member_network__name",
        "member_network__acronym",
    ]
    autocomplete_fields = ["network", "member_institution", "member_network", "sources"]
    list_select_related = ["network", "member_institution", "member_network"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["institution", "signed_on", "signed_on_precision", "tier", "withdrawn_on", "sources"]
    autocomplete_fields = ["institution", "sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


@admin.register(Memorandum)
class MemorandumAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "network", "sector", "signed_on", "terminated_on"]
    list_filter = ["kind", "sector", "network"]
    search_fields = ["title", "short_title", "slug", "subject"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "sources"]
    list_select_related = ["network"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignatoryInline]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["institution", "memorandum", "signed_on", "tier", "withdrawn_on"]
    list_filter = ["tier", "memorandum"]
    search_fields = ["institution__name", "institution__acronym", "memorandum__title"]
    autocomplete_fields = ["memorandum", "institution", "sources"]
    list_select_related = ["institution", "memorandum"]
    readonly_fields = ["created_at", "updated_at"]


class MeetingParticipantInline(admin.TabularInline):
    model = MeetingParticipant
    extra = 0
    autocomplete_fields = ["institution"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


class OutcomeDocumentInline(admin.TabularInline):
    model = OutcomeDocument
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "start_date", "city", "jurisdiction"]
    list_filter = ["kind", "network__sector", "network"]
    search_fields = ["title", "slug", "city", "network__name", "network__acronym"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "jurisdiction", "host", "sources"]
    list_select_related = ["network", "jurisdiction"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MeetingParticipantInline, OutcomeDocumentInline]
