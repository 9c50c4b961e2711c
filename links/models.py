"""Every URL the site publishes, once, with what the link checker last found there."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sources.models import http_url_constraint

if TYPE_CHECKING:
    from .services.checker import CheckOutcome

# A failing link is re-checked sooner than a working one, so that "broken" (several
# failures in a row) is reached within a day or so, not weeks: after the first failure
# in 6 hours, then 12, then 24..., never later than the normal interval.
RECHECK_FAILED_AFTER = datetime.timedelta(hours=6)
# A second check of the same link within this time is skipped (a task delivered twice).
RECENTLY_CHECKED = datetime.timedelta(minutes=1)
# Check results kept per link; older ones are deleted.
HISTORY_LENGTH = 20


class ErrorKind(models.TextChoices):
    DNS = "dns", _("Name not found (DNS)")
    TIMEOUT = "timeout", _("Timed out")
    TLS = "tls", _("TLS or certificate error")
    REFUSED = "refused", _("Connection refused, reset or unreachable")
    HTTP_ERROR = "http_error", _("HTTP error (4xx or 5xx)")
    TOO_MANY_REDIRECTS = "too_many_redirects", _("Too many redirects, or a redirect loop")
    FORBIDDEN_ADDRESS = (
        "forbidden_address",
        _("Not a public http(s) address (refused by the checker)"),
    )
    OTHER = "other", _("Other error")


class LinkStatus(models.TextChoices):
    """What a link's check history amounts to (derived, not stored)."""

    UNCHECKED = "unchecked", _("Not yet checked")
    WORKING = "working", _("Working")
    FAILING = "failing", _("Failing (not yet broken)")
    BROKEN = "broken", _("Broken")


