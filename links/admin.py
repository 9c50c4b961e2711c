"""Curators' view of the link checker: what is broken or stale, and "check now"."""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import CheckResult, Link, LinkStatus
from .published import usages
from .services.checker import HostBusy

# "Check now" without a worker runs in the request: only this many links at a time.
CHECK_NOW_INLINE_LIMIT = 10


class StatusFilter(admin.SimpleListFilter):
    """Working, failing, broken or never checked."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return LinkStatus.choices

    def queryset(self, request, queryset):
        filters = {
            LinkStatus.UNCHECKED: queryset.never_checked,
            LinkStatus.WORKING: queryset.working,
            LinkStatus.FAILING: queryset.failing,
            LinkStatus.BROKEN: queryset.broken,
        }
        method = filters.get(self.value())
        return method() if method else queryset


class FreshnessFilter(admin.SimpleListFilter):
    """Whether the last check is older than the check interval."""

    title = _("last check")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [
            (
                "stale",
                _("Stale (older than %(days)s days, or never)")
                % {"days": settings.LINK_CHECK_INTERVAL_DAYS},
            ),
            ("recent", _("Recent")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.stale()
        if self.value() == "recent":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


class CheckResultInline(admin.TabularInline):
    """A link's recent checks, newest first (read-only)."""

    model = CheckResult
    extra = 0
    max_num = 0
    can_delete = False
    fields = [
        "checked_at",
        "ok",
        "status_code",
        "error_kind",
        "error_message",
        "final_url",
        "redirects",
        "response_time_ms",
    ]
    readonly_fields = fields
    ordering = ["-checked_at", "-pk"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = [
        "link",
        "status_display",
        "status_code",
        "error_kind",
        "consecutive_failures",
        "last_checked_at",
        "last_ok_at",
    ]
    list_filter = [StatusFilter, FreshnessFilter, "error_kind"]
    search_fields = ["url", "final_url", "host"]
    # Broken links first: that is what curators come here for.
    ordering = ["-consecutive_failures", "url"]
    date_hierarchy = None
    actions = ["check_now"]
    inlines = [CheckResultInline]
    fields = [
        "url",
        "status_display",
        "used_by",
        "status_code",
        "final_url",
        "error_kind",
        "error_message",
        "response_time_ms",
        "consecutive_failures",
        "failing_since",
        "last_checked_at",
        "last_ok_at",
        "next_check_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Links come from the published records (sync); curators fix the record instead.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Link | None = None) -> bool:
        # "Change" here means running "check now" from the list; a link's own page is
        # read-only (its fields are findings, not curated facts).
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("link"), ordering="url")
    def link(self, obj: Link) -> str:
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            obj.url,
            obj.url if len(obj.url) <= 80 else obj.url[:77] + "…",
        )

    @admin.display(description=_("status"), ordering="consecutive_failures")
    def status_display(self, obj: Link) -> str:
        status = obj.status
        if status == LinkStatus.BROKEN and obj.failing_since:
            return _("Broken since %(date)s") % {"date": _date(obj.failing_since)}
        if status == LinkStatus.FAILING:
            return ngettext(
                "Failing (%(count)d failure)",
                "Failing (%(count)d failures in a row)",
                obj.consecutive_failures,
            ) % {"count": obj.consecutive_failures}
        return status.label

    @admin.display(description=_("used by"))
    def used_by(self, obj: Link) -> str:
        records = usages(obj.url)
        if not records:
            return _("No record publishes this address any more.")
        return format_html_join(
            "", "<div>{}: {}</div>", ((r._meta.verbose_name, _admin_link(r)) for r in records)
        )

    @admin.action(description=_("Check now"), permissions=["change"])
    def check_now(self, request: HttpRequest, queryset: QuerySet[Link]) -> None:
        if not settings.LINK_CHECK_ENABLED:
            self.message_user(
                request,
                _("Link checking is off on this site (LINK_CHECK_ENABLED is not set)."),
                messages.WARNING,
            )
            return
        ids = list(queryset.values_list("pk", flat=True))
        if not services.queue_is_eager():
            sent = services.send_checks(ids, force=True)
            if sent < len(ids):
                self.message_user(
                    request,
                    _(
                        "Could not reach the task queue: %(missing)d of %(total)d checks "
                        "were not queued (see the log). The schedule will check them."
                    )
                    % {"missing": len(ids) - sent, "total": len(ids)},
                    messages.ERROR,
                )
            if sent:
                self.message_user(
                    request,
                    ngettext(
                        "Queued %(count)d check; reload in a minute for the result.",
                        "Queued %(count)d checks; reload in a minute for the results.",
                        sent,
                    )
                    % {"count": sent},
                    messages.SUCCESS,
                )
            return
        # No broker (tasks run eagerly): check here, a few at a time.
        working = failing = busy = 0
        for link_id in ids[:CHECK_NOW_INLINE_LIMIT]:
            try:
                outcome = services.check_link(link_id, force=True)
            except HostBusy:
                busy += 1
                continue
            if outcome is not None and outcome.ok:
                working += 1
            elif outcome is not None:
                failing += 1
        self.message_user(
            request,
            _("Checked %(checked)d: %(working)d working, %(failing)d failing.")
            % {"checked": working + failing, "working": working, "failing": failing},
            messages.SUCCESS if not failing else messages.WARNING,
        )
        if busy or len(ids) > CHECK_NOW_INLINE_LIMIT:
            self.message_user(
                request,
                _(
                    "Not checked: %(count)d (at most %(limit)d at a time without a worker, "
                    "or their host was busy). Run manage.py check_links, or select fewer."
                )
                % {
                    "count": busy + max(0, len(ids) - CHECK_NOW_INLINE_LIMIT),
                    "limit": CHECK_NOW_INLINE_LIMIT,
                },
                messages.WARNING,
            )


def _date(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d")


def _admin_link(record) -> str:
    """A link to the record's admin page (an outcome document's is its meeting's)."""
    target = record.meeting if record._meta.model_name == "outcomedocument" else record
    opts = target._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(target.pk)])
    except NoReverseMatch:
        return format_html("{}", record)
    return format_html('<a href="{}">{}</a>', url, record)
