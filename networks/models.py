import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, Jurisdiction
from sources.identifiers import LEI_PATTERN, LEI_SHAPE_MESSAGE, WIKIDATA_QID_PATTERN, validate_lei
from sources.models import (
    SCHEMA_ORG,
    Absolute,
    Organisation,
    OrganisationQuerySet,
    Source,
    SourcedModel,
    Succession,
    history_records,
    http_url_constraint,
    organisation_constraints,
    succession_constraints,
)
from sources.partial_dates import (
    DatePrecision,
    format_partial_date,
    iso_partial_date,
    partial_date_constraint,
    period_last_day,
    precision_field,
    truncate,
)


class Dimension(models.TextChoices):
    HORIZONTAL = "horizontal", _("Horizontal")
    VERTICAL = "vertical", _("Vertical")


class Function(models.TextChoices):
    INFORMATION = "information", _("Information")
    ENFORCEMENT = "enforcement", _("Enforcement")
    HARMONISATION = "harmonisation", _("Harmonisation")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")


class Reach(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    PLURILATERAL = "plurilateral", _("Plurilateral")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class Sector(models.TextChoices):
    FINANCE = "finance", _("Finance")
    COMPETITION = "competition", _("Competition")
    ENVIRONMENT = "environment", _("Environment")
    TRADE = "trade", _("Trade")
    COURTS = "courts", _("Courts")
    LEGISLATURES = "legislatures", _("Legislatures")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    DATA_PROTECTION = "data_protection", _("Data protection")
    TELECOMMUNICATIONS = "telecommunications", _("Telecommunications")
    TAX = "tax", _("Tax")
    HEALTH = "health", _("Health")
    ENERGY = "energy", _("Energy")
    TRANSPORT = "transport", _("Transport")
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    # Fields with networks of their own (#20), each a word a reader would look for rather
    # than folded into a broader one (customs into trade, port State control into
    # transport, nuclear safety into energy, audit and ombudsmen into "other").
    CUSTOMS = "customs", _("Customs")
    MARITIME = "maritime", _("Maritime safety")
    NUCLEAR_SAFETY = "nuclear_safety", _("Nuclear safety")
    AUDIT = "audit", _("Public audit")
    OMBUDSMEN = "ombudsmen", _("Ombudsmen")
    ELECTIONS = "elections", _("Elections")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    INTERNATIONAL_ORGANISATION = (
        "international_organisation",
        _("Inside an international organisation"),
    )
    EXECUTIVE_AGREEMENT = "executive_agreement", _("Executive agreement")
    # Vertical networks such as the ECJ with national courts rest on a treaty.
    TREATY = "treaty", _("Treaty or supranational law")
    SPONTANEOUS = "spontaneous", _("Spontaneous")


class DecisionRule(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    UNANIMITY = "unanimity", _("Unanimity")
    MAJORITY = "majority", _("Majority vote")
    QUALIFIED_MAJORITY = "qualified_majority", _("Qualified or weighted majority")


class ListStatus(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    PARTIAL = "partial", _("Partial")
    UNKNOWN = "unknown", _("Unknown")


class TotalQualifier(models.TextChoices):
    """How the source words the official total: "45", "about 177", "more than 130"."""

    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    MORE_THAN = "more_than", _("more than")
    UP_TO = "up_to", _("up to")


@dataclass(frozen=True)
class ListCompleteness:
    """How complete a list of members (or signatories) is, as a reader needs it: our
    count `listed` (N) against the official `total` (M) of a dated `source`."""

    status: str
    listed: int | None
    total: int | None
    qualifier: str
    unit: str
    as_of: datetime.date | None
    source: Source | None
    note: str

    @property
    def is_complete(self) -> bool:
        """Only a complete list can show that someone is not a member."""
        return self.status == ListStatus.COMPLETE

    @property
    def status_label(self) -> str:
        return ListStatus(self.status).label

    @property
    def total_display(self) -> str:
        """The official total as the source words it: '45', 'more than 130 jurisdictions'."""
        if self.total is None:
            return ""
        words = (
            []
            if self.qualifier == TotalQualifier.EXACT
            else [str(TotalQualifier(self.qualifier).label)]
        )
        words.append(str(self.total))
        if self.unit:
            words.append(self.unit)
        return " ".join(words)

    @property
    def statement(self) -> str:
        """The short form shown beside a count: 'complete as of 19 March 2018',
        'partial: 84 of 140 competition agencies', 'unknown'."""
        if self.status == ListStatus.COMPLETE:
            if self.as_of:
                return _("complete as of %(date)s") % {
                    "date": formats.date_format(self.as_of, "DATE_FORMAT")
                }
            return str(_("complete"))
        if self.status == ListStatus.PARTIAL and self.total is not None:
            return _("partial: %(listed)s of %(total)s") % {
                "listed": self.listed if self.listed is not None else "?",
                "total": self.total_display,
            }
        if self.status == ListStatus.PARTIAL:
            return str(_("partial"))
        if self.total is not None:
            return _("unknown (official total: %(total)s)") % {"total": self.total_display}
        return str(_("unknown"))


class ListedModel(models.Model):
    """A record with a list (a network's members, a memorandum's signatories) that
    states how complete our copy of that list is, and on what evidence.

    Complete: our list equals an official list of `list_as_of`. Partial: we hold N of
    the official total M (`list_total`; N is counted from our records). Unknown: no
    official list or total to compare with (an official total may still be recorded
    when the names could not be checked against it).
    """

    list_status = models.CharField(
        max_length=8,
        choices=ListStatus.choices,
        default=ListStatus.UNKNOWN,
        help_text=_(
            "How complete our list is: complete (it equals an official list of the date "
            "given), partial (we hold fewer than the official total) or unknown."
        ),
    )
    list_total = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("The official total M the source gives (empty when none is known)."),
    )
    list_total_qualifier = models.CharField(
        max_length=9,
        choices=TotalQualifier.choices,
        default=TotalQualifier.EXACT,
        help_text=_(
            "How the source words the total: exactly, about, more than or up to that number."
        ),
    )
    list_unit = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "What the official total counts when it is not what we list, e.g. 'jurisdictions'."
        ),
    )
    list_as_of = models.DateField(
        null=True,
        blank=True,
        help_text=_("The date of the official list or total (by default its source's date)."),
    )
    list_source = models.ForeignKey(
        Source,
        # The evidence of a completeness statement outlives any tidying of sources.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The source of the official list or total."),
    )
    list_note = models.TextField(
        blank=True, help_text=_("What the source says of the total, and any caveat.")
    )

    class Meta:
        abstract = True

    def completeness(self, listed: int | None = None) -> ListCompleteness:
        """The statement, with N from `listed` or the row's `listed_count` annotation
        (`with_list_counts()`)."""
        if listed is None:
            listed = getattr(self, "listed_count", None)
        return ListCompleteness(
            status=self.list_status,
            listed=listed,
            total=self.list_total,
            qualifier=self.list_total_qualifier,
            unit=self.list_unit,
            as_of=self.list_as_of,
            source=self.list_source if self.list_source_id else None,
            note=self.list_note,
        )

    @property
    def list_completeness(self) -> ListCompleteness:
        return self.completeness()


