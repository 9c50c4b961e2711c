"""The data audit (`manage.py audit_directory`, issue #14 item 5): every suspicious fact in
the directory, by class.

A fact is suspicious when the directory contradicts itself or its sources: a membership
that starts before its member or network existed, or after it was dissolved; an ended
membership that every one of its sources, all dated later, still lists; a network
without members; an institution that takes part in nothing; a list marked complete whose
count differs from its official total; a date later than every source cited for it;
two records of one body under two names. None of these is always wrong, which is why
this is an audit and not a rule the loader enforces: CI keeps each count from rising
above the committed baseline (a ratchet), so the numbers may only go down.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionSuccession
from networks.models import (
    ListStatus,
    Meeting,
    Membership,
    Memorandum,
    Network,
    NetworkSuccession,
    Signatory,
)
from sources.models import Source
from sources.names import normalise
from sources.partial_dates import truncate

# The classes, in the order the table shows them, with what each counts.
CLASSES: dict[str, object] = {
    "membership_before_member": _("Membership starting before its member was founded"),
    "membership_before_network": _("Membership starting before its network was founded"),
    "membership_after_member_dissolved": _("Membership starting after its member was dissolved"),
    "membership_after_network_dissolved": _("Membership starting after its network was dissolved"),
    "ended_membership_still_listed": _(
        "Ended membership whose sources, all dated after its end, still list it"
    ),
    "network_without_members": _("Network with no members"),
    "institution_in_nothing": _("Institution in no network, memorandum or meeting"),
    "complete_list_count_differs": _("List marked complete whose count differs from its total"),
    "date_after_source": _("Date later than every source cited for it"),
    "source_on_shared_date": _(
        "Source whose as_of is the one date most sources share (dated by reading?)"
    ),
    "duplicate_names": _("Two records with the same name or acronym in one jurisdiction"),
}


@dataclass(frozen=True)
class Finding:
    """One suspicious fact: the record, and what is wrong with it."""

    record: str
    detail: str

    def __str__(self) -> str:
        return f"{self.record}: {self.detail}"


@dataclass
class AuditReport:
    findings: dict[str, list[Finding]] = field(default_factory=lambda: {key: [] for key in CLASSES})

    def counts(self) -> dict[str, int]:
        return {key: len(found) for key, found in self.findings.items()}

    def rises_above(self, baseline: dict[str, int]) -> dict[str, tuple[int, int]]:
        """The classes whose count is above the baseline's (a class the baseline does not
        name counts as 0 there): class -> (baseline, now)."""
        return {
            key: (baseline.get(key, 0), count)
            for key, count in self.counts().items()
            if count > baseline.get(key, 0)
        }


def read_baseline(path: Path) -> dict[str, int]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = data.get("counts", data)
    return {key: int(value) for key, value in counts.items()}


def write_baseline(path: Path, report: AuditReport) -> None:
    data = {
        "about": "Counts of manage.py audit_directory, per class: CI fails when one rises "
        "above its figure here. Lower a figure when the data gets better (a ratchet).",
        "counts": report.counts(),
    }
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def audit() -> AuditReport:
    """Every suspicious fact in the directory, by class."""
    report = AuditReport()
    _memberships(report)
    _networks_without_members(report)
    _institutions_in_nothing(report)
    _complete_lists(report)
    _dates_after_sources(report)
    _sources_on_a_shared_date(report)
    _duplicates(report)
    for found in report.findings.values():
        found.sort(key=str)
    return report


# --- Checks ----------------------------------------------------------------------------


def _starts_before(start: datetime.date, precision: str, founded: datetime.date) -> bool:
    """The whole period of the start (a year, a month, a day) lies before the founding."""
    return start < truncate(founded, precision)


def _label(membership: Membership) -> str:
    member = membership.member_institution or membership.member_network
    return f"membership {membership.pk} ({member.slug} in {membership.network.slug})"


def _memberships(report: AuditReport) -> None:
    """Periods against the lives of their member and network, and ended periods against
    the dates of their sources."""
    rows = Membership.objects.select_related(
        "network", "member_institution", "member_network"
    ).prefetch_related("sources")
    found = report.findings
    for m in rows.iterator(chunk_size=1000):
        member = m.member_institution or m.member_network
        if m.start_date:
            for body, before, after in (
                (member, "membership_before_member", "membership_after_member_dissolved"),
                (m.network, "membership_before_network", "membership_after_network_dissolved"),
            ):
                if body.founded_on and _starts_before(
                    m.start_date, m.start_date_precision, body.founded_on
                ):
                    found[before].append(
                        Finding(
                            _label(m),
                            f"starts {m.start_display}, {body.slug} founded {body.founded_display}",
                        )
                    )
                if body.dissolved_on and m.start_date >= body.dissolved_on:
                    found[after].append(
                        Finding(
                            _label(m),
                            f"starts {m.start_display}, {body.slug} dissolved "
                            f"{body.dissolved_display}",
                        )
                    )
        sources = list(m.sources.all())
        if m.end_date and sources:
            # A source of a date after the end can only be reporting the end, or still
            # listing the member: when every source is, nothing dates the end.
            later = [s for s in sources if truncate(s.as_of, m.end_date_precision) > m.end_date]
            if len(later) == len(sources):
                found["ended_membership_still_listed"].append(
                    Finding(
                        _label(m),
                        f"ended {m.end_display}; its sources are dated "
                        + ", ".join(sorted(str(s.as_of) for s in sources)),
                    )
                )


def _networks_without_members(report: AuditReport) -> None:
    for network in Network.objects.filter(
        ~Exists(Membership.objects.filter(network=OuterRef("pk")))
    ).order_by("slug"):
        report.findings["network_without_members"].append(
            Finding(f"network {network.slug}", "no membership is recorded")
        )


def _institutions_in_nothing(report: AuditReport) -> None:
    """In no network, memorandum or meeting. A body that the directory holds for another
    reason is not suspicious: a host of a network or meeting, the parent of another
    institution, or a predecessor or successor in a lineage; nor one whose record says why
    the directory holds it (`listed_because`)."""
    pk = OuterRef("pk")
    lonely = (
        Institution.objects.filter(
            ~Exists(Membership.objects.filter(member_institution=pk)),
            ~Exists(Signatory.objects.filter(institution=pk)),
            ~Exists(Meeting.objects.filter(participants__institution=pk)),
            ~Exists(Meeting.objects.filter(host=pk)),
            ~Exists(Network.objects.filter(host=pk)),
            ~Exists(Institution.objects.filter(parent=pk)),
            ~Exists(InstitutionSuccession.objects.filter(Q(predecessor=pk) | Q(successor=pk))),
            listed_because="",
        )
        .select_related("jurisdiction")
        .order_by("slug")
    )
    for institution in lonely:
        report.findings["institution_in_nothing"].append(
            Finding(f"institution {institution.slug}", "takes part in nothing recorded")
        )


def _complete_lists(report: AuditReport) -> None:
    complete = Q(list_status=ListStatus.COMPLETE, list_total__isnull=False)
    for kind, queryset in (
        ("network", Network.objects.with_list_counts()),
        ("memorandum", Memorandum.objects.with_list_counts()),
    ):
        for record in queryset.filter(complete).order_by("slug"):
            if record.listed_count != record.list_total:
                report.findings["complete_list_count_differs"].append(
                    Finding(
                        f"{kind} {record.slug}",
                        f"marked complete with an official total of {record.list_total}, "
                        f"but {record.listed_count} are listed",
                    )
                )


def _dated(records: Iterable, dates: tuple[tuple[str, str], ...], label) -> Iterable[Finding]:
    """Findings for the records whose dates are later than every source they cite (the
    loader's rule, asked of the database: an edit in the admin escapes the loader)."""
    for record in records:
        sources = list(record.sources.all())
        if not sources:
            continue
        latest = max(s.as_of for s in sources)
        for name, field_name in dates:
            value = getattr(record, field_name)
            if value is not None and value > latest:
                yield Finding(label(record), f"{name} {value} is later than its sources ({latest})")


# More than this share of at least this many dated sources on one as_of is the mark of
# sources dated by the day they were read, not by the state of affairs they describe.
SHARED_DATE_SHARE = 0.5
SHARED_DATE_MINIMUM = 20


def _sources_on_a_shared_date(report: AuditReport) -> None:
    dated = Source.objects.exclude(as_of=None)
    total = dated.count()
    if total < SHARED_DATE_MINIMUM:
        return
    date, count = (
        dated.values("as_of")
        .annotate(n=Count("pk"))
        .order_by("-n", "as_of")
        .values_list("as_of", "n")
    )[0]
    if count <= total * SHARED_DATE_SHARE:
        return
    for url in Source.objects.filter(as_of=date).order_by("url").values_list("url", flat=True):
        report.findings["source_on_shared_date"].append(
            Finding(
                f"source {url}",
                f"as_of {date}, like {count} of {total} sources: is it the date the page "
                "describes, or the day it was read? (data/README.md, Sources)",
            )
        )


def _dates_after_sources(report: AuditReport) -> None:
    found = report.findings["date_after_source"]
    organisation_dates = (("founded", "founded_on"), ("dissolved", "dissolved_on"))
    found += _dated(
        Institution.objects.prefetch_related("sources"),
        organisation_dates,
        lambda r: f"institution {r.slug}",
    )
    found += _dated(
        Network.objects.prefetch_related("sources"),
        organisation_dates,
        lambda r: f"network {r.slug}",
    )
    found += _dated(
        Membership.objects.select_related(
            "network", "member_institution", "member_network"
        ).prefetch_related("sources"),
        (("start", "start_date"), ("end", "end_date")),
        _label,
    )
    found += _dated(
        Memorandum.objects.prefetch_related("sources"),
        (("signed", "signed_on"), ("effective", "effective_on"), ("terminated", "terminated_on")),
        lambda r: f"memorandum {r.slug}",
    )
    found += _dated(
        Signatory.objects.select_related("memorandum", "institution").prefetch_related("sources"),
        (("signed", "signed_on"), ("withdrawn", "withdrawn_on")),
        lambda r: f"signatory {r.institution.slug} of {r.memorandum.slug}",
    )
    for model in (InstitutionSuccession, NetworkSuccession):
        found += _dated(
            model.objects.select_related("predecessor", "successor").prefetch_related("sources"),
            (("date", "date"),),
            lambda r: (
                f"succession {r.predecessor.slug if r.predecessor else r.former_name} "
                f"-> {r.successor.slug}"
            ),
        )


def _duplicates(report: AuditReport) -> None:
    """Institutions of one jurisdiction (networks among themselves) that share a
    normalised name, another name or an acronym."""
    found = report.findings["duplicate_names"]
    groups: dict[tuple, set[str]] = defaultdict(set)
    for institution in Institution.objects.select_related("jurisdiction").prefetch_related(
        "other_names"
    ):
        place = institution.jurisdiction.code if institution.jurisdiction else "-"
        names = {institution.name, *(n.name for n in institution.other_names.all())}
        for name in names:
            groups[("institution", place, "name", normalise(name))].add(institution.slug)
        if institution.acronym:
            groups[("institution", place, "acronym", normalise(institution.acronym))].add(
                institution.slug
            )
    for network in Network.objects.all():
        groups[("network", "-", "name", normalise(network.name))].add(network.slug)
        if network.acronym:
            groups[("network", "-", "acronym", normalise(network.acronym))].add(network.slug)
    for (kind, place, what, value), slugs in sorted(groups.items()):
        if len(slugs) > 1 and value:
            where = f" in {place}" if place != "-" else ""
            found.append(
                Finding(
                    f"{kind}s {', '.join(sorted(slugs))}",
                    f"share the {what} '{value}'{where}",
                )
            )
