"""The curators' admin: history on every record, a reason with every change, undo.

`CuratedAdmin` is the base of every curated model's admin. It adds to Django's admin:
- a "Reason for this change" field on every change, revert and delete (optional when
  adding), recorded with the change and shown on the public changes page;
- every save, delete, revert and bulk action recorded as one change set;
- the history of each record (simple-history), a comparison of any two versions and a
  revert to any version;
- after a deletion, a link to undo it.
The change sets themselves are listed here too, with their records and an undo.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import DeletedObject

from .forms import HttpURLField
from .history import (
    describe,
    history_model,
    m2m_history_models,
    recording,
    related_fields,
    tracked_models,
    version_instance,
)
from .models import ChangeKind, ChangeSet, Source
from .services import UndoRefused, plan_undo, undo_change_set

REASON_FIELD = "change_reason"
# Every address a curator types is checked as the loader and the imports check it
# (http or https only), before the database constraint would refuse it.
HTTP_URL_FIELDS = {models.URLField: {"form_class": HttpURLField}}
# Records listed at most on a change set's page, its undo page and the deleted records.
ROWS_SHOWN = 200


def reason_from(request: HttpRequest) -> str:
    return request.POST.get(REASON_FIELD, "").strip()


class ReasonForm(forms.ModelForm):
    """A model form that also asks why the change is made."""

    change_reason = forms.CharField(
        label=gettext_lazy("Reason for this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=gettext_lazy(
            "Why you make this change, e.g. the page you checked. Kept in the record's "
            "history and shown on the public changes page (your name is not shown)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new record speaks for itself (it cites its sources); a change needs a reason.
        self.fields[REASON_FIELD].required = not self.instance._state.adding
        # Reverting to a version shows (and saves) the sources that version cited, not
        # the record's current ones.
        version = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if version is not None and not self.is_bound:
            for m2m_field, m2m_hmodel in m2m_history_models(type(version)):
                if m2m_field.name in self.fields:
                    other = m2m_field.m2m_reverse_field_name() + "_id"
                    self.initial[m2m_field.name] = list(
                        m2m_hmodel.objects.filter(history_id=version.history_id).values_list(
                            other, flat=True
                        )
                    )


class CuratedAdmin(SimpleHistoryAdmin):
    """Admin for a curated model: every change recorded with its reason, and undoable."""

    form = ReasonForm
    formfield_overrides = HTTP_URL_FIELDS
    object_history_template = "admin/curation/object_history.html"
    object_history_list_template = "admin/curation/object_history_list.html"
    delete_confirmation_template = "admin/curation/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/curation/delete_selected_confirmation.html"
    history_list_per_page = 50

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != REASON_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        can_write = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        if not can_write:  # a read-only view has nothing to give a reason for
            return fieldsets
        return [*fieldsets, (_("Reason"), {"fields": [REASON_FIELD]})]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name="{}_{}_history_compare".format(*info),
            ),
            *super().get_urls(),
        ]

    # -- writes, each one change set

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with recording(kind=ChangeKind.EDIT, reason=reason_from(request), user=request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        with recording(kind=ChangeKind.REVERT, reason=reason_from(request), user=request.user):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        if not reason_from(request):
            # Show the confirmation again, asking for the reason.
            request.POST = QueryDict()
            extra_context = {**(extra_context or {}), "reason_missing": True}
            return super().delete_view(request, object_id, extra_context)
        with recording(
            kind=ChangeKind.DELETE, reason=reason_from(request), user=request.user
        ) as rec:
            response = super().delete_view(request, object_id, extra_context)
        offer_undo(request, rec.change_set)
        return response

    def delete_queryset(self, request, queryset):
        with recording(
            kind=ChangeKind.DELETE, reason=reason_from(request), user=request.user
        ) as rec:
            super().delete_queryset(request, queryset)
        offer_undo(request, rec.change_set)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_with_reason, name, description)
        return actions

    # -- comparing versions

    def history_compare_view(self, request, object_id):
        """Two versions of a record side by side: every field that differs."""
        hmodel = history_model(self.model)
        versions = hmodel.objects.filter(id=unquote(object_id))
        latest = versions.first()
        if latest is None:
            raise Http404
        obj = self.get_object(request, object_id) or latest.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        try:
            old = versions.select_related("change_set").get(history_id=request.GET["old"])
            new = versions.select_related("change_set").get(history_id=request.GET["new"])
        except (KeyError, ValueError, hmodel.DoesNotExist) as exc:
            raise Http404(_("Choose two versions of this record to compare.")) from exc
        if (old.history_date, old.history_id) > (new.history_date, new.history_id):
            old, new = new, old
        delta = new.diff_against(old, foreign_keys_are_objs=True)
        changes = [
            {
                "field": capfirst(self.model._meta.get_field(c.field).verbose_name),
                "old": display_value(self.model, c.field, c.old),
                "new": display_value(self.model, c.field, c.new),
            }
            for c in delta.changes
        ]
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions: %s") % obj,
            "opts": opts,
            "object": obj,
            "old": old,
            "new": new,
            "changes": changes,
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
            ),
            "revert_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[obj.pk, old.history_id],
            ),
            "can_revert": not self.revert_disabled(request, obj)
            and self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/curation/compare.html", context)


def display_value(model, field_name: str, value: Any) -> str:
    """A field's value as a curator reads it: labels for choices, names for records."""
    field = model._meta.get_field(field_name)
    if field.many_to_many:
        other = field.m2m_reverse_field_name()
        return "; ".join(sorted(str(row[other]) for row in value or [])) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, DeletedObject):
        return _("%(model)s #%(id)s (deleted)") % {
            "model": value.model._meta.verbose_name,
            "id": value.pk,
        }
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(formats.localize(value))