def list_constraints(prefix: str) -> list[models.BaseConstraint]:
    """A completeness statement says what it rests on."""
    return [
        models.CheckConstraint(
            condition=models.Q(list_status__in=ListStatus.values),
            name=f"{prefix}_list_status_valid",
        ),
        models.CheckConstraint(
            condition=models.Q(list_total_qualifier__in=TotalQualifier.values),
            name=f"{prefix}_list_qualifier_valid",
        ),
        models.CheckConstraint(
            # Complete: an official list of a date, from a source.
            condition=~models.Q(list_status=ListStatus.COMPLETE)
            | models.Q(list_source__isnull=False, list_as_of__isnull=False),
            name=f"{prefix}_list_complete_sourced",
            violation_error_message=_("A complete list needs its source and date."),
        ),
        models.CheckConstraint(
            # Partial: N of M, M from a source.
            condition=~models.Q(list_status=ListStatus.PARTIAL)
            | models.Q(list_total__isnull=False),
            name=f"{prefix}_list_partial_total",
            violation_error_message=_("A partial list needs the official total."),
        ),
        models.CheckConstraint(
            condition=models.Q(list_total__isnull=True) | models.Q(list_source__isnull=False),
            name=f"{prefix}_list_total_sourced",
            violation_error_message=_("An official total needs its source."),
        ),
        models.CheckConstraint(
            condition=models.Q(list_total_qualifier=TotalQualifier.EXACT)
            | models.Q(list_total__isnull=False),
            name=f"{prefix}_list_qualifier_needs_total",
            violation_error_message=_("Give the total the qualifier is about."),
        ),
    ]


class NetworkQuerySet(OrganisationQuerySet):
    def with_function(self, *functions: str) -> "NetworkQuerySet":
        """Networks with any of the functions (see `Network.function_q`)."""
        return self.filter(Network.function_q(*functions))

    def with_member_counts(self, on: datetime.date | None = None) -> "NetworkQuerySet":
        """Annotate `member_count`: members (any role) on the date, today by default,
        confirmed or possible (`Membership.as_of_q`); and apart, `confirmed_member_count`
        and `possible_member_count` (`Membership.confirmed_on_q`, `possible_on_q`)."""
        on = on or timezone.localdate()
        return self.annotate(
            **{
                name: models.Count(
                    "memberships", filter=rule(on, prefix="memberships__"), distinct=True
                )
                for name, rule in (
                    ("member_count", Membership.as_of_q),
                    ("confirmed_member_count", Membership.confirmed_on_q),
                    ("possible_member_count", Membership.possible_on_q),
                )
            }
        )

    def with_list_counts(self) -> "NetworkQuerySet":
        """Annotate `listed_count`: N of the completeness statement (`Membership.listed_q`)."""
        return self.annotate(
            listed_count=models.Count(
                "memberships", filter=Membership.listed_q(prefix="memberships__"), distinct=True
            )
        )


