import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .partial_dates import (
    format_partial_date,
    iso_partial_date,
    partial_date_constraint,
    precision_field,
)

# Makes a site path absolute for JSON-LD, e.g. `request.build_absolute_uri`.
Absolute = Callable[[str], str]
SCHEMA_ORG = "https://schema.org"
# The W3C Organization Ontology, for lineage (schema.org has no terms for it).
ORG = "http://www.w3.org/ns/org#"

# The one rule for published links: a full http:// or https:// address. Forms (through
# sources.forms.HttpURLField), the loader and the list imports check with it;
# `http_url_constraint` below holds the database to the same rule.
validate_http_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a full http:// or https:// address.")
)


def http_url_constraint(field: str, name: str, *, optional: bool = True) -> models.CheckConstraint:
    """Published links must be http(s); form validation alone can be bypassed."""
    condition = models.Q(**{f"{field}__startswith": "http://"}) | models.Q(
        **{f"{field}__startswith": "https://"}
    )
    if optional:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_("%(field)s must be an http or https URL.")
        % {"field": field.replace("_", " ").capitalize()},
    )


class ChangeKind(models.TextChoices):
    EDIT = "edit", _("Edited")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("List imported")
    MERGE = "merge", _("Institutions merged")
    VERIFY = "verify", _("Verified")
    REVERT = "revert", _("Reverted to an earlier version")
    UNDO = "undo", _("Undone")
    LOAD = "load", _("Loaded from the dataset")


class ChangeSetQuerySet(models.QuerySet):
    def recent(self) -> "ChangeSetQuerySet":
        """Newest first, with what the public pages show (never the curator)."""
        return self.select_related("source").defer("user").order_by("-created_at", "-pk")


class ChangeSet(models.Model):
    """One curator action (an edit, an imported list, a merge, a load) and why it was done.

    Every historical row written during the action points here: "what changed, when, why,
    on what evidence" is one row to read, one entry on the public changes page and one
    thing to undo.
    """

    created_at = models.DateTimeField(
        default=timezone.now, help_text=_("When the change was made.")
    )
    kind = models.CharField(
        max_length=10, choices=ChangeKind.choices, help_text=_("What sort of change this was.")
    )
    reason = models.TextField(
        blank=True,
        help_text=_("Why the change was made. Shown publicly on the changes page."),
    )
    source = models.ForeignKey(
        "Source",
        # The evidence an import rests on must outlive any tidying of sources.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_sets",
        help_text=_("The document the change rests on, e.g. the imported member list."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # History outlives accounts; never shown on public pages.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The curator who made the change (never shown publicly)."),
    )
    undoes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
        help_text=_("The change set this one undid, for undo change sets."),
    )
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Counts of records added, changed and deleted per model, and the first records "
            "with their labels as they were at the time (for the public changes page)."
        ),
    )

    objects = ChangeSetQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")
        permissions = [("undo_changeset", _("Can undo a change set"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ChangeKind.values), name="changeset_kind_valid"
            ),
        ]
        indexes = [
            # The public changes page and feed: newest first.
            models.Index(fields=["-created_at", "-id"], name="changeset_recent_idx"),
        ]

    def __str__(self) -> str:
        return _("%(kind)s on %(date)s") % {
            "kind": self.get_kind_display(),
            "date": timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M"),
        }

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("changes:detail", kwargs={"pk": self.pk})

    @property
    def record_count(self) -> int:
        return sum(sum(c.values()) for c in self.summary.get("counts", {}).values())


class ChangeSetHistory(models.Model):
    """What every historical row carries beyond simple-history's own fields."""

    change_set = models.ForeignKey(
        ChangeSet,
        # A change set is the shared "who, when, why" of its rows; it goes only with them.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The curator action this version was written by."),
    )

    class Meta:
        abstract = True


