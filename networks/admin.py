import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from institutions import admin as institution_admin
from institutions.models import Institution
from sources.admin import HTTP_URL_FIELDS, CuratedAdmin

from .models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    NetworkSuccession,
    OutcomeDocument,
    Signatory,
)
from .services import mark_memberships_verified

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


class NetworkPredecessorInline(institution_admin.PredecessorInline):
    """What the network was before: its predecessors (or a former name)."""

    model = NetworkSuccession


class NetworkSuccessorInline(institution_admin.SuccessorInline):
    """What followed the network (the FSF: the FSB)."""

    model = NetworkSuccession


@admin.register(NetworkSuccession)
class NetworkSuccessionAdmin(institution_admin.InstitutionSuccessionAdmin):
    pass


# Where a completeness statement goes on a network's and a memorandum's page.
LIST_FIELDSET = (
    _("Completeness of the list"),
    {
        "fields": [
            "list_status",
            ("list_total_qualifier", "list_total", "list_unit"),
            "list_as_of",
            "list_source",
            "list_note",
        ]
    },
)


# --- Importing member and signatory lists ---------------------------------------------


@admin.register(Network)
class NetworkAdmin(CuratedAdmin):
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
    autocomplete_fields = ["host", "parent", "sources", "list_source"]
    list_select_related = ["host"]
    readonly_fields = ["members", "created_at", "updated_at"]
    inlines = [
        NetworkMembershipInline,
        NetworkMembershipAsMemberInline,
        NetworkPredecessorInline,
        NetworkSuccessorInline,
    ]
    # A network with more members than this is edited in the memberships list (filtered
    # to it) rather than inline: 180 inline rows with their autocompletes took over 30 s
    # to open and could not be read (#18).
    inline_member_limit = 40

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            return instances
        return [i for i in instances if self._members_inline_shown(request, obj, i)]

    def _members_inline_shown(self, request, obj, inline) -> bool:
        if not isinstance(inline, NetworkMembershipInline):
            return True
        if request.method == "POST":
            # Saved as the page was opened: had another curator's edit taken the count
            # across the limit in between, the posted form and the formsets expected
            # would no longer match and the save would fail.
            prefix = inline.get_formset(request, obj).get_default_prefix()
            return f"{prefix}-TOTAL_FORMS" in request.POST
        return obj.memberships.count() <= self.inline_member_limit

    @admin.display(description=_("Members"))
    def members(self, obj: Network):
        if obj.pk is None:
            return gettext("Add members once the network is saved.")
        changelist = reverse("admin:networks_membership_changelist")
        add = reverse("admin:networks_membership_add")
        count = obj.memberships.count()
        where = (
            gettext("below")
            if count <= self.inline_member_limit
            else gettext("in the memberships list")
        )
        return format_html(
            '{} · <a href="{}?network__id__exact={}">{}</a> · <a href="{}?network={}">{}</a>',
            ngettext(
                "%(count)d membership, edited %(where)s",
                "%(count)d memberships, edited %(where)s",
                count,
            )
            % {"count": count, "where": where},
            changelist,
            obj.pk,
            gettext("list them with role, dates and status"),
            add,
            obj.pk,
            gettext("add a member"),
        )

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "acronym",
                    "slug",
                    "description",
                    "website",
                    "wikidata_id",
                    "lei",
                    "members",
                ]
            },
        ),
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
        LIST_FIELDSET,
        (_("Provenance"), {"fields": ["sources", "created_at", "updated_at"]}),
    ]


# --- Verification ---------------------------------------------------------------------

VERIFICATION_MAX_AGE = datetime.timedelta(days=365)


def stale_q(today: datetime.date, prefix: str = "") -> models.Q:
    """Held today and not verified in the last 12 months (or never)."""
    return Membership.as_of_q(today, prefix=prefix) & (
        models.Q(**{f"{prefix}last_verified_on__isnull": True})
        | models.Q(**{f"{prefix}last_verified_on__lt": today - VERIFICATION_MAX_AGE})
    )


class VerificationFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Current, not verified in 12 months")),
            ("never", _("Never verified")),
            ("recent", _("Verified in the last 12 months")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "stale":
            return queryset.filter(stale_q(today))
        if self.value() == "never":
            return queryset.filter(last_verified_on__isnull=True)
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=today - VERIFICATION_MAX_AGE)
        return queryset