class Network(Organisation, ListedModel):  # noqa: DJ008 (__str__ from Organisation)
    """A pattern of regular, purposive relations among like government units across borders."""

    name = models.CharField(
        max_length=300, help_text=_("Full name, e.g. 'Basel Committee on Banking Supervision'.")
    )
    acronym = models.CharField(max_length=40, blank=True, help_text=_("E.g. 'BCBS'."))
    description = models.TextField(blank=True, help_text=_("What the network does, in brief."))
    wikidata_id = models.CharField(
        max_length=20, blank=True, help_text=_("Wikidata QID, e.g. 'Q810955'.")
    )
    lei = models.CharField(
        _("LEI"),
        max_length=20,
        blank=True,
        validators=[validate_lei],
        help_text=_(
            "Legal Entity Identifier (ISO 17442), when the network is itself a legal entity "
            "registered with GLEIF: 20 characters, the last two check digits."
        ),
    )
    dissolved_on = models.DateField(
        null=True, blank=True, help_text=_("When it ended or was replaced (empty while active).")
    )

    # The typology (Slaughter, A New World Order, 2004).
    dimension = models.CharField(
        max_length=10,
        choices=Dimension.choices,
        help_text=_(
            "Horizontal: counterparts across borders. Vertical: national officials with "
            "their supranational counterpart."
        ),
    )
    function_information = models.BooleanField(
        default=False,
        help_text=_("Exchanges information and best practice."),
    )
    function_enforcement = models.BooleanField(
        default=False,
        help_text=_("Cooperates to enforce national law across borders."),
    )
    function_harmonisation = models.BooleanField(
        default=False,
        help_text=_("Brings rules to a common standard."),
    )
    function_technical_assistance = models.BooleanField(
        default=False,
        help_text=_("Trains or assists other members' officials."),
    )
    reach = models.CharField(
        max_length=12, choices=Reach.choices, help_text=_("How far its membership extends.")
    )
    sector = models.CharField(
        max_length=20, choices=Sector.choices, help_text=_("Broad policy sector.")
    )
    issue_area = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Narrower issue area, e.g. 'banking supervision'."),
    )
    origin = models.CharField(
        max_length=30,
        choices=Origin.choices,
        help_text=_("How it came about and how formal it is."),
    )
    host = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_networks",
        help_text=_("The organisation that houses it, e.g. the BIS for the Basel Committee."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The network it is part of (for working groups and regional bodies)."),
    )

    # The accountability card.
    legal_basis = models.TextField(
        blank=True, help_text=_("The instrument it rests on: charter, treaty article, MoU.")
    )
    decision_rule = models.CharField(
        max_length=20,
        choices=DecisionRule.choices,
        blank=True,
        help_text=_("How it takes decisions (empty when not stated)."),
    )
    membership_criteria = models.TextField(
        blank=True, help_text=_("Who may join, and how, as the network states it.")
    )
    publishes_meeting_records = models.BooleanField(
        null=True,
        blank=True,
        help_text=_("Whether it publishes records of its meetings (empty when unknown)."),
    )

    objects = NetworkQuerySet.as_manager()
    history = history_records(sourced=True)

    part_of_itself_message = _("A network cannot be part of itself.")

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dimension__in=Dimension.values), name="network_dimension_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reach__in=Reach.values), name="network_reach_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values), name="network_sector_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(origin__in=Origin.values), name="network_origin_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(decision_rule="")
                | models.Q(decision_rule__in=DecisionRule.values),
                name="network_decision_rule_valid",
            ),
            *organisation_constraints(
                "network", ends_before_founded=_("A network cannot end before it is founded.")
            ),
            models.CheckConstraint(
                condition=models.Q(wikidata_id="")
                | models.Q(wikidata_id__regex=WIKIDATA_QID_PATTERN),
                name="network_wikidata_format",
                violation_error_message=_("A Wikidata QID looks like Q123."),
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~models.Q(wikidata_id=""),
                name="network_wikidata_unique",
            ),
            # The shape only: the check digits are checked by validate_lei (full_clean,
            # the loader), which a CheckConstraint cannot compute.
            models.CheckConstraint(
                condition=models.Q(lei="") | models.Q(lei__regex=LEI_PATTERN),
                name="network_lei_format",
                violation_error_message=LEI_SHAPE_MESSAGE,
            ),
            # One register entry names one network; its index also serves ?lei= lookups.
            models.UniqueConstraint(
                fields=["lei"], condition=~models.Q(lei=""), name="network_lei_unique"
            ),
            *list_constraints("network"),
        ]
        indexes = [
            # Typology facets on the networks list and API.
            models.Index(fields=["dimension"], name="network_dimension_idx"),
            models.Index(fields=["sector"], name="network_sector_idx"),
            models.Index(fields=["reach"], name="network_reach_idx"),
            models.Index(fields=["origin"], name="network_origin_idx"),
            # "Recently changed" lists.
            models.Index(fields=["-updated_at"], name="network_updated_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("networks:network-detail", kwargs={"slug": self.slug})

    def wikidata_ids(self) -> list[str]:
        return [self.wikidata_id] if self.wikidata_id else []

    @staticmethod
    def function_q(*functions: str) -> models.Q:
        """Has any of the functions (each is a flag, `function_<value>`)."""
        return models.Q(*[(f"function_{f}", True) for f in functions], _connector=models.Q.OR)

    def json_ld(self, absolute: Absolute, members: list["Membership"]) -> dict:
        """The network as schema.org JSON-LD, with the `members` given (those its page
        shows as current)."""
        data = self.json_ld_head(absolute)
        if self.dissolved_on:
            data["dissolutionDate"] = iso_partial_date(
                self.dissolved_on, self.dissolved_on_precision
            )
        if self.parent:
            data["parentOrganization"] = self.parent.json_ld_ref(absolute)
        if self.lei:
            data["leiCode"] = self.lei
        data["member"] = [row.member.json_ld_ref(absolute) for row in members]
        return data

    @property
    def functions(self) -> list[str]:
        """The network's functions as a list of `Function` values."""
        return [f for f in Function.values if getattr(self, f"function_{f}")]


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ASSOCIATE = "associate", _("Associate member")
    AFFILIATE = "affiliate", _("Affiliate member")
    OBSERVER = "observer", _("Observer")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARIAT = "secretariat", _("Secretariat")


class EndReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrew")
    SUSPENDED = "suspended", _("Suspended")
    EXPELLED = "expelled", _("Expelled")
    TERM_ENDED = "term_ended", _("Term ended")
    SUCCEEDED = "succeeded", _("Succeeded by another institution")
    DISSOLVED = "dissolved", _("Member or network dissolved")


class MembershipQuerySet(models.QuerySet):
    def as_of(self, on: datetime.date) -> "MembershipQuerySet":
        """Memberships that may be held on the date: confirmed or possible. See
        `Membership.as_of_q` for imprecise dates and unknown starts."""
        return self.filter(Membership.as_of_q(on))

    def confirmed_on(self, on: datetime.date) -> "MembershipQuerySet":
        """Memberships known to be held on the date (`Membership.confirmed_on_q`)."""
        return self.filter(Membership.confirmed_on_q(on))

    def possible_on(self, on: datetime.date) -> "MembershipQuerySet":
        """Memberships possibly held on the date: start unknown, and no source of the
        date or earlier lists them (`Membership.possible_on_q`)."""
        return self.filter(Membership.possible_on_q(on))

    def with_known_from(self) -> "MembershipQuerySet":
        """Each membership with `known_from_date`: the earliest date of its sources, from
        which it is known to hold (`Membership.known_from_expression`)."""
        return self.annotate(known_from_date=Membership.known_from_expression())

    def with_confirmed_on(self, on: datetime.date) -> "MembershipQuerySet":
        """Each membership marked `confirmed_then`: confirmed on the date, in the same
        query (a row held then and not confirmed is possible)."""
        return self.annotate(
            confirmed_then=models.ExpressionWrapper(
                Membership.confirmed_on_q(on), output_field=models.BooleanField()
            )
        )

    def current(self) -> "MembershipQuerySet":
        """Memberships held today."""
        return self.as_of(timezone.localdate())

    def ended(self, on: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships that have ended by the date, today by default (former members)."""
        return self.filter(Membership.ended_q(on))

    # Events in a membership's life, for feeds and "lately" lists (web/feeds.py): a join
    # is a known start, a departure a known end; neither is announced for after `until`.
    def joins(self, until: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships whose start is known (and on or before `until`)."""
        joins = self.filter(start_date__isnull=False)
        return joins if until is None else joins.filter(start_date__lte=until)

    def departures(self, until: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships whose end is known (and on or before `until`)."""
        departures = self.filter(end_date__isnull=False)
        return departures if until is None else departures.filter(end_date__lte=until)

    def start_unknown(self) -> "MembershipQuerySet":
        return self.filter(start_date__isnull=True)

    def with_held_now(self) -> "MembershipQuerySet":
        """Each membership marked `held_now`: held today (`as_of_q`), in the same query."""
        return self.annotate(
            held_now=models.ExpressionWrapper(
                Membership.as_of_q(timezone.localdate()), output_field=models.BooleanField()
            )
        )


class BoundBasis(models.TextChoices):
    """What a boundary of a membership's period rests on."""

    RECORDED = "recorded", _("Recorded date")
    SOURCE_DATE = "source_date", _("Date of the source that lists it")
    MEMBER_FOUNDED = "member_founded", _("The member's founding")
    NETWORK_FOUNDED = "network_founded", _("The network's founding")
    MEMBER_DISSOLVED = "member_dissolved", _("The member's dissolution")
    NETWORK_DISSOLVED = "network_dissolved", _("The network's dissolution")


# The date of a source from which a membership it lists, start unknown, is known to hold:
# the date the page describes (`as_of`), not the day it was read (`accessed_on`): an
# archived list of 2004 read in 2025 proves membership in 2004. Read by
# `Membership.known_from_expression` and `Membership.known_from`.
KNOWN_FROM_SOURCE_FIELD = "as_of"

Bound = tuple[datetime.date | None, str | None]


def _latest(bounds: list[Bound]) -> Bound:
    """The latest of the known bounds (the first listed wins a tie), or (None, None)."""
    known = [bound for bound in bounds if bound[0] is not None]
    return max(known, key=lambda bound: bound[0]) if known else (None, None)


def _earliest(bounds: list[Bound]) -> Bound:
    known = [bound for bound in bounds if bound[0] is not None]
    return min(known, key=lambda bound: bound[0]) if known else (None, None)


class HeldPeriod:
    """When a membership counts, for a Membership and for lighter rows that carry the
    same dates (visuals.graphs.Span): its own `start_date`, `end_date` and
    `end_date_precision`, and `member_founded_on`, `member_dissolved_on`,
    `network_founded_on` and `network_dissolved_on` (a membership never counts before
    its member or network existed, nor after either was dissolved)."""

    def first_day(self) -> Bound:
        """The first day it counts (None: no bound known) and what sets it: the recorded
        start, or the founding of the member or of the network when later (or when the
        start is unknown). A start or founding known to the year counts from 1 January."""
        return _latest(
            [
                (self.start_date, BoundBasis.RECORDED),
                (Organisation.lifetime(self.member_founded_on, None)[0], BoundBasis.MEMBER_FOUNDED),
                (
                    Organisation.lifetime(self.network_founded_on, None)[0],
                    BoundBasis.NETWORK_FOUNDED,
                ),
            ]
        )

    def last_day(self) -> Bound:
        """The last day it counts (None: open) and what sets it: the recorded end (a
        year-only end covers the whole year), or the dissolution of the member or of the
        network when earlier (or when no end is recorded)."""
        own = period_last_day(self.end_date, self.end_date_precision) if self.end_date else None
        return _earliest(
            [
                (own, BoundBasis.RECORDED),
                (
                    Organisation.lifetime(None, self.member_dissolved_on)[1],
                    BoundBasis.MEMBER_DISSOLVED,
                ),
                (
                    Organisation.lifetime(None, self.network_dissolved_on)[1],
                    BoundBasis.NETWORK_DISSOLVED,
                ),
            ]
        )

    def held_on(self, on: datetime.date) -> bool:
        """Python twin of `Membership.as_of_q` (may be held), for rows already loaded."""
        first, last = self.first_day()[0], self.last_day()[0]
        return (first is None or first <= on) and (last is None or on <= last)

    def ended_by(self, on: datetime.date) -> bool:
        """Python twin of `Membership.ended_q`: its last day is before the date."""
        last = self.last_day()[0]
        return last is not None and last < on

    def overlaps(self, other: "HeldPeriod") -> bool:
        """The two periods share a day; an unknown start or end reaches the other period."""
        return (
            self.end_date is None or other.start_date is None or self.end_date >= other.start_date
        ) and (
            other.end_date is None or self.start_date is None or other.end_date >= self.start_date
        )


class Membership(HeldPeriod, SourcedModel):
    """A member's place in a network over time: an institution, or another network."""

    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("The network."),
    )
    member_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("The member, when it is an institution."),
    )
    member_network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships_as_member",
        help_text=_("The member, when it is another network (IOSCO in the FSB)."),
    )
    role = models.CharField(
        max_length=12,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text=_("The member's standing in the network."),
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The network's own wording, e.g. 'ordinary member' or 'Board member'."),
    )
    start_date = models.DateField(
        null=True, blank=True, help_text=_("When the membership began (empty when unknown).")
    )
    start_date_precision = precision_field("start_date")
    end_date = models.DateField(
        null=True, blank=True, help_text=_("When it ended (empty while it lasts).")
    )
    end_date_precision = precision_field("end_date")
    end_reason = models.CharField(
        max_length=12,
        choices=EndReason.choices,
        blank=True,
        help_text=_("Why it ended, when known."),
    )
    last_verified_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("When a curator last checked it against a source."),
    )

    objects = MembershipQuerySet.as_manager()
    history = history_records(sourced=True)

    class Meta:
        ordering = ["network", "role", "start_date"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_institution__isnull=False, member_network__isnull=True)
                | models.Q(member_institution__isnull=True, member_network__isnull=False),
                name="membership_exactly_one_member",
                violation_error_message=_(
                    "A membership has exactly one member: an institution or a network, not both."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(member_network__isnull=True)
                | ~models.Q(member_network=models.F("network")),
                name="membership_not_own_member",
                violation_error_message=_("A network cannot be a member of itself."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_reason="") | models.Q(end_date__isnull=False),
                name="membership_end_reason_needs_end",
                violation_error_message=_("Give an end date with the reason it ended."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
            partial_date_constraint("start_date", "membership_start_precision"),
            partial_date_constraint("end_date", "membership_end_precision"),
            # No two open-ended memberships of the same member in the same role...
            models.UniqueConstraint(
                fields=["network", "member_institution", "role"],
                condition=models.Q(end_date__isnull=True, member_institution__isnull=False),
                name="membership_one_open_institution",
                violation_error_message=_(
                    "This institution already holds this role in this network."
                ),
            ),
            models.UniqueConstraint(
                fields=["network", "member_network", "role"],
                condition=models.Q(end_date__isnull=True, member_network__isnull=False),
                name="membership_one_open_network",
                violation_error_message=_("This network already holds this role in this network."),
            ),
            # ...and no two that start on the same day.
            models.UniqueConstraint(
                fields=["network", "member_institution", "role", "start_date"],
                condition=models.Q(member_institution__isnull=False),
                name="membership_unique_institution_start",
                violation_error_message=_(
                    "This institution already has this role in this network from that date."
                ),
            ),
            models.UniqueConstraint(
                fields=["network", "member_network", "role", "start_date"],
                condition=models.Q(member_network__isnull=False),
                name="membership_unique_network_start",
                violation_error_message=_(
                    "This network already has this role in this network from that date."
                ),
            ),
        ]
        indexes = [
            # as_of(): members of one network on a date.
            models.Index(
                fields=["network", "start_date", "end_date"], name="membership_period_idx"
            ),
            # ?role= filter.
            models.Index(fields=["role"], name="membership_role_idx"),
            # Curators' "not verified in 12 months" list.
            models.Index(fields=["last_verified_on"], name="membership_verified_idx"),
        ]

    def __str__(self) -> str:
        return _("%(member)s in %(network)s (%(role)s)") % {
            "member": self.member,
            "network": self.network,
            "role": self.get_role_display(),
        }

    def get_absolute_url(self) -> str:
        return self.network.get_absolute_url()

    @property
    def member(self) -> Institution | Network | None:
        return self.member_institution or self.member_network

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_date_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end_date, self.end_date_precision)

    # The lifetimes of the member and the network (`HeldPeriod`); the pages and the API
    # load both with the membership.
    @property
    def member_founded_on(self) -> datetime.date | None:
        return self.member.founded_on

    @property
    def member_dissolved_on(self) -> datetime.date | None:
        return self.member.dissolved_on

    @property
    def network_founded_on(self) -> datetime.date | None:
        return self.network.founded_on

    @property
    def network_dissolved_on(self) -> datetime.date | None:
        return self.network.dissolved_on

    @property
    def start_known(self) -> bool:
        return self.start_date is not None

    def known_from(self) -> datetime.date | None:
        """The earliest date of its sources: from then, a source says it holds. The
        `known_from_date` annotation (`with_known_from()`) when loaded, else its sources
        (prefetched by the pages)."""
        if "known_from_date" in self.__dict__:
            return self.known_from_date
        dates = [getattr(source, KNOWN_FROM_SOURCE_FIELD) for source in self.sources.all()]
        return min((d for d in dates if d is not None), default=None)

    def confirmed_from(self) -> Bound:
        """The first day it is confirmed (None: never) and what that rests on: the
        recorded start, else the date of the earliest source that lists it; never before
        its member or network was founded."""
        own = (
            (self.start_date, BoundBasis.RECORDED)
            if self.start_date
            else (self.known_from(), BoundBasis.SOURCE_DATE)
        )
        if own[0] is None:
            return None, None
        return _latest(
            [
                own,
                (self.member_founded_on, BoundBasis.MEMBER_FOUNDED),
                (self.network_founded_on, BoundBasis.NETWORK_FOUNDED),
            ]
        )

    def confirmed_on(self, on: datetime.date) -> bool:
        """Python twin of `confirmed_on_q`."""
        first = self.confirmed_from()[0]
        return self.held_on(on) and first is not None and first <= on

    def possible_on(self, on: datetime.date) -> bool:
        """Python twin of `possible_on_q`."""
        return self.held_on(on) and not self.confirmed_on(on)

    def status_on(self, on: datetime.date) -> str | None:
        """Its status on the date, "confirmed" or "possible"; None when it does not count."""
        if not self.held_on(on):
            return None
        return "confirmed" if self.confirmed_on(on) else "possible"

    @staticmethod
    def _not_ended_q(on: datetime.date, prefix: str = "") -> models.Q:
        """No end recorded, or the period of its end (a year-only end: that whole year)
        reaches the date."""
        not_ended = models.Q(**{f"{prefix}end_date__isnull": True})
        for precision in DatePrecision.values:
            not_ended |= models.Q(
                **{
                    f"{prefix}end_date_precision": precision,
                    f"{prefix}end_date__gte": truncate(on, precision),
                }
            )
        return not_ended

    @staticmethod
    def as_of_q(on: datetime.date, prefix: str = "") -> models.Q:
        """May be held on `on`: started on or before it, not ended before it, and its
        member and its network existed on it (`Organisation.existed_q`).

        A date known only to the year (or month) covers that whole period: a member
        since "2009" counts from 1 January 2009, one that left in "2012" counts until
        31 December 2012. An unknown start counts from the founding of the member and of
        the network, as far as those are known; on a date before any source lists it,
        such a membership is only possible (`possible_on_q`), not confirmed.
        """
        p = prefix
        started = models.Q(**{f"{p}start_date__isnull": True}) | models.Q(
            **{f"{p}start_date__lte": on}
        )
        return (
            started
            & Membership._not_ended_q(on, p)
            & Organisation.existed_q(on, f"{p}member_institution__")
            & Organisation.existed_q(on, f"{p}member_network__")
            & Organisation.existed_q(on, f"{p}network__")
        )

    @staticmethod
    def known_from_expression(prefix: str = "") -> models.Subquery:
        """The earliest date of the membership's sources (see KNOWN_FROM_SOURCE_FIELD)."""
        field = f"source__{KNOWN_FROM_SOURCE_FIELD}"
        return models.Subquery(
            Membership.sources.through.objects.filter(membership_id=models.OuterRef(f"{prefix}pk"))
            .order_by(field)
            .values(field)[:1]
        )

    @staticmethod
    def _known_by_q(on: datetime.date, prefix: str = "") -> models.Q:
        """Its start is recorded, or a source of the date or earlier lists it."""
        listed = Membership.sources.through.objects.filter(
            membership_id=models.OuterRef(f"{prefix}pk"),
            **{f"source__{KNOWN_FROM_SOURCE_FIELD}__lte": on},
        )
        return models.Q(**{f"{prefix}start_date__isnull": False}) | models.Q(models.Exists(listed))

    @staticmethod
    def confirmed_on_q(on: datetime.date, prefix: str = "") -> models.Q:
        """Known to be held on `on`: held then (`as_of_q`), and its start is recorded or
        a source dated then or earlier lists it (`known_from`)."""
        return Membership.as_of_q(on, prefix) & Membership._known_by_q(on, prefix)

    @staticmethod
    def possible_on_q(on: datetime.date, prefix: str = "") -> models.Q:
        """Possibly held on `on`: it may be held then (`as_of_q`) but is not confirmed (its
        start is unknown and only sources dated later list it)."""
        return Membership.as_of_q(on, prefix) & ~Membership._known_by_q(on, prefix)

    @staticmethod
    def ended_q(on: datetime.date | None = None, prefix: str = "") -> models.Q:
        """Ended by `on` (today by default): its last day is before the date, by its
        recorded end or by the dissolution of its member or network (`HeldPeriod.last_day`)."""
        on = on or timezone.localdate()
        p = prefix
        return (
            (models.Q(**{f"{p}end_date__isnull": False}) & ~Membership._not_ended_q(on, p))
            | ~Organisation.active_q(on, f"{p}member_institution__")
            | ~Organisation.active_q(on, f"{p}member_network__")
            | ~Organisation.active_q(on, f"{p}network__")
        )

    def clean(self) -> None:
        super().clean()
        if self.member_network_id and self.member_network_id == self.network_id:
            raise ValidationError({"member_network": _("A network cannot be a member of itself.")})
        self._check_overlap()

    def _check_overlap(self) -> None:
        """Two periods of the same member in the same role may not overlap."""
        if not self.network_id or not (self.member_institution_id or self.member_network_id):
            return
        others = Membership.objects.filter(
            network_id=self.network_id,
            member_institution_id=self.member_institution_id,
            member_network_id=self.member_network_id,
            role=self.role,
        ).exclude(pk=self.pk)
        for other in others:
            if self.overlaps(other):
                raise ValidationError(
                    _("This period overlaps another membership of %(member)s in this role.")
                    % {"member": self.member}
                )

    # The roles an official member total counts; observers, affiliates and the
    # secretariat are not in it.
    LISTED_ROLES = (Role.MEMBER, Role.ASSOCIATE, Role.CHAIR, Role.VICE_CHAIR)

    @staticmethod
    def listed_q(prefix: str = "") -> models.Q:
        """In the network's list as its official total counts it (N of "partial: N of
        M"): a member, associate, chair or vice-chair held today; for a network that
        has ended, one that lasted until it ended (no end, or an end no earlier than
        the network's)."""
        p = prefix
        network = f"{p}network__" if p else "network__"
        ended = ~Network.active_q(prefix=network)
        until_end = models.Q(**{f"{p}end_date__isnull": True}) | models.Q(
            **{f"{p}end_date__gte": models.F(f"{network}dissolved_on")}
        )
        return models.Q(**{f"{p}role__in": Membership.LISTED_ROLES}) & (
            (~ended & Membership.as_of_q(timezone.localdate(), prefix=p)) | (ended & until_end)
        )