def host_of(url: str) -> str:
    """The lower-case host name of a URL ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "")[:255]
    except ValueError:
        return ""


def check_interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.LINK_CHECK_INTERVAL_DAYS)


class LinkQuerySet(models.QuerySet):
    def for_urls(self, urls: Iterable[str]) -> dict[str, Link]:
        """url -> Link for the given URLs, in one query (none for no URLs).

        Public pages collect every URL they show and pass the map to `{% link_check %}`,
        so the marks cost one query per page whatever the number of links.
        """
        wanted = {url for url in urls if url}
        if not wanted:
            return {}
        return {link.url: link for link in self.filter(url__in=wanted)}

    def never_checked(self) -> LinkQuerySet:
        return self.filter(last_checked_at__isnull=True)

    def working(self) -> LinkQuerySet:
        return self.filter(last_checked_at__isnull=False, consecutive_failures=0)

    def failing(self) -> LinkQuerySet:
        """Failed at the last check, but not often enough in a row to count as broken."""
        return self.filter(
            consecutive_failures__gt=0,
            consecutive_failures__lt=settings.LINK_CHECK_BROKEN_AFTER,
        )

    def broken(self) -> LinkQuerySet:
        """Failed LINK_CHECK_BROKEN_AFTER checks in a row."""
        return self.filter(consecutive_failures__gte=settings.LINK_CHECK_BROKEN_AFTER)

    def stale(self, now: datetime.datetime | None = None) -> LinkQuerySet:
        """Never checked, or last checked longer ago than the check interval."""
        now = now or timezone.now()
        return self.filter(
            models.Q(last_checked_at__isnull=True)
            | models.Q(last_checked_at__lt=now - check_interval())
        )

    def due(self, now: datetime.datetime | None = None) -> LinkQuerySet:
        """Links the schedule should check now, the longest-waiting first."""
        now = now or timezone.now()
        return self.filter(
            models.Q(next_check_at__isnull=True) | models.Q(next_check_at__lte=now)
        ).order_by(
            models.F("next_check_at").asc(nulls_first=True),
            models.F("last_checked_at").asc(nulls_first=True),
            "pk",
        )


class Link(models.Model):
    """One URL the public site publishes (once, however many records cite it)."""

    url = models.URLField(max_length=1000, unique=True, help_text=_("The address as published."))
    host = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Its host name; the checker sends one request at a time per host."),
    )
    last_checked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was last checked (empty: never).")
    )
    last_ok_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it last worked (empty: never seen working).")
    )
    failing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("First failure of the current run of failures (empty while it works)."),
    )
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text=_("Failed checks in a row; broken from LINK_CHECK_BROKEN_AFTER.")
    )
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("HTTP status of the last check's final response.")
    )
    final_url = models.CharField(
        max_length=2000, blank=True, help_text=_("Where the last check ended, after redirects.")
    )
    error_kind = models.CharField(
        max_length=20,
        choices=ErrorKind.choices,
        blank=True,
        help_text=_("Why the last check failed (empty when it worked)."),
    )
    error_message = models.CharField(
        max_length=500, blank=True, help_text=_("The last failure in the checker's words.")
    )
    response_time_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How long the last check took, in milliseconds.")
    )
    next_check_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the schedule checks it next (empty: as soon as it can)."),
    )
    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When the link was first published.")
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            http_url_constraint("url", "link_url_http", optional=False),
            models.CheckConstraint(
                condition=models.Q(error_kind="") | models.Q(error_kind__in=ErrorKind.values),
                name="link_error_kind_valid",
            ),
            models.CheckConstraint(
                # A run of failures has a start, and only a run of failures has one.
                condition=models.Q(consecutive_failures=0, failing_since__isnull=True)
                | models.Q(consecutive_failures__gt=0, failing_since__isnull=False),
                name="link_failing_since_iff_failing",
            ),
        ]
        indexes = [
            # LinkQuerySet.due(): the schedule's "next batch, longest-waiting first".
            models.Index(fields=["next_check_at", "last_checked_at"], name="link_next_check_idx"),
            # LinkQuerySet.broken() / failing(): the admin's broken-links list.
            models.Index(fields=["consecutive_failures"], name="link_failures_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs) -> None:
        self.host = host_of(self.url)
        super().save(*args, **kwargs)

    @property
    def status(self) -> LinkStatus:
        if self.last_checked_at is None:
            return LinkStatus.UNCHECKED
        if self.consecutive_failures == 0:
            return LinkStatus.WORKING
        if self.consecutive_failures >= settings.LINK_CHECK_BROKEN_AFTER:
            return LinkStatus.BROKEN
        return LinkStatus.FAILING

    @property
    def is_broken(self) -> bool:
        return self.status == LinkStatus.BROKEN

    def checked_recently(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.last_checked_at is not None and now - self.last_checked_at < RECENTLY_CHECKED

    def apply_outcome(self, outcome: CheckOutcome, *, at: datetime.datetime) -> None:
        """Fold one check's outcome into this row's "last result" fields (not saved)."""
        self.last_checked_at = at
        self.status_code = outcome.status_code
        self.final_url = outcome.final_url[:2000]
        self.error_kind = outcome.error_kind
        self.error_message = outcome.error_message[:500]
        self.response_time_ms = outcome.response_time_ms
        interval = check_interval()
        if outcome.ok:
            self.last_ok_at = at
            self.failing_since = None
            self.consecutive_failures = 0
            self.next_check_at = at + interval
        else:
            if self.consecutive_failures == 0:
                self.failing_since = at
            self.consecutive_failures += 1
            backoff = RECHECK_FAILED_AFTER * 2 ** min(self.consecutive_failures - 1, 16)
            self.next_check_at = at + min(backoff, interval)


class CheckResult(models.Model):
    """One check of a link: what came back, or why nothing did."""

    link = models.ForeignKey(
        Link,
        # Results mean nothing without their link; a link no longer published goes with them.
        on_delete=models.CASCADE,
        related_name="results",
        help_text=_("The link checked."),
    )
    checked_at = models.DateTimeField(help_text=_("When the check ran."))
    ok = models.BooleanField(help_text=_("Whether the link worked."))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("HTTP status of the final response.")
    )
    final_url = models.CharField(
        max_length=2000, blank=True, help_text=_("Where the check ended, after redirects.")
    )
    redirects = models.PositiveSmallIntegerField(default=0, help_text=_("Redirects followed."))
    error_kind = models.CharField(
        max_length=20,
        choices=ErrorKind.choices,
        blank=True,
        help_text=_("Why the check failed (empty when it worked)."),
    )
    error_message = models.CharField(
        max_length=500, blank=True, help_text=_("The failure in the checker's words.")
    )
    response_time_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("How long the check took, in milliseconds.")
    )

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(error_kind="") | models.Q(error_kind__in=ErrorKind.values),
                name="checkresult_error_kind_valid",
            ),
            models.CheckConstraint(
                # A failed check says why; a successful one has no error.
                condition=models.Q(ok=True, error_kind="")
                | models.Q(ok=False) & ~models.Q(error_kind=""),
                name="checkresult_error_iff_failed",
            ),
        ]
        indexes = [
            # A link's history, newest first (admin inline, and trimming to HISTORY_LENGTH).
            models.Index(fields=["link", "-checked_at"], name="checkresult_link_time_idx"),
        ]

    def __str__(self) -> str:
        verdict = self.status_code or self.get_error_kind_display() or "ok"
        return f"{self.link} at {self.checked_at:%Y-%m-%d %H:%M}: {verdict}"