@admin.register(Membership)
class MembershipAdmin(CuratedAdmin):
    actions = ["mark_verified"]
    change_form_template = "admin/curation/membership_change_form.html"
    change_list_template = "admin/curation/membership_change_list.html"
    # At a laptop's width (1280 px, the filter sidebar open) the network, the member,
    # their role, dates and status all fit (#18): one member column, dates as precise
    # as recorded, and the network by its acronym with its name on hover.
    list_display = [
        "member_display",
        "network_display",
        "role",
        "since",
        "until",
        "status",
        "verified",
    ]
    list_filter = [VerificationFilter, "role", "end_reason", "network__sector", "network"]
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

    @admin.display(description=_("Member"), ordering="member_institution__name")
    def member_display(self, obj: Membership) -> str:
        return str(obj.member)

    @admin.display(description=_("Network"), ordering="network__name")
    def network_display(self, obj: Membership):
        return (
            format_html('<abbr title="{}">{}</abbr>', obj.network.name, obj.network.acronym)
            if obj.network.acronym
            else obj.network.name
        )

    @admin.display(description=_("Since"), ordering="start_date")
    def since(self, obj: Membership) -> str | None:
        return obj.start_display or None

    @admin.display(description=_("Until"), ordering="end_date")
    def until(self, obj: Membership) -> str | None:
        return obj.end_display or None

    @admin.display(description=_("Verified"), ordering="last_verified_on")
    def verified(self, obj: Membership) -> str | None:
        if obj.last_verified_on is None:
            return None
        return date_format(obj.last_verified_on, "SHORT_DATE_FORMAT")

    @admin.display(description=_("Status"))
    def status(self, obj: Membership):
        today = timezone.localdate()
        if obj.end_date and obj.end_date < today:
            if obj.end_reason:
                return format_html(
                    '<abbr title="{}">{}</abbr>', obj.get_end_reason_display(), gettext("ended")
                )
            return gettext("ended")
        if obj.start_date and obj.start_date > today:
            return gettext("announced")
        return gettext("current")

    def get_urls(self):
        return [
            path(
                "verification/",
                self.admin_site.admin_view(self.verification_view),
                name="networks_membership_verification",
            ),
            path(
                "<path:object_id>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="networks_membership_verify",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Mark verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        count = mark_memberships_verified(memberships=queryset, user=request.user)
        self.message_user(
            request,
            gettext("%(n)s membership(s) marked verified today.") % {"n": count},
            messages.SUCCESS,
        )

    def verify_view(self, request, object_id):
        """The "Mark verified today" button on a membership's page (POST only)."""
        membership = get_object_or_404(Membership, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, membership):
            raise PermissionDenied
        mark_memberships_verified(
            memberships=Membership.objects.filter(pk=membership.pk), user=request.user
        )
        self.message_user(request, gettext("Marked verified today."), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:networks_membership_change", args=[membership.pk])
        )

    def verification_view(self, request):
        """Per network: current memberships not verified in the last 12 months."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        held = Membership.as_of_q(today, prefix="memberships__")
        networks = (
            Network.objects.annotate(
                current=models.Count("memberships", filter=held),
                stale=models.Count("memberships", filter=stale_q(today, "memberships__")),
                never=models.Count(
                    "memberships", filter=held & models.Q(memberships__last_verified_on=None)
                ),
                oldest=models.Min("memberships__last_verified_on", filter=held),
            )
            .filter(stale__gt=0)
            .order_by("-stale", "name", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Memberships to verify"),
            "opts": self.opts,
            "networks": networks,
            "cutoff": today - VERIFICATION_MAX_AGE,
        }
        return TemplateResponse(request, "admin/curation/verification.html", context)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["institution", "signed_on", "signed_on_precision", "tier", "withdrawn_on", "sources"]
    autocomplete_fields = ["institution", "sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


@admin.register(Memorandum)
class MemorandumAdmin(CuratedAdmin):
    list_display = ["__str__", "kind", "network", "sector", "signed_on", "terminated_on"]
    list_filter = ["kind", "sector", "network"]
    search_fields = ["title", "short_title", "slug", "subject"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "sources", "list_source"]
    list_select_related = ["network"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignatoryInline]


@admin.register(Signatory)
class SignatoryAdmin(CuratedAdmin):
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
    formfield_overrides = HTTP_URL_FIELDS


@admin.register(Meeting)
class MeetingAdmin(CuratedAdmin):
    list_display = ["title", "network", "kind", "start_date", "city", "jurisdiction"]
    list_filter = ["kind", "network__sector", "network"]
    search_fields = ["title", "slug", "city", "network__name", "network__acronym"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "jurisdiction", "host", "sources"]
    list_select_related = ["network", "jurisdiction"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MeetingParticipantInline, OutcomeDocumentInline]


# An institution's memberships on its admin page. Registered here, not in institutions/,
# because institutions never imports networks.
admin.site.unregister(Institution)


@admin.register(Institution)
class InstitutionAdmin(institution_admin.InstitutionAdmin):
    inlines = [*institution_admin.InstitutionAdmin.inlines, InstitutionMembershipInline]