def offer_undo(request: HttpRequest, change_set: ChangeSet | None) -> None:
    if change_set is None:
        return
    url = reverse("admin:sources_changeset_undo", args=[change_set.pk])
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("What was deleted stays in the history."),
            url,
            _("Undo this deletion"),
        ),
    )


def delete_selected_with_reason(modeladmin, request, queryset):
    """Django's "delete selected" action, which also asks for the reason."""
    if request.POST.get("post") and not reason_from(request):
        messages.error(request, _("Give the reason for deleting these records."))
        request.POST = request.POST.copy()
        del request.POST["post"]
    return django_delete_selected(modeladmin, request, queryset)


delete_selected_with_reason.allowed_permissions = ("delete",)


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    list_display = ["__str__", "publisher", "as_of", "accessed_on", "url"]
    list_filter = ["as_of", "publisher"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "as_of"

    def get_deleted_objects(self, objs, request):
        """A source still cited by a record cannot be deleted: that would orphan facts."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for source in objs:
            for rel in source._meta.related_objects:
                if not rel.many_to_many:
                    continue
                for record in getattr(source, rel.get_accessor_name()).all()[:10]:
                    protected.append(
                        format_html(
                            "{}: {} ({})",
                            capfirst(record._meta.verbose_name),
                            record,
                            _("cites %(source)s") % {"source": source},
                        )
                    )
        return deleted, counts, perms_needed, protected


# --- Change sets ------------------------------------------------------------------------


@admin.register(ChangeSet)
class ChangeSetAdmin(admin.ModelAdmin):
    """Every curator action, newest first: read-only, with its records and an undo."""

    list_display = ["created_at", "kind", "short_reason", "source", "user", "records"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reason", "source__url", "source__title"]
    date_hierarchy = "created_at"
    list_select_related = ["source", "user"]
    change_list_template = "admin/curation/changeset_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("reason"))
    def short_reason(self, obj: ChangeSet) -> str:
        return obj.reason if len(obj.reason) < 90 else obj.reason[:88] + "…"

    @admin.display(description=gettext_lazy("records"))
    def records(self, obj: ChangeSet) -> int:
        return obj.record_count

    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="sources_changeset_deleted",
            ),
            path(
                "<int:pk>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="sources_changeset_undo",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A change set: who, when, why, on what evidence, and each record it touched."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        change_set = get_object_or_404(
            ChangeSet.objects.select_related("source", "user", "undoes"), pk=unquote(object_id)
        )
        sections = []
        for model in tracked_models():
            hmodel = history_model(model)
            rows = list(
                hmodel.objects.filter(change_set=change_set)
                .select_related(*related_fields(hmodel))
                .order_by("history_id")[:ROWS_SHOWN]
            )
            if rows:
                sections.append(
                    {
                        "name": capfirst(model._meta.verbose_name_plural),
                        "total": sum(
                            change_set.summary.get("counts", {})
                            .get(model._meta.label_lower, {})
                            .values()
                        ),
                        "rows": [version_row(model, row) for row in rows],
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "title": str(change_set),
            "opts": self.opts,
            "change_set": change_set,
            "sections": sections,
            "rows_shown": ROWS_SHOWN,
            "undone_by": change_set.undone_by.first(),
            "can_undo": request.user.has_perm("sources.undo_changeset"),
        }
        return TemplateResponse(request, "admin/curation/changeset_detail.html", context)

    def undo_view(self, request, pk):
        """Undo a change set: what it would do first, then do it with a reason."""
        if not request.user.has_perm("sources.undo_changeset"):
            raise PermissionDenied
        change_set = get_object_or_404(ChangeSet, pk=pk)
        problems: list[str] = []
        reason_missing = False
        if request.method == "POST":
            reason = reason_from(request)
            if not reason:
                reason_missing = True
            else:
                try:
                    undo = undo_change_set(change_set=change_set, user=request.user, reason=reason)
                except UndoRefused as exc:
                    problems = exc.problems
                else:
                    messages.success(request, _("Undone. The undo is itself a change set."))
                    return HttpResponseRedirect(
                        reverse("admin:sources_changeset_change", args=[undo.pk])
                    )
        plan = plan_undo(change_set)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Undo: %s") % change_set,
            "opts": self.opts,
            "change_set": change_set,
            "plan": plan,
            "problems": problems or plan.problems,
            "steps": plan.steps[:ROWS_SHOWN],
            "rows_shown": ROWS_SHOWN,
            "reason_missing": reason_missing,
            "reason_field": REASON_FIELD,
        }
        return TemplateResponse(request, "admin/curation/changeset_undo.html", context)

    def deleted_view(self, request):
        """Records deleted and not restored, newest first, each with its undo."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = []
        for model in tracked_models():
            hmodel = history_model(model)
            for row in (
                hmodel.objects.filter(history_type="-")
                .exclude(id__in=model._default_manager.values("pk"))
                .select_related(*related_fields(hmodel))
                .order_by("-history_date")[:ROWS_SHOWN]
            ):
                entries.append({**version_row(model, row), "date": row.history_date})
        entries.sort(key=lambda e: e["date"], reverse=True)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted records"),
            "opts": self.opts,
            "entries": entries[:ROWS_SHOWN],
        }
        return TemplateResponse(request, "admin/curation/deleted_records.html", context)


def version_row(model, row) -> dict:
    """One historical row as the change set and deleted-records pages list it."""
    opts = model._meta
    try:
        label = describe(version_instance(row))[0]
    except Exception:  # a version referring to records since removed
        label = f"{opts.verbose_name} #{row.id}"
    try:
        history_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[row.id])
        version_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[row.id, row.history_id],
        )
    except NoReverseMatch:  # edited inline on its parent's page
        history_url = version_url = ""
    return {
        "model": capfirst(opts.verbose_name),
        "label": label,
        "type": row.get_history_type_display(),
        "history_type": row.history_type,
        "reason": row.history_change_reason or "",
        "change_set": row.change_set_id,
        "history_url": history_url,
        "version_url": version_url,
    }