def history_records(*, sourced: bool = False) -> HistoricalRecords:
    """Full change history for a curated model (and its cited sources, when it has them)."""
    return HistoricalRecords(
        bases=[ChangeSetHistory],
        m2m_fields=["sources"] if sourced else (),
        # Deleting a record keeps its history: that is how it is restored.
        cascade_delete_history=False,
    )


class Source(models.Model):
    """A document a fact comes from: a member page, an announcement, a signed text."""

    url = models.URLField(
        max_length=1000,
        unique=True,
        help_text=_("Address of the document, e.g. the network's own member page."),
    )
    title = models.CharField(
        max_length=300, blank=True, help_text=_("Title of the document as published.")
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Who published the document, e.g. 'Bank for International Settlements'."),
    )
    as_of = models.DateField(
        blank=True,
        help_text=_(
            "The date whose state of affairs the document describes: its own date, or for an "
            "undated page the latest date it reports. The facts citing it are true as of this "
            "date; none of them can be later. Empty on entry: the date it was read."
        ),
    )
    accessed_on = models.DateField(help_text=_("When the document was read."))
    published_on = models.DateField(
        null=True, blank=True, help_text=_("Publication date of the document, if it states one.")
    )
    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When this record was created.")
    )
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When this record last changed."))

    history = history_records()

    class Meta:
        ordering = ["url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [http_url_constraint("url", "source_url_http", optional=False)]

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args, **kwargs) -> None:
        # A source entered without the date it describes is dated by its reading, as
        # every source was before `as_of` existed.
        if self.as_of is None:
            self.as_of = self.accessed_on
        super().save(*args, **kwargs)


class TimestampedModel(models.Model):
    """Creation and last-change times; `updated_at` feeds "last updated" and ETags."""

    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When this record was created.")
    )
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When this record last changed."))

    class Meta:
        abstract = True


class SourcedModel(TimestampedModel):
    """A curated record: it cites the sources its facts come from."""

    sources = models.ManyToManyField(
        Source,
        related_name="%(app_label)s_%(class)s_set",
        help_text=_("Documents that support this record (at least one)."),
    )

    class Meta:
        abstract = True


class OrganisationQuerySet(models.QuerySet):
    """What can be asked of institutions and networks alike."""

    def active(self, on: datetime.date | None = None) -> "OrganisationQuerySet":
        """Not dissolved on the date (today by default). See `Organisation.active_q`."""
        return self.filter(self.model.active_q(on))

    def dissolved(self, on: datetime.date | None = None) -> "OrganisationQuerySet":
        """Dissolved by the date (today by default): the rest of `active()`."""
        return self.exclude(self.model.active_q(on))


