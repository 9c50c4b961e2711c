import datetime
from collections.abc import Callable

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
