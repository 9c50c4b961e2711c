"""Large member lists are applied in the background (a Celery task); an `ImportJob` holds
what to apply, how far it got and how it ended, for the admin's progress and result page.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from institutions.models import Branch, Institution, Jurisdiction, Level
from networks.models import Memorandum, Network
from sources.identifiers import WIKIDATA_QID_MESSAGE, WIKIDATA_QID_PATTERN
from sources.models import ChangeSet, http_url_constraint
from sources.partial_dates import format_partial_date, partial_date_constraint, precision_field


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


# --- Suggestions from Wikidata ------------------------------------------------------------
# The suggest_from_wikidata command proposes; a curator decides. Nothing here is part of
# the directory until a curator accepts it (curation.wikidata.accept_suggestion), which
# writes the record through a change set like any other edit.

WIKIDATA_ITEM_URL = "https://www.wikidata.org/wiki/{qid}"


class SuggestionKind(models.TextChoices):
    INSTITUTION = "institution", _("New institution")
    IDENTIFIER = "identifier", _("Wikidata QID of an institution")
    MEMBERSHIP = "membership", _("Membership")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a curator")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SuggestionQuerySet(models.QuerySet):
    def pending(self) -> "SuggestionQuerySet":
        return self.filter(status=SuggestionStatus.PENDING)


class Suggestion(models.Model):
    """A fact read from Wikidata, proposed to the curators: a new institution, an
    institution's QID, or a membership (P463 "member of", with its P580 start and P582
    end). Never proposed twice: `key` says what it proposes, whatever its status."""

    kind = models.CharField(
        max_length=12, choices=SuggestionKind.choices, help_text=_("What is proposed.")
    )
    status = models.CharField(
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
        help_text=_("Whether a curator accepted or rejected it."),
    )
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text=_(
            "What it proposes, as the command recognises it on its next run (kind, QIDs "
            "and dates): a suggestion already made, accepted or rejected, is not made again."
        ),
    )
    entity = models.CharField(
        max_length=20,
        help_text=_("The Wikidata item the statement is on (the institution or member), e.g. Q42."),
    )
    label = models.CharField(
        max_length=300, blank=True, help_text=_("The item's label on Wikidata.")
    )
    statement = models.CharField(
        max_length=200, blank=True, help_text=_("The Wikidata statement's id, when known.")
    )
    network_entity = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("For a membership: the Wikidata item of the network (P463's value)."),
    )
    institution = models.ForeignKey(
        Institution,
        # A suggestion is a note about the directory, not part of it; an undo that
        # deletes the institution must not be refused because of it.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The institution the item was matched to by name (for a QID), or the member "
            "(for a membership) when it was matched when proposed."
        ),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a membership: the network, matched by its QID."),
    )
    start_date = models.DateField(
        null=True, blank=True, help_text=_("For a membership: its start (P580), if given.")
    )
    start_date_precision = precision_field("start_date")
    end_date = models.DateField(
        null=True, blank=True, help_text=_("For a membership: its end (P582), if given.")
    )
    end_date_precision = precision_field("end_date")
    website = models.URLField(
        max_length=500, blank=True, help_text=_("For a new institution: its website (P856).")
    )
    source_url = models.URLField(
        max_length=1000,
        help_text=_("The Wikidata page of the item: the source an accepted fact cites."),
    )
    as_of = models.DateField(
        help_text=_("The date of the dump or query result it was read from: the source's date.")
    )
    file_name = models.CharField(max_length=255, help_text=_("The file it was read from."))
    note = models.TextField(
        blank=True, help_text=_("What the command noticed, e.g. a date too imprecise to keep.")
    )
    # What a curator adds to a new institution before accepting it: Wikidata's own
    # statements (P17, P31) do not map safely onto the directory's vocabulary.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a new institution: its jurisdiction (a curator chooses it)."),
    )
    branch = models.CharField(
        max_length=30,
        choices=Branch.choices,
        blank=True,
        help_text=_("For a new institution: its branch (a curator chooses it)."),
    )
    level = models.CharField(
        max_length=15,
        choices=Level.choices,
        blank=True,
        help_text=_("For a new institution: its level (national when left empty)."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When it was proposed."))
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When a curator accepted or rejected it.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The curator who accepted or rejected it."),
    )
    change_set = models.ForeignKey(
        ChangeSet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The change set that accepting it wrote (undo it there)."),
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "entity", "kind", "pk"]
        verbose_name = _("suggestion from Wikidata")
        verbose_name_plural = _("suggestions from Wikidata")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SuggestionKind.values), name="suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values),
                name="suggestion_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(entity__regex=WIKIDATA_QID_PATTERN)
                & (
                    models.Q(network_entity="")
                    | models.Q(network_entity__regex=WIKIDATA_QID_PATTERN)
                ),
                name="suggestion_qid_format",
                violation_error_message=WIKIDATA_QID_MESSAGE,
            ),
            partial_date_constraint("start_date", "suggestion_start_precision"),
            partial_date_constraint("end_date", "suggestion_end_precision"),
            http_url_constraint("source_url", "suggestion_source_url_http", optional=False),
            http_url_constraint("website", "suggestion_website_http"),
        ]
        indexes = [
            # The review queue: pending first, by kind (the admin's filters).
            models.Index(fields=["status", "kind"], name="suggestion_queue_idx"),
        ]

    def __str__(self) -> str:
        name = self.label or self.entity
        if self.kind == SuggestionKind.MEMBERSHIP:
            return _("%(member)s member of %(network)s") % {
                "member": name,
                "network": self.network or self.network_entity,
            }
        if self.kind == SuggestionKind.IDENTIFIER:
            return _("%(qid)s is %(institution)s") % {
                "qid": self.entity,
                "institution": self.institution or _("(institution gone)"),
            }
        return _("New institution: %(name)s") % {"name": name}

    def get_absolute_url(self) -> str:
        return reverse("admin:curation_suggestion_change", args=[self.pk])

    @property
    def pending(self) -> bool:
        return self.status == SuggestionStatus.PENDING

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_date_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end_date, self.end_date_precision)

    @property
    def undone(self) -> bool:
        """Accepted, and the change set that wrote it undone since."""
        return self.change_set_id is not None and self.change_set.undone_by.exists()


class Release(models.Model):
    """One published open-data release of the directory (curation/releases.py): its files
    sit under `releases/<version>/` in storage and never change, nor does this row."""

    version = models.CharField(
        max_length=20,
        unique=True,
        help_text=_("The day it was built and its number that day."),
    )
    created_at = models.DateTimeField(help_text=_("When the release was built."))
    change_set_high_water = models.PositiveIntegerField(
        default=0,
        help_text=_("The newest change set the release includes (its id; 0: none)."),
    )
    content_version = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("The directory's content version when the release was built."),
    )
    files = models.JSONField(
        default=list,
        help_text=_("The files of the release: name, size in bytes and SHA-256."),
    )
    counts = models.JSONField(
        default=dict,
        help_text=_("Rows per table, and changes since the previous release."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("open-data release")
        verbose_name_plural = _("open-data releases")

    def __str__(self) -> str:
        return self.version

    def save(self, *args, **kwargs) -> None:
        # Published files are cited and checksummed: the row describing them is final.
        if not self._state.adding:
            raise ValueError(_("A release is immutable; build a new one instead."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("data:index") + f"#release-{self.version}"

    def file(self, name: str) -> dict | None:
        return next((f for f in self.files if f["name"] == name), None)