class Organisation(SourcedModel):
    """What an institution and a network share: a page address, a website, when it was
    founded and dissolved (each known to the year, month or day), the rule for being
    active on a date, and the check that it is not part of itself.

    Each subclass declares `name`, `acronym`, `description`, `dissolved_on` and
    `parent` itself: their help texts (the API documentation) speak of its own kind.
    Its constraints come from `organisation_constraints`.
    """

    slug = models.SlugField(max_length=200, unique=True, help_text=_("Used in page addresses."))
    website = models.URLField(max_length=500, blank=True, help_text=_("Its own official website."))
    founded_on = models.DateField(null=True, blank=True, help_text=_("When it was established."))
    founded_on_precision = precision_field("founded_on")
    dissolved_on_precision = precision_field("dissolved_on")

    # The message of the parent-cycle check, in the subclass's words.
    part_of_itself_message = _("A record cannot be part of itself.")
    # Its schema.org type, in its JSON-LD and wherever another record's names it.
    json_ld_type = "Organization"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @staticmethod
    def active_q(on: datetime.date | None = None, prefix: str = "") -> models.Q:
        """Active on `on` (today by default): not dissolved, or dissolved after it. The
        condition behind `active()`, for counts that need it as a filter."""
        on = on or timezone.localdate()
        return models.Q(**{f"{prefix}dissolved_on__isnull": True}) | models.Q(
            **{f"{prefix}dissolved_on__gt": on}
        )

    def is_active(self, on: datetime.date | None = None) -> bool:
        """Python twin of `active_q` for a record already loaded."""
        on = on or timezone.localdate()
        return self.dissolved_on is None or self.dissolved_on > on

    def existed_on(self, on: datetime.date) -> bool:
        """Founded by the date (or founding unknown) and not yet dissolved: the body a
        page about that date may name (Python twin of `existed_q`). A founding known to
        the year counts from its first day."""
        return (self.founded_on is None or self.founded_on <= on) and self.is_active(on)

    @property
    def founded_display(self) -> str:
        return format_partial_date(self.founded_on, self.founded_on_precision)

    @property
    def dissolved_display(self) -> str:
        return format_partial_date(self.dissolved_on, self.dissolved_on_precision)

    def wikidata_ids(self) -> list[str]:
        """Its Wikidata QIDs (for `sameAs`)."""
        return []

    def json_ld_ref(self, absolute: Absolute) -> dict:
        """The record as another record's JSON-LD names it: type, name and page."""
        return {
            "@type": self.json_ld_type,
            "name": self.name,
            "url": absolute(self.get_absolute_url()),
        }

    def json_ld_head(self, absolute: Absolute) -> dict:
        """What every organisation's schema.org description opens with: identity, names,
        the same thing elsewhere (its website, Wikidata) and its founding date. The
        subclass's `json_ld` adds what is its own."""
        url = absolute(self.get_absolute_url())
        data = {
            "@context": SCHEMA_ORG,
            "@type": self.json_ld_type,
            "@id": url,
            "name": self.name,
            "url": url,
        }
        if self.acronym:
            data["alternateName"] = self.acronym
        if self.description:
            data["description"] = self.description
        same_as = [self.website] if self.website else []
        same_as += [f"https://www.wikidata.org/wiki/{qid}" for qid in self.wikidata_ids()]
        if same_as:
            data["sameAs"] = same_as
        if self.founded_on:
            data["foundingDate"] = iso_partial_date(self.founded_on, self.founded_on_precision)
        return data

    def clean(self) -> None:
        super().clean()
        # Walk up the parent chain: a record may not contain itself.
        seen = {self.pk}
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": self.part_of_itself_message})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @staticmethod
    def existed_q(on: datetime.date, prefix: str = "") -> models.Q:
        """Existed on `on`: founded by then (a founding known only to the year or month
        counts from the first day of that period, the day stored) and active on it. The
        condition a membership's member and network must meet to count on a date; for
        dates loaded without their record, `lifetime` gives the same bounds."""
        return (
            models.Q(**{f"{prefix}founded_on__isnull": True})
            | models.Q(**{f"{prefix}founded_on__lte": on})
        ) & Organisation.active_q(on, prefix)

    @staticmethod
    def lifetime(
        founded_on: datetime.date | None, dissolved_on: datetime.date | None
    ) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and the last day a body existed (None: not known to be bounded), the
        Python twin of `existed_q`: a body is no longer active on the day it is dissolved
        (`active_q`)."""
        last = dissolved_on - datetime.timedelta(days=1) if dissolved_on else None
        return founded_on, last


def organisation_constraints(
    prefix: str, *, ends_before_founded: str
) -> list[models.BaseConstraint]:
    """The constraints every `Organisation` carries, named `<prefix>_…` as they always were."""
    return [
        models.CheckConstraint(
            condition=models.Q(dissolved_on__isnull=True)
            | models.Q(founded_on__isnull=True)
            | models.Q(dissolved_on__gte=models.F("founded_on")),
            name=f"{prefix}_dissolved_after_founded",
            violation_error_message=ends_before_founded,
        ),
        partial_date_constraint("founded_on", f"{prefix}_founded_precision"),
        partial_date_constraint("dissolved_on", f"{prefix}_dissolved_precision"),
        http_url_constraint("website", f"{prefix}_website_http"),
    ]


class SuccessionKind(models.TextChoices):
    """How one body followed another (after the W3C Organization Ontology's
    org:ChangeEvent: the predecessor is its org:originalOrganization, the successor
    org:resultedFrom it)."""

    RENAMED = "renamed", _("Renamed")
    MERGED_INTO = "merged_into", _("Merged into")
    SPLIT_INTO = "split_into", _("Split into")
    REPLACED_BY = "replaced_by", _("Replaced by")
    ABSORBED_BY = "absorbed_by", _("Absorbed by")


# The kind as a noun, shown beside a predecessor ("Formerly") or a successor
# ("Succeeded by") on either body's page: the same word reads right on both.
SUCCESSION_NOUNS = {
    SuccessionKind.RENAMED: _("renaming"),
    SuccessionKind.MERGED_INTO: _("merger"),
    SuccessionKind.SPLIT_INTO: _("split"),
    SuccessionKind.REPLACED_BY: _("replacement"),
    SuccessionKind.ABSORBED_BY: _("absorption"),
}


class SuccessionQuerySet(models.QuerySet):
    def lineage_of(self, record: models.Model) -> "SuccessionQuerySet":
        """Every succession `record` is part of, either end, oldest first, with both
        ends and the sources (for `Lineage`): two queries, whatever the lineage."""
        return (
            self.filter(models.Q(predecessor=record) | models.Q(successor=record))
            .select_related("predecessor", "successor")
            .prefetch_related("sources")
            .order_by(models.F("date").asc(nulls_first=True), "pk")
        )


class Succession(SourcedModel):
    """One body followed by another on a date, per a source: renamed, merged into,
    split into, replaced by or absorbed by. The concrete models (institutions' and
    networks') add `predecessor` and `successor`.

    A body renamed without becoming a new record (the directory keeps one record for
    both names) has no predecessor record: `former_name` holds the name it had before.
    """

    kind = models.CharField(
        max_length=12,
        choices=SuccessionKind.choices,
        help_text=_(
            "How the successor followed the predecessor: renamed, merged into (with other "
            "bodies), split into (with other successors), replaced by, or absorbed by an "
            "existing body."
        ),
    )
    former_name = models.CharField(
        max_length=300,
        blank=True,
        help_text=_(
            "For a renaming within one record (no predecessor record): the name it had "
            "before. Empty otherwise."
        ),
    )
    date = models.DateField(
        null=True,
        blank=True,
        help_text=_("When the succession took effect (empty when the source gives no date)."),
    )
    date_precision = precision_field("date")
    note = models.TextField(
        blank=True, help_text=_("What the source says, where its exact words matter.")
    )

    objects = SuccessionQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _("%(predecessor)s: %(kind)s %(successor)s") % {
            "predecessor": self.predecessor_name,
            "kind": self.get_kind_display().lower(),
            "successor": self.successor,
        }

    def get_absolute_url(self) -> str:
        return self.successor.get_absolute_url()

    @property
    def predecessor_name(self) -> str:
        return str(self.predecessor) if self.predecessor_id else self.former_name

    @property
    def kind_noun(self) -> str:
        return SUCCESSION_NOUNS[self.kind]

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def iso_date(self) -> str | None:
        return iso_partial_date(self.date, self.date_precision)

    def json_ld(self, absolute: Absolute) -> dict:
        """The succession as an org:ChangeEvent (for `Lineage.json_ld`)."""
        original = (
            self.predecessor.json_ld_ref(absolute)
            if self.predecessor_id
            else {"@type": self.successor.json_ld_type, "name": self.former_name}
        )
        data = {
            "@type": f"{ORG}ChangeEvent",
            "description": str(self.get_kind_display()),
            f"{ORG}originalOrganization": original,
            f"{ORG}resultingOrganization": self.successor.json_ld_ref(absolute),
        }
        if self.date:
            data["http://purl.org/dc/terms/date"] = self.iso_date
        return data


def succession_constraints(prefix: str) -> list[models.BaseConstraint]:
    """What every succession table holds to, named `<prefix>_…`."""
    return [
        models.CheckConstraint(
            condition=models.Q(kind__in=SuccessionKind.values), name=f"{prefix}_kind_valid"
        ),
        models.CheckConstraint(
            condition=models.Q(predecessor__isnull=True)
            | ~models.Q(predecessor=models.F("successor")),
            name=f"{prefix}_not_itself",
            violation_error_message=_("A body cannot succeed itself."),
        ),
        models.CheckConstraint(
            # Either a predecessor record, or a renaming within one record with its
            # former name: never both, never neither.
            condition=models.Q(predecessor__isnull=False, former_name="")
            | models.Q(predecessor__isnull=True, kind=SuccessionKind.RENAMED, former_name__gt=""),
            name=f"{prefix}_predecessor_or_former_name",
            violation_error_message=_(
                "Give the predecessor, or (for a renaming within one record) its former name."
            ),
        ),
        models.UniqueConstraint(
            fields=["predecessor", "successor"],
            condition=models.Q(predecessor__isnull=False),
            name=f"{prefix}_unique",
            violation_error_message=_("This succession is already recorded."),
        ),
        models.UniqueConstraint(
            fields=["successor", "former_name"],
            condition=models.Q(predecessor__isnull=True),
            name=f"{prefix}_unique_former_name",
            violation_error_message=_("This former name is already recorded."),
        ),
        partial_date_constraint("date", f"{prefix}_date_precision"),
    ]


class Lineage:
    """The successions of one body, read from `Succession.objects.lineage_of(record)`:
    what it was before (`predecessors`) and what followed it (`successors`)."""

    def __init__(self, record: Organisation, successions):
        self.record = record
        rows = list(successions)
        self.predecessors = [s for s in rows if s.successor_id == record.pk]
        self.successors = [s for s in rows if s.predecessor_id == record.pk]

    def __bool__(self) -> bool:
        return bool(self.predecessors or self.successors)

    def existing_on(self, on: datetime.date) -> list[Organisation]:
        """The related bodies (predecessors and successors) that existed on the date."""
        ends = [s.predecessor for s in self.predecessors if s.predecessor_id]
        ends += [s.successor for s in self.successors]
        return [body for body in ends if body.existed_on(on)]

    def name_on(self, on: datetime.date) -> str:
        """The record's name on the date, after any renaming within the record."""
        later = [
            s.former_name for s in self.predecessors if s.former_name and s.date and s.date > on
        ]
        # The earliest renaming after the date gives the name the body had then.
        return later[0] if later else self.record.name

    def json_ld(self, absolute: Absolute) -> dict:
        """The lineage in the W3C Organization Ontology's terms, to add to the record's
        schema.org JSON-LD: each succession an org:ChangeEvent the record resulted from
        (its predecessors) or was changed by (its successors)."""
        data = {}
        if self.predecessors:
            data[f"{ORG}resultedFrom"] = [s.json_ld(absolute) for s in self.predecessors]
        if self.successors:
            data[f"{ORG}changedBy"] = [s.json_ld(absolute) for s in self.successors]
        return data

    def on(self, on: datetime.date) -> "LineageOn":
        """What a page about the date says of the record and its lineage."""
        return LineageOn(
            date=on,
            existed=self.record.existed_on(on),
            name=self.name_on(on),
            existing=self.existing_on(on),
        )


@dataclass(frozen=True)
class LineageOn:
    """The body that existed on a date: the record itself (under `name`, its name then),
    or, when it did not exist, the related bodies that did (`existing`)."""

    date: datetime.date
    existed: bool
    name: str
    existing: list
