from django.contrib import admin

from .models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "accessed_on", "url"]
    list_filter = ["accessed_on", "publisher"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "accessed_on"
