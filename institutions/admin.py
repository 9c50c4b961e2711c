from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sources.admin import REASON_FIELD, CuratedAdmin, reason_from
from sources.history import recording
from sources.models import ChangeKind

from .models import (
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionRedirect,
    InstitutionSuccession,
    Jurisdiction,
)
from .services import MergeRefused, merge_institutions

MAX_MERGED = 10


@admin.register(Jurisdiction)
class JurisdictionAdmin(CuratedAdmin):
    list_display = ["name", "code", "kind", "region", "subregion"]
    list_filter = ["kind", "region", "subregion"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


class InstitutionNameInline(admin.TabularInline):
    model = InstitutionName
    extra = 0


class InstitutionIdentifierInline(admin.TabularInline):
    model = InstitutionIdentifier
    extra = 0


SUCCESSION_FIELDS = ["kind", "date", "date_precision", "note", "sources"]


class PredecessorInline(admin.TabularInline):
    """What the institution was before: its predecessors (or a former name)."""

    model = InstitutionSuccession
    fk_name = "successor"
    extra = 0
    fields = ["predecessor", "former_name", *SUCCESSION_FIELDS]
    autocomplete_fields = ["predecessor", "sources"]
    verbose_name = gettext_lazy("predecessor (formerly)")
    verbose_name_plural = gettext_lazy("predecessors (formerly)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("predecessor")


class SuccessorInline(admin.TabularInline):
    """What followed the institution."""

    model = InstitutionSuccession
    fk_name = "predecessor"
    extra = 0
    fields = ["successor", *SUCCESSION_FIELDS]
    autocomplete_fields = ["successor", "sources"]
    verbose_name = gettext_lazy("successor (succeeded by)")
    verbose_name_plural = gettext_lazy("successors (succeeded by)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("successor")


@admin.register(InstitutionSuccession)
class InstitutionSuccessionAdmin(CuratedAdmin):
    list_display = ["__str__", "kind", "date", "date_precision"]
    list_filter = ["kind"]
    search_fields = [
        "predecessor__name",
        "predecessor__acronym",
        "former_name",
        "successor__name",
        "successor__acronym",
    ]
    autocomplete_fields = ["predecessor", "successor", "sources"]
    list_select_related = ["predecessor", "successor"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Institution)
class InstitutionAdmin(CuratedAdmin):
    list_display = ["name", "acronym", "branch", "level", "jurisdiction", "updated_at"]
    list_filter = ["branch", "level", "jurisdiction__region", "jurisdiction"]
    search_fields = ["name", "acronym", "slug", "other_names__name", "identifiers__identifier"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["jurisdiction", "parent", "sources"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["created_at", "updated_at"]
    # networks/admin.py adds the institution's memberships (institutions never imports networks).
    inlines = [
        InstitutionNameInline,
        InstitutionIdentifierInline,
        PredecessorInline,
        SuccessorInline,
    ]
    actions = ["merge_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "acronym", "slug", "branch", "level", "jurisdiction", "parent"]},
        ),
        (
            gettext_lazy("Details"),
            {
                "fields": [
                    "website",
                    ("founded_on", "founded_on_precision"),
                    ("dissolved_on", "dissolved_on_precision"),
                    "description",
                    "listed_because",
                ]
            },
        ),
        (gettext_lazy("Provenance"), {"fields": ["sources", "created_at", "updated_at"]}),
    ]

    def get_urls(self):
        return [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name="institutions_institution_merge",
            ),
            *super().get_urls(),
        ]

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perms(
            ["institutions.change_institution", "institutions.delete_institution"]
        )

    @admin.action(
        description=gettext_lazy("Merge selected institutions (duplicates)…"),
        permissions=["merge"],
    )
    def merge_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[: MAX_MERGED + 1])
        return HttpResponseRedirect(f"{reverse('admin:institutions_institution_merge')}?ids={ids}")

    def merge_view(self, request):
        """Pick the record that survives, see what moves, give a reason, merge."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        try:
            ids = [int(i) for i in data.get("ids", "").split(",") if i]
        except ValueError:
            ids = []
        institutions = list(Institution.objects.filter(pk__in=ids).select_related("jurisdiction"))
        changelist = reverse("admin:institutions_institution_changelist")
        if not 2 <= len(institutions) <= MAX_MERGED:
            messages.error(
                request,
                _("Select between 2 and %(max)s institutions to merge.") % {"max": MAX_MERGED},
            )
            return HttpResponseRedirect(changelist)
        survivor = next((i for i in institutions if str(i.pk) == data.get("survivor")), None)
        others = [i for i in institutions if survivor is not None and i.pk != survivor.pk]
        reason_missing = False
        if request.method == "POST" and survivor is not None:
            reason = reason_from(request)
            if not reason:
                reason_missing = True
            else:
                try:
                    with recording(kind=ChangeKind.MERGE, reason=reason, user=request.user) as rec:
                        for other in others:
                            merge_institutions(survivor=survivor, merged=other, user=request.user)
                except MergeRefused as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>',
                            _("Merged. The merged records' addresses now redirect here."),
                            reverse("admin:sources_changeset_undo", args=[rec.change_set.pk]),
                            _("Undo the merge"),
                        ),
                    )
                    return HttpResponseRedirect(
                        reverse("admin:institutions_institution_change", args=[survivor.pk])
                    )
        reports, refusals = [], []
        for other in others:
            try:
                reports.append(
                    (other, merge_institutions(survivor=survivor, merged=other, dry_run=True))
                )
            except MergeRefused as exc:
                refusals.append(str(exc))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge institutions"),
            "opts": self.opts,
            "institutions": institutions,
            "ids": ",".join(str(i.pk) for i in institutions),
            "survivor": survivor,
            "reports": reports,
            "refusals": refusals,
            "reason_field": REASON_FIELD,
            "reason_missing": reason_missing,
        }
        return TemplateResponse(request, "admin/curation/merge.html", context)


@admin.register(InstitutionRedirect)
class InstitutionRedirectAdmin(CuratedAdmin):
    """Slugs of merged institutions; written by merges, never by hand."""

    list_display = ["old_slug", "institution", "created_at"]
    search_fields = ["old_slug", "institution__name", "institution__slug"]
    list_select_related = ["institution"]
    readonly_fields = ["old_slug", "institution", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
