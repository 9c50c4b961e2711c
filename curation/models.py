"""Large member lists are applied in the background (a Celery task); an `ImportJob` holds
what to apply, how far it got and how it ended, for the admin's progress and result page.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from networks.models import Memorandum, Network
from sources.models import ChangeSet


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Applied")
    FAILED = "failed", _("Not applied")


class ImportJob(models.Model):
    """A member or signatory list queued to be applied by a worker, and its outcome."""

    network = models.ForeignKey(
        Network,
        # A job is a record of work on the network, not part of the directory.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The network whose member list this is."),
    )
    memorandum = models.ForeignKey(
        Memorandum,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The memorandum whose signatory list this is."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The curator who applied the list."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When it was queued."))
    started_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a worker started on it.")
    )
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was applied or refused.")
    )
    status = models.CharField(
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.QUEUED,
        help_text=_("Where the job stands."),
    )
    file_name = models.CharField(max_length=255, help_text=_("The uploaded file's name."))
    content = models.BinaryField(
        help_text=_("The uploaded file, until the job ends (the change set records the rest).")
    )
    options = models.JSONField(
        default=dict,
        help_text=_(
            "How to apply it, as the curator previewed it: columns, the list's date and "
            "address, the reason, and the fingerprint of the previewed plan."
        ),
    )
    rows_total = models.PositiveIntegerField(default=0, help_text=_("Rows in the list."))
    records_total = models.PositiveIntegerField(
        default=0, help_text=_("Writes the list makes (records, then their versions).")
    )
    records_done = models.PositiveIntegerField(default=0, help_text=_("Writes made so far."))
    change_set = models.ForeignKey(
        ChangeSet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The change set the list was applied as."),
    )
    summary = models.JSONField(
        default=list, blank=True, help_text=_("What the list did: [label, count] pairs.")
    )
    error = models.TextField(blank=True, help_text=_("Why the list was not applied."))
    problems = models.JSONField(
        default=list, blank=True, help_text=_("The invalid rows, when that was why.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("list import")
        verbose_name_plural = _("list imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(network__isnull=False, memorandum__isnull=True)
                | models.Q(network__isnull=True, memorandum__isnull=False),
                name="importjob_one_target",
                violation_error_message=_("A list is a network's or a memorandum's."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="importjob_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return _("List for %(target)s (%(date)s)") % {
            "target": self.target,
            "date": self.options.get("list_date", "?"),
        }

    def get_absolute_url(self) -> str:
        return reverse("admin:curation_importjob_change", args=[self.pk])

    @property
    def target(self) -> Network | Memorandum:
        return self.network if self.network_id else self.memorandum

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.records_total:
            return 0
        return min(99, 100 * self.records_done // self.records_total)