class MemorandumKind(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral")
    MULTILATERAL = "multilateral", _("Multilateral")


class MemorandumQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "MemorandumQuerySet":
        """Memoranda in force on the date (today by default). See `Memorandum.in_force_q`."""
        return self.filter(Memorandum.in_force_q(on))

    def terminated(self, on: datetime.date | None = None) -> "MemorandumQuerySet":
        """Memoranda terminated by the date (today by default): the rest of `in_force()`."""
        return self.exclude(Memorandum.in_force_q(on))

    def with_list_counts(self) -> "MemorandumQuerySet":
        """Annotate `listed_count`, N of the completeness statement: signatories party
        today; for a terminated memorandum, those that had not withdrawn before it ended."""
        party = models.Q(signatories__withdrawn_on__isnull=True) | (
            models.Q(terminated_on__isnull=True, signatories__withdrawn_on__gt=timezone.localdate())
            | models.Q(
                terminated_on__isnull=False,
                signatories__withdrawn_on__gte=models.F("terminated_on"),
            )
        )
        return self.annotate(listed_count=models.Count("signatories", filter=party, distinct=True))


class Memorandum(SourcedModel, ListedModel):
    """A memorandum of understanding: a written, non-treaty arrangement between institutions."""

    title = models.CharField(max_length=400, help_text=_("Title as signed."))
    short_title = models.CharField(
        max_length=100, blank=True, help_text=_("Usual short name, e.g. 'IOSCO MMoU'.")
    )
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Used in page addresses."))
    kind = models.CharField(
        max_length=12,
        choices=MemorandumKind.choices,
        help_text=_("Bilateral (two signatories) or multilateral."),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memoranda",
        help_text=_("The network that administers it, if any (IOSCO for its MMoU)."),
    )
    sector = models.CharField(
        max_length=20, choices=Sector.choices, help_text=_("Broad policy sector.")
    )
    subject = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What it covers, e.g. 'enforcement cooperation and information exchange'."),
    )
    signed_on = models.DateField(null=True, blank=True, help_text=_("When it was first signed."))
    signed_on_precision = precision_field("signed_on")
    effective_on = models.DateField(
        null=True, blank=True, help_text=_("When it took effect, if different.")
    )
    terminated_on = models.DateField(
        null=True, blank=True, help_text=_("When it ended (empty while in force).")
    )
    document_url = models.URLField(max_length=1000, blank=True, help_text=_("The published text."))
    description = models.TextField(blank=True, help_text=_("A short neutral description."))

    objects = MemorandumQuerySet.as_manager()
    history = history_records(sourced=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("memorandum of understanding")
        verbose_name_plural = _("memoranda of understanding")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MemorandumKind.values), name="memorandum_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sector__in=Sector.values), name="memorandum_sector_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(terminated_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(terminated_on__gte=models.F("signed_on")),
                name="memorandum_terminated_after_signed",
                violation_error_message=_("A memorandum cannot end before it is signed."),
            ),
            models.CheckConstraint(
                condition=models.Q(effective_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(effective_on__gte=models.F("signed_on")),
                name="memorandum_effective_after_signed",
                violation_error_message=_("A memorandum cannot take effect before it is signed."),
            ),
            partial_date_constraint("signed_on", "memorandum_signed_precision"),
            http_url_constraint("document_url", "memorandum_document_http"),
            *list_constraints("memorandum"),
        ]
        indexes = [
            models.Index(fields=["kind"], name="memorandum_kind_idx"),
            models.Index(fields=["sector"], name="memorandum_sector_idx"),
            models.Index(fields=["signed_on"], name="memorandum_signed_idx"),
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:memorandum-detail", kwargs={"slug": self.slug})

    def json_ld(self, absolute: Absolute, signatories: list["Signatory"]) -> dict:
        """The memorandum as a schema.org CreativeWork, its `signatories` as creators."""
        data = {
            "@context": SCHEMA_ORG,
            "@type": "CreativeWork",
            "name": self.title,
            "url": absolute(self.get_absolute_url()),
        }
        if self.short_title:
            data["alternateName"] = self.short_title
        if self.description:
            data["description"] = self.description
        if self.signed_on:
            data["dateCreated"] = iso_partial_date(self.signed_on, self.signed_on_precision)
        if self.document_url:
            data["sameAs"] = self.document_url
        data["creator"] = [s.institution.json_ld_ref(absolute) for s in signatories]
        return data

    @property
    def signed_display(self) -> str:
        return format_partial_date(self.signed_on, self.signed_on_precision)

    @staticmethod
    def in_force_q(on: datetime.date | None = None) -> models.Q:
        """In force on `on` (today by default): not terminated, or terminated after it.
        The condition behind `in_force()`, for counts that need it as a filter."""
        on = on or timezone.localdate()
        return models.Q(terminated_on__isnull=True) | models.Q(terminated_on__gt=on)

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        """Python twin of `in_force_q` for a memorandum already loaded."""
        on = on or timezone.localdate()
        return self.terminated_on is None or self.terminated_on > on


class SignatoryQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> "SignatoryQuerySet":
        """Signatories still party on the date (today by default). See `Signatory.current_q`."""
        return self.filter(Signatory.current_q(on))


class Signatory(SourcedModel):
    """An institution that signed a memorandum, with its date and tier."""

    memorandum = models.ForeignKey(
        Memorandum,
        on_delete=models.CASCADE,
        related_name="signatories",
        help_text=_("The memorandum signed."),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="signatures",
        help_text=_("The signing institution."),
    )
    signed_on = models.DateField(
        null=True, blank=True, help_text=_("When this institution signed (empty when unknown).")
    )
    signed_on_precision = precision_field("signed_on")
    tier = models.CharField(
        max_length=100,
        blank=True,
        help_text=_(
            "Tier or status as the memorandum names it, e.g. 'Appendix A' (full signatory "
            "of the IOSCO MMoU) or 'Appendix B' (committed to become one)."
        ),
    )
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text=_("When it withdrew (empty while it is a party).")
    )

    objects = SignatoryQuerySet.as_manager()
    history = history_records(sourced=True)

    class Meta:
        ordering = ["memorandum", "signed_on"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["memorandum", "institution"],
                name="signatory_unique",
                violation_error_message=_("This institution already signed this memorandum."),
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(signed_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("signed_on")),
                name="signatory_withdrawn_after_signed",
                violation_error_message=_("A signatory cannot withdraw before it signs."),
            ),
            partial_date_constraint("signed_on", "signatory_signed_precision"),
        ]

    def __str__(self) -> str:
        return _("%(institution)s, signatory of %(memorandum)s") % {
            "institution": self.institution,
            "memorandum": self.memorandum,
        }

    def get_absolute_url(self) -> str:
        return self.memorandum.get_absolute_url()

    @property
    def signed_display(self) -> str:
        return format_partial_date(self.signed_on, self.signed_on_precision)

    @staticmethod
    def current_q(on: datetime.date | None = None) -> models.Q:
        """Party on `on` (today by default): not withdrawn, or withdrawn after it."""
        on = on or timezone.localdate()
        return models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=on)

    def is_current(self, on: datetime.date | None = None) -> bool:
        """Python twin of `current_q` for a signatory already loaded."""
        on = on or timezone.localdate()
        return self.withdrawn_on is None or self.withdrawn_on > on


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    ANNUAL_MEETING = "annual_meeting", _("Annual meeting")
    CONFERENCE = "conference", _("Conference")
    MINISTERIAL = "ministerial", _("Ministerial meeting")
    SUMMIT = "summit", _("Summit")
    BOARD = "board", _("Board meeting")
    WORKING_GROUP = "working_group", _("Working group")
    OTHER = "other", _("Other")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self) -> "MeetingQuerySet":
        """Meetings not yet over (see `Meeting.upcoming_q`), soonest first."""
        return self.filter(Meeting.upcoming_q()).order_by("start_date")

    def past(self) -> "MeetingQuerySet":
        # The slug breaks ties between meetings on one day: one order for every reader.
        return self.filter(end_date__lt=timezone.localdate()).order_by("-start_date", "slug")


