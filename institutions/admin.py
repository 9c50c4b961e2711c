from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from networks.admin import InstitutionMembershipInline

from .models import Institution, InstitutionIdentifier, InstitutionName, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
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


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "branch", "level", "jurisdiction", "updated_at"]
    list_filter = ["branch", "level", "jurisdiction__region", "jurisdiction"]
    search_fields = ["name", "acronym", "slug", "other_names__name", "identifiers__identifier"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["jurisdiction", "parent", "sources"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [InstitutionNameInline, InstitutionIdentifierInline, InstitutionMembershipInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "acronym", "slug", "branch", "level", "jurisdiction", "parent"]},
        ),
        (
            _("Details"),
            {
                "fields": [
                    "website",
                    ("founded_on", "founded_on_precision"),
                    ("dissolved_on", "dissolved_on_precision"),
                    "description",
                ]
            },
        ),
        (_("Provenance"), {"fields": ["sources", "created_at", "updated_at"]}),
    ]
