"""The curators' bulk screens: upload a member or signatory list, map its columns,
preview every change and apply it as one change set.

The domain apps register their records' admins; this app adds the import screen to the
network and memorandum admins by registering them again with the import mixin, so the
domain never imports curation.
"""

import base64
import datetime
import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curation.member_lists import (
    MEMORANDUM_FIELDS,
    NETWORK_FIELDS,
    STATUS_ROLES,
    ListError,
    ListField,
    Table,
    plan_member_list,
    read_table,
)
from curation.models import ImportJob, ImportStatus, Suggestion, SuggestionKind
from curation.services import ImportRefused, import_member_list, queue_import_job
from curation.wikidata import SuggestionRefused, accept_suggestion, reject_suggestion
from networks import admin as network_admin
from networks.models import Memorandum, Network, Role
from sources.forms import HttpURLField


class MemberListForm(forms.Form):
    """The upload: the list, what it is (its address and date), and how to read it."""

    file = forms.FileField(
        label=_("Member list"),
        help_text=_("CSV or XLSX (first sheet), column names in the first row; at most 2 MB."),
    )
    source_url = HttpURLField(
        label=_("Published at"),
        max_length=1000,
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
        options = {
            "columns": columns,
            "list_date": meta["list_date"],
            "end_missing": meta["end_missing"],
            "default_role": meta.get("default_role") or Role.MEMBER,
            "source_url": meta["source_url"],
            "source_title": meta["source_title"],
            "source_publisher": meta["source_publisher"],
            "reason": meta["reason"],
            "expected_fingerprint": request.POST.get("fingerprint", ""),
        }
        arguments = {
            **options,
            "target": target,
            "table": table,
            "list_date": datetime.date.fromisoformat(meta["list_date"]),
            "user": request.user,
        }
        background = len(table.rows) >= settings.MEMBER_LIST_BACKGROUND_ROWS
        try:
            # A large list is checked here (without writing) and applied by a worker.
            plan, change_set = import_member_list(**arguments, dry_run=True)
            if plan.new_institutions and not request.user.has_perm("institutions.add_institution"):
                raise PermissionDenied
            if not background:
                plan, change_set = import_member_list(**arguments)
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return self._preview(
                request, target, table, columns, meta, request.POST["token"], exc.plan
            )
        uploads = request.session.get(self.SESSION_KEY, {})
        uploads.pop(request.POST["token"], None)
        request.session[self.SESSION_KEY] = uploads
        if background:
            job = queue_import_job(
                target=target,
                file_name=upload["name"],
                content=base64.b64decode(upload["content"]),
                rows=len(table.rows),
                options=options,
                user=request.user,
            )
            return HttpResponseRedirect(job.get_absolute_url())
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


class ImportScreen:
    change_form_template = "admin/curation/change_form_with_import.html"


admin.site.unregister(Network)
admin.site.unregister(Memorandum)


@admin.register(Network)
class NetworkAdmin(MemberListImportMixin, ImportScreen, network_admin.NetworkAdmin):
    pass


@admin.register(Memorandum)
class MemorandumAdmin(MemberListImportMixin, ImportScreen, network_admin.MemorandumAdmin):
    pass


def can_import(user) -> bool:
    """May apply a member or a signatory list (see MemberListImportMixin)."""
    return any(
        user.has_perms([f"networks.add_{r}", f"networks.change_{r}", "sources.add_source"])
        for r in ("membership", "signatory")
    )


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Lists applied in the background: a progress page while they run, then the result."""

    list_display = ["created_at", "target", "status", "progress", "user", "change_set"]
    list_filter = ["status"]
    list_select_related = ["network", "memorandum", "user", "change_set"]
    date_hierarchy = "created_at"

    def has_module_permission(self, request):
        return can_import(request.user)

    def has_view_permission(self, request, obj=None):
        return can_import(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The change list never needs the uploaded files.
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("progress"))
    def progress(self, job: ImportJob) -> str:
        return f"{job.percent} %"

    def get_urls(self):
        return [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="curation_importjob_progress",
            ),
            *super().get_urls(),
        ]

    def _job(self, request, pk) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            ImportJob.objects.defer("content").select_related(
                "network", "memorandum", "change_set"
            ),
            pk=pk,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """While the job runs, its progress (polled by import-progress.js); then its result."""
        job = self._job(request, unquote(object_id))
        target_opts = job.target._meta
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.opts,
            "job": job,
            "progress": progress_of(job),
            "target_url": reverse(
                f"admin:{target_opts.app_label}_{target_opts.model_name}_change",
                args=[job.target.pk],
            ),
            "import_url": reverse(
                f"admin:{target_opts.app_label}_{target_opts.model_name}_import_list",
                args=[job.target.pk],
            ),
            "can_undo": request.user.has_perm("sources.undo_changeset"),
        }
        return TemplateResponse(request, "admin/curation/importjob_status.html", context)

    def progress_view(self, request, pk):
        return JsonResponse(progress_of(self._job(request, pk)))


def progress_of(job: ImportJob) -> dict:
    """How far a job got, as the progress page shows it and import-progress.js reads it."""
    if job.status == ImportStatus.QUEUED:
        text = gettext("%(rows)s rows wait for a worker.") % {"rows": job.rows_total}
    elif job.status == ImportStatus.RUNNING and not job.records_total:
        text = gettext("Checking %(rows)s rows against the directory…") % {"rows": job.rows_total}
    elif job.status == ImportStatus.RUNNING:
        text = gettext("Writing: %(done)s of %(total)s.") % {
            "done": job.records_done,
            "total": job.records_total,
        }
    elif job.status == ImportStatus.DONE:
        text = gettext("Applied: %(rows)s rows.") % {"rows": job.rows_total}
    else:
        text = gettext("Not applied: nothing was written.")
    return {
        "status": job.status,
        "status_display": job.get_status_display(),
        "finished": job.finished,
        "percent": job.percent,
        # Unknown until the rows are checked: the bar has no value then (indeterminate).
        "known": job.finished or bool(job.records_total),
        "text": text,
    }


# --- Suggestions from Wikidata ------------------------------------------------------------

# What a curator may need to accept each kind, beyond deciding on suggestions.
ACCEPT_PERMISSIONS = {
    SuggestionKind.INSTITUTION: [
        "institutions.add_institution",
        "institutions.add_institutionidentifier",
        "sources.add_source",
    ],
    SuggestionKind.IDENTIFIER: ["institutions.add_institutionidentifier", "sources.add_source"],
    SuggestionKind.MEMBERSHIP: ["networks.add_membership", "sources.add_source"],
}


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """The review queue: what suggest_from_wikidata proposed, to accept or reject one by
    one (the buttons on each) or many at once (the actions)."""

    list_display = [
        "__str__",
        "kind",
        "status",
        "entity_link",
        "dates",
        "as_of",
        "decided_by",
        "change_set_link",
    ]
    list_filter = ["kind", "status", "as_of", "file_name"]
    search_fields = ["label", "entity", "network_entity"]
    list_select_related = ["institution", "network", "decided_by", "change_set"]
    actions = ["accept_selected", "reject_selected"]
    # A new institution's jurisdiction, branch and level are a curator's to choose; the
    # rest is what Wikidata says, to take or leave as it is.
    editable = ["jurisdiction", "branch", "level"]
    fields = [
        "decision",
        "kind",
        "status",
        "entity_link",
        "label",
        "statement",
        "network_entity",
        "institution",
        "network",
        "dates",
        "website",
        "source_url",
        "as_of",
        "file_name",
        "note",
        "jurisdiction",
        "branch",
        "level",
        "decided_by",
        "decided_at",
        "change_set_link",
    ]

    def has_module_permission(self, request):
        return request.user.has_perm("curation.view_suggestion")

    def has_add_permission(self, request):
        return False  # the command proposes; curators decide

    def has_delete_permission(self, request, obj=None):
        return False  # a decided suggestion stops the command proposing it again

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pending and obj.kind == SuggestionKind.INSTITUTION:
            return [f for f in self.fields if f not in self.editable]
        return list(self.fields)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("institution", "network", "jurisdiction", "decided_by", "change_set")
        )

    @admin.display(description=_("decision"))
    def decision(self, suggestion: Suggestion) -> str:
        """Per-object buttons, inside the change form (its CSRF token and fields go with
        them: a new institution's jurisdiction and branch are saved, then it is accepted)."""
        if not suggestion.pending:
            if suggestion.undone:
                return gettext("Accepted, then undone.")
            return suggestion.get_status_display()
        return format_html(
            '<button type="submit" name="_accept" class="default">{}</button> '
            '<button type="submit" name="_reject">{}</button>',
            gettext("Accept"),
            gettext("Reject"),
        )

    @admin.display(description=_("Wikidata item"), ordering="entity")
    def entity_link(self, suggestion: Suggestion) -> str:
        return format_html('<a href="{}">{}</a>', suggestion.source_url, suggestion.entity)

    @admin.display(description=_("dates"))
    def dates(self, suggestion: Suggestion) -> str:
        if suggestion.kind != SuggestionKind.MEMBERSHIP:
            return ""
        start, end = suggestion.start_display or "?", suggestion.end_display
        return f"{start} \u2013 {end}" if end else gettext("from %(start)s") % {"start": start}

    @admin.display(description=_("change set"))
    def change_set_link(self, suggestion: Suggestion) -> str:
        if suggestion.change_set_id is None:
            return ""
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:sources_changeset_change", args=[suggestion.change_set_id]),
            suggestion.change_set_id,
        )

    def response_change(self, request, obj):
        if "_accept" in request.POST or "_reject" in request.POST:
            self.decide(request, [obj], accept="_accept" in request.POST)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Accept the selected suggestions"), permissions=["change"])
    def accept_selected(self, request, queryset):
        self.decide(request, queryset, accept=True)

    @admin.action(description=_("Reject the selected suggestions"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self.decide(request, queryset, accept=False)

    def decide(self, request, suggestions, *, accept: bool) -> None:
        """Accept (each as its own change set, to undo on its own) or reject each."""
        suggestions = list(suggestions)
        if accept and not all(
            request.user.has_perms(ACCEPT_PERMISSIONS[s.kind]) for s in suggestions
        ):
            raise PermissionDenied
        done = 0
        for suggestion in suggestions:
            try:
                if accept:
                    accept_suggestion(suggestion=suggestion, user=request.user)
                else:
                    reject_suggestion(suggestion=suggestion, user=request.user)
            except SuggestionRefused as exc:
                messages.error(request, f"{suggestion}: {exc}")
            else:
                done += 1
        if done and accept:
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Accepted %(n)s suggestion(s), each as a change set.") % {"n": done},
                    reverse("admin:sources_changeset_changelist"),
                    gettext("See the change history (and undo)"),
                ),
            )
        elif done:
            messages.success(request, gettext("Rejected %(n)s suggestion(s).") % {"n": done})
