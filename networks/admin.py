import base64
import datetime
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sources.admin import CuratedAdmin

from .member_lists import (
    MEMORANDUM_FIELDS,
    NETWORK_FIELDS,
    STATUS_ROLES,
    ListError,
    ListField,
    Table,
    plan_member_list,
    read_table,
)
from .models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    OutcomeDocument,
    Role,
    Signatory,
)
from .services import ImportRefused, import_member_list, mark_memberships_verified

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


# --- Importing member and signatory lists ---------------------------------------------


class MemberListForm(forms.Form):
    """The upload: the list, what it is (its address and date), and how to read it."""

    file = forms.FileField(
        label=_("Member list"),
        help_text=_("CSV or XLSX (first sheet), column names in the first row; at most 2 MB."),
    )
    source_url = forms.URLField(
        label=_("Published at"),
        max_length=1000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The page or file the list comes from: every record it touches cites it."),
    )
    source_title = forms.CharField(label=_("Title"), max_length=300, required=False)
    source_publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    list_date = forms.DateField(
        label=_("The list's date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The date the list describes (usually the day you read it). Memberships that end "
            "because a member is missing end on this date."
        ),
    )
    end_missing = forms.BooleanField(
        label=_("End the memberships of members missing from the list"),
        required=False,
        initial=True,
    )
    default_role = forms.ChoiceField(
        label=_("Role of rows that give none"),
        choices=[(r.value, r.label) for r in STATUS_ROLES],
        initial=Role.MEMBER,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("Shown on the public changes page with the list's address."),
    )

    def __init__(self, *args, for_network: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_network:
            del self.fields["default_role"]
            self.fields["file"].label = _("Signatory list")
            self.fields["end_missing"].label = _(
                "Mark signatories missing from the list as withdrawn"
            )


def mapping_form(headers: list[str], fields: list[str], data=None, initial=None) -> forms.Form:
    """One choice per meaning a column can have: which column (if any) holds it."""
    choices = [("", "—"), *((h, h) for h in headers)]
    form_fields = {
        f"column_{f}": forms.ChoiceField(label=ListField(f).label, choices=choices, required=False)
        for f in fields
    }
    form_class = type("MappingForm", (forms.Form,), form_fields)
    return form_class(data, initial={f"column_{k}": v for k, v in (initial or {}).items()})


class MemberListImportMixin:
    """Admin view: upload a list, map its columns, preview every change, apply it."""

    SESSION_KEY = "member_list_uploads"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/import-list/",
                self.admin_site.admin_view(self.import_list_view),
                name="{}_{}_import_list".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        record = "membership" if self.model is Network else "signatory"
        return request.user.has_perms(
            [f"networks.add_{record}", f"networks.change_{record}", "sources.add_source"]
        )

    def import_list_view(self, request, object_id):
        target = get_object_or_404(self.model, pk=object_id)
        if not self.has_import_permission(request):
            raise PermissionDenied
        for_network = isinstance(target, Network)
        fields = NETWORK_FIELDS if for_network else MEMORANDUM_FIELDS
        step = request.POST.get("step", "")
        if request.method != "POST" or step == "upload":
            return self._upload_step(request, target, for_network)
        upload = request.session.get(self.SESSION_KEY, {}).get(request.POST.get("token", ""))
        if upload is None:
            messages.error(request, gettext("The upload has expired; upload the list again."))
            return HttpResponseRedirect(request.path)
        table = read_table(upload["name"], base64.b64decode(upload["content"]))
        mapping = mapping_form(table.headers, fields, request.POST)
        mapping.is_valid()
        columns = {
            f: mapping.cleaned_data.get(f"column_{f}", "")
            for f in fields
            if mapping.cleaned_data.get(f"column_{f}")
        }
        meta = upload["meta"]
        if step == "apply":
            return self._apply_step(request, target, table, columns, meta, upload)
        return self._preview(request, target, table, columns, meta, request.POST["token"])

    def _upload_step(self, request, target, for_network):
        form = MemberListForm(request.POST or None, request.FILES or None, for_network=for_network)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                table = read_table(upload.name, content)
            except ListError as exc:
                form.add_error("file", str(exc))
            else:
                meta = {
                    k: str(v) if isinstance(v, datetime.date) else v
                    for k, v in form.cleaned_data.items()
                    if k != "file"
                }
                token = secrets.token_urlsafe(16)
                uploads = request.session.get(self.SESSION_KEY, {})
                # Keep the few latest uploads of this session, not every one ever made.
                uploads = dict(list(uploads.items())[-2:])
                uploads[token] = {
                    "name": upload.name,
                    "content": base64.b64encode(content).decode(),
                    "meta": meta,
                }
                request.session[self.SESSION_KEY] = uploads
                return self._preview(request, target, table, None, meta, token)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import a list: %s") % target,
            "opts": self.opts,
            "target": target,
            "form": form,
            "for_network": for_network,
        }
        return TemplateResponse(request, "admin/curation/member_list_upload.html", context)

    def _plan(self, target, table, columns, meta):
        return plan_member_list(
            target=target,
            table=table,
            columns=columns,
            list_date=datetime.date.fromisoformat(meta["list_date"]),
            end_missing=meta["end_missing"],
            default_role=meta.get("default_role") or Role.MEMBER,
        )

    def _preview(self, request, target, table: Table, columns, meta, token, plan=None):
        plan = plan or self._plan(target, table, columns, meta)
        fields = NETWORK_FIELDS if isinstance(target, Network) else MEMORANDUM_FIELDS
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Preview: %s") % target,
            "opts": self.opts,
            "target": target,
            "plan": plan,
            "meta": meta,
            "token": token,
            "mapping": mapping_form(table.headers, fields, initial=plan.columns),
            "fingerprint": plan.fingerprint(),
            "can_add_institutions": request.user.has_perm("institutions.add_institution"),
        }
        return TemplateResponse(request, "admin/curation/member_list_preview.html", context)

    def _apply_step(self, request, target, table, columns, meta, upload):
        plan = self._plan(target, table, columns, meta)
        if plan.new_institutions and not request.user.has_perm("institutions.add_institution"):
            raise PermissionDenied
        try:
            plan, change_set = import_member_list(
                target=target,
                table=table,
                columns=columns,
                list_date=datetime.date.fromisoformat(meta["list_date"]),
                end_missing=meta["end_missing"],
                default_role=meta.get("default_role") or Role.MEMBER,
                source_url=meta["source_url"],
                source_title=meta["source_title"],
                source_publisher=meta["source_publisher"],
                user=request.user,
                reason=meta["reason"],
                expected_fingerprint=request.POST.get("fingerprint", ""),
            )
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return self._preview(
                request, target, table, columns, meta, request.POST["token"], exc.plan
            )
        uploads = request.session.get(self.SESSION_KEY, {})
        uploads.pop(request.POST["token"], None)
        request.session[self.SESSION_KEY] = uploads
        if change_set is None:
            messages.info(request, gettext("The list matches the directory: nothing changed."))
        else:
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("The list was applied as one change set."),
                    reverse("admin:sources_changeset_change", args=[change_set.pk]),
                    gettext("See what changed (and undo it)"),
                ),
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])
        )


@admin.register(Network)
class NetworkAdmin(MemberListImportMixin, CuratedAdmin):
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
    change_form_template = "admin/curation/change_form_with_import.html"
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
    list_display = [
        "network",
        "member_institution",
        "member_network",
        "role",
        "start_date",
        "end_date",
        "last_verified_on",
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
class MemorandumAdmin(MemberListImportMixin, CuratedAdmin):
    list_display = ["__str__", "kind", "network", "sector", "signed_on", "terminated_on"]
    list_filter = ["kind", "sector", "network"]
    search_fields = ["title", "short_title", "slug", "subject"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["network", "sources"]
    list_select_related = ["network"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SignatoryInline]
    change_form_template = "admin/curation/change_form_with_import.html"


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