class Meeting(SourcedModel):
    """A gathering of a network: plenary, annual conference, working group, summit."""

    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=_("The network that met."),
    )
    title = models.CharField(max_length=300, help_text=_("E.g. 'FATF Plenary, October 2024'."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Used in page addresses."))
    kind = models.CharField(
        max_length=15, choices=MeetingKind.choices, help_text=_("What sort of meeting.")
    )
    start_date = models.DateField(help_text=_("First day."))
    end_date = models.DateField(help_text=_("Last day (the first day for one-day meetings)."))
    city = models.CharField(max_length=100, blank=True, help_text=_("Where it took place."))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("The jurisdiction it took place in (empty for virtual meetings)."),
    )
    host = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        help_text=_("The institution that hosted it."),
    )
    records_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text=_("Published records (minutes, communiqué, summary), if any."),
    )
    description = models.TextField(blank=True, help_text=_("A short neutral description."))

    objects = MeetingQuerySet.as_manager()
    history = history_records(sourced=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="meeting_end_after_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            http_url_constraint("records_url", "meeting_records_http"),
        ]
        indexes = [
            # A network's meetings by date, and the upcoming calendar.
            models.Index(fields=["network", "start_date"], name="meeting_network_date_idx"),
            models.Index(fields=["end_date"], name="meeting_end_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:meeting-detail", kwargs={"slug": self.slug})

    def json_ld(self, absolute: Absolute, *, embedded: bool = False) -> dict:
        """The meeting as a schema.org Event (`embedded` in another document: without
        its own @context)."""
        data = {} if embedded else {"@context": SCHEMA_ORG}
        data |= {
            "@type": "Event",
            "name": self.title,
            "url": absolute(self.get_absolute_url()),
            "startDate": self.start_date.isoformat(),
            "endDate": self.end_date.isoformat(),
            "organizer": self.network.json_ld_ref(absolute),
        }
        if self.city or self.jurisdiction:
            data["location"] = {
                "@type": "Place",
                "name": ", ".join(
                    part for part in (self.city, getattr(self.jurisdiction, "name", "")) if part
                ),
                "address": {
                    "@type": "PostalAddress",
                    **({"addressLocality": self.city} if self.city else {}),
                    **({"addressCountry": self.jurisdiction.code} if self.jurisdiction else {}),
                },
            }
        if self.description:
            data["description"] = self.description
        return data

    @staticmethod
    def upcoming_q(on: datetime.date | None = None) -> models.Q:
        """Not over on `on` (today by default): its last day is that day or later."""
        return models.Q(end_date__gte=on or timezone.localdate())

    def is_upcoming(self, on: datetime.date | None = None) -> bool:
        """Python twin of `upcoming_q` for a meeting already loaded."""
        return self.end_date >= (on or timezone.localdate())


class ParticipantRole(models.TextChoices):
    HOST = "host", _("Host")
    CHAIR = "chair", _("Chair")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")
    GUEST = "guest", _("Guest")


class MeetingParticipant(models.Model):
    """An institution that took part in a meeting, and in what role."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="participants",
        help_text=_("The meeting."),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
        help_text=_("The participating institution."),
    )
    role = models.CharField(
        max_length=12,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
        help_text=_("Its role at the meeting."),
    )

    history = history_records()

    class Meta:
        ordering = ["meeting", "role"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "institution"],
                name="participant_unique",
                violation_error_message=_("This institution is already listed for this meeting."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ParticipantRole.values),
                name="participant_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


class OutcomeDocument(models.Model):
    """A document a meeting produced: communiqué, statement, standard."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="outcome_documents",
        help_text=_("The meeting that produced it."),
    )
    title = models.CharField(max_length=300, help_text=_("Title as published."))
    url = models.URLField(max_length=1000, help_text=_("Where it is published."))
    published_on = models.DateField(null=True, blank=True, help_text=_("Publication date."))

    history = history_records()

    class Meta:
        ordering = ["meeting", "title"]
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        constraints = [
            http_url_constraint("url", "outcome_document_url_http", optional=False),
            models.UniqueConstraint(fields=["meeting", "url"], name="outcome_document_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class NetworkSuccession(Succession):
    """A network followed by another (or renamed), per a source: the Financial
    Stability Forum replaced by the Financial Stability Board in 2009."""

    predecessor = models.ForeignKey(
        Network,
        # Lineage is history: the networks it names are not deleted from under it.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor_links",
        help_text=_(
            "The network that came before (empty for a renaming within one record, with "
            "its former name)."
        ),
    )
    successor = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        help_text=_("The network that followed it."),
    )

    history = history_records(sourced=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("succession of networks")
        verbose_name_plural = _("successions of networks")
        constraints = succession_constraints("network_succession")
