"""Merging two records of the same institution.

Duplicates happen: the same regulator entered twice under two names. A merge moves
everything that refers to the merged record (memberships, signatures, meeting
participation, hosted networks and meetings, parts, other names, identifiers) to the
survivor, remembers the merged slug so its old addresses redirect, and deletes the
merged record. All of it is one change set: it shows in the history, and it can be
undone.

`institutions` never imports `networks`; the records that refer to an institution are
reached through its reverse relations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from sources.history import recording
from sources.models import ChangeKind, ChangeSet

from .models import Institution, InstitutionName, InstitutionRedirect, InstitutionSuccession

# Fields of the survivor filled from the merged record when the survivor has none.
FILLABLE = ["acronym", "website", "description", "listed_because", "parent"]
DATED = ["founded_on", "dissolved_on"]


class MergeRefused(Exception):
    """The two records cannot be merged; nothing was written."""


@dataclass
class MergeReport:
    """What a merge did (or, for a dry run, would do), in lines a curator reads."""

    survivor: Institution
    merged_slug: str
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    change_set: ChangeSet | None = None

    def add(self, count: int, message: str) -> None:
        if count:
            self.lines.append(message % {"n": count})


def merge_institutions(
    *,
    survivor: Institution,
    merged: Institution,
    user: Any = None,
    reason: str = "",
    dry_run: bool = False,
) -> MergeReport:
    """Merge `merged` into `survivor` in one transaction; see the module docstring.

    With `dry_run`, the merge is done and rolled back: the report says what it would do.
    """
    if survivor.pk == merged.pk:
        raise MergeRefused(_("An institution cannot be merged with itself."))
    report = MergeReport(survivor=survivor, merged_slug=merged.slug)
    for name, mine, theirs in (
        (_("jurisdiction"), survivor.jurisdiction_id, merged.jurisdiction_id),
        (_("branch"), survivor.branch, merged.branch),
    ):
        if mine and theirs and mine != theirs:
            report.warnings.append(
                _("The two records differ in %(field)s: check they are the same institution.")
                % {"field": name}
            )
    with transaction.atomic():
        with recording(kind=ChangeKind.MERGE, reason=reason, user=user) as rec:
            survivor = Institution.objects.select_for_update().get(pk=survivor.pk)
            merged = Institution.objects.select_for_update().get(pk=merged.pk)
            _fill_blanks(survivor, merged, report)
            _move_memberships(survivor, merged, report)
            _move_signatures(survivor, merged, report)
            _move_participations(survivor, merged, report)
            _move_names_and_identifiers(survivor, merged, report)
            _move_successions(survivor, merged, report)
            _move_simple_references(survivor, merged, report)
            for redirect in merged.redirects.all():  # slugs merged into it before
                redirect.institution = survivor
                redirect.save()
            InstitutionRedirect.objects.create(old_slug=merged.slug, institution=survivor)
            try:
                merged.delete()
            except ProtectedError as exc:  # a reference this merge does not know how to move
                raise MergeRefused(
                    _("Records still refer to %(merged)s: %(refs)s")
                    % {
                        "merged": merged,
                        "refs": ", ".join(str(o) for o in list(exc.protected_objects)[:5]),
                    }
                ) from exc
        report.change_set = rec.change_set
        if dry_run:
            transaction.set_rollback(True)
            report.change_set = None
    return report


def _fill_blanks(survivor: Institution, merged: Institution, report: MergeReport) -> None:
    filled = []
    for name in FILLABLE:
        attname = survivor._meta.get_field(name).attname
        if not getattr(survivor, attname) and getattr(merged, attname):
            if name == "parent" and merged.parent_id == survivor.pk:
                continue
            setattr(survivor, attname, getattr(merged, attname))
            filled.append(str(survivor._meta.get_field(name).verbose_name))
    for name in DATED:
        if getattr(survivor, name) is None and getattr(merged, name) is not None:
            setattr(survivor, name, getattr(merged, name))
            setattr(survivor, f"{name}_precision", getattr(merged, f"{name}_precision"))
            filled.append(str(survivor._meta.get_field(name).verbose_name))
    if survivor.parent_id == merged.pk:  # the survivor was part of the merged record
        survivor.parent_id = merged.parent_id
    survivor.save()
    # The merged record's facts now live on the survivor: so do their sources.
    new_sources = set(merged.sources.values_list("pk", flat=True)) - set(
        survivor.sources.values_list("pk", flat=True)
    )
    if new_sources:
        survivor.sources.add(*new_sources)
    if filled:
        report.lines.append(
            _("Filled in from the merged record: %(fields)s.") % {"fields": ", ".join(filled)}
        )
    names = set(survivor.other_names.values_list("name", flat=True))
    if merged.name != survivor.name and merged.name not in names:
        InstitutionName.objects.create(
            institution=survivor, name=merged.name, note=_("name of a merged duplicate record")
        )
        report.lines.append(_("“%(name)s” kept as another name.") % {"name": merged.name})


def _move_memberships(survivor: Institution, merged: Institution, report: MergeReport) -> None:
    """Move memberships; a period the survivor also holds (the duplicate's copy) is combined."""
    moved = combined = 0
    mine = list(survivor.memberships.all())
    for m in merged.memberships.prefetch_related("sources"):
        twin = next(
            (
                s
                for s in mine
                if s.network_id == m.network_id and s.role == m.role and s.overlaps(m)
            ),
            None,
        )
        if twin is None:
            m.member_institution = survivor
            m.save()
            mine.append(m)
            moved += 1
            continue
        # Both records hold the same period: keep the survivor's, widened to cover both.
        if m.start_date is not None and (twin.start_date is None or m.start_date < twin.start_date):
            twin.start_date, twin.start_date_precision = m.start_date, m.start_date_precision
        if twin.end_date is not None and (m.end_date is None or m.end_date > twin.end_date):
            twin.end_date, twin.end_date_precision = m.end_date, m.end_date_precision
            twin.end_reason = m.end_reason if m.end_date else ""
        twin.label = twin.label or m.label
        if m.last_verified_on and (
            twin.last_verified_on is None or m.last_verified_on > twin.last_verified_on
        ):
            twin.last_verified_on = m.last_verified_on
        sources = [s.pk for s in m.sources.all()]
        m.delete()
        twin.save()
        twin.sources.add(*sources)
        combined += 1
    report.add(moved, _("%(n)s membership(s) move to the survivor."))
    report.add(combined, _("%(n)s membership(s) held by both records are combined."))


def _move_signatures(survivor: Institution, merged: Institution, report: MergeReport) -> None:
    moved = combined = 0
    mine = {s.memorandum_id: s for s in survivor.signatures.all()}
    for s in merged.signatures.prefetch_related("sources"):
        twin = mine.get(s.memorandum_id)
        if twin is None:
            s.institution = survivor
            s.save()
            moved += 1
            continue
        if s.signed_on and (twin.signed_on is None or s.signed_on < twin.signed_on):
            twin.signed_on, twin.signed_on_precision = s.signed_on, s.signed_on_precision
        twin.tier = twin.tier or s.tier
        if twin.withdrawn_on and s.withdrawn_on is None:
            twin.withdrawn_on = None
        sources = [x.pk for x in s.sources.all()]
        s.delete()
        twin.save()
        twin.sources.add(*sources)
        combined += 1
    report.add(moved, _("%(n)s signature(s) move to the survivor."))
    report.add(combined, _("%(n)s signature(s) of the same memorandum are combined."))


def _move_participations(survivor: Institution, merged: Institution, report: MergeReport) -> None:
    moved = dropped = 0
    attended = set(survivor.meeting_participations.values_list("meeting_id", flat=True))
    for p in merged.meeting_participations.all():
        if p.meeting_id in attended:
            p.delete()
            dropped += 1
        else:
            p.institution = survivor
            p.save()
            moved += 1
    report.add(moved, _("%(n)s meeting participation(s) move to the survivor."))
    report.add(dropped, _("%(n)s meeting participation(s) were listed for both; one is kept."))


def _move_names_and_identifiers(
    survivor: Institution, merged: Institution, report: MergeReport
) -> None:
    names = set(survivor.other_names.values_list("name", flat=True))
    moved = 0
    for n in merged.other_names.all():
        if n.name in names or n.name == survivor.name:
            continue  # deleted with the merged record (kept in the history)
        n.institution = survivor
        n.save()
        names.add(n.name)
        moved += 1
    report.add(moved, _("%(n)s other name(s) move to the survivor."))
    schemes = {i.scheme: i for i in survivor.identifiers.all()}
    for i in merged.identifiers.all():
        if i.scheme in schemes:
            report.warnings.append(
                _(
                    "The merged record's %(scheme)s %(theirs)s is dropped: the survivor has "
                    "%(mine)s (it stays in the history)."
                )
                % {
                    "scheme": i.get_scheme_display(),
                    "theirs": i.identifier,
                    "mine": schemes[i.scheme].identifier,
                }
            )
            continue
        i.institution = survivor
        i.save()
        report.lines.append(_("Identifier %(id)s moves to the survivor.") % {"id": i})


def _move_successions(survivor: Institution, merged: Institution, report: MergeReport) -> None:
    """Lineage moves too; a succession between the two records (now one) or one the
    survivor also records is dropped (it stays in the history)."""
    moved = dropped = 0
    links = InstitutionSuccession.objects.filter(predecessor=merged) | (
        InstitutionSuccession.objects.filter(successor=merged)
    )
    for link in links.prefetch_related("sources"):
        predecessor = survivor.pk if link.predecessor_id == merged.pk else link.predecessor_id
        successor = survivor.pk if link.successor_id == merged.pk else link.successor_id
        twin = InstitutionSuccession.objects.filter(
            predecessor_id=predecessor, successor_id=successor, former_name=link.former_name
        ).first()
        if predecessor == successor or twin is not None:
            if twin is not None:
                twin.sources.add(*link.sources.all())
            link.delete()
            dropped += 1
            continue
        link.predecessor_id, link.successor_id = predecessor, successor
        link.save()
        moved += 1
    report.add(moved, _("%(n)s succession(s) move to the survivor."))
    report.add(dropped, _("%(n)s succession(s) between or shared by the two records are dropped."))


def _move_simple_references(
    survivor: Institution, merged: Institution, report: MergeReport
) -> None:
    """Every other record pointing at the merged one (hosts, parts, and any relation
    added later) points at the survivor instead."""
    handled = {
        "memberships",
        "signatures",
        "meeting_participations",
        "other_names",
        "identifiers",
        "redirects",
        "successor_links",
        "predecessor_links",
    }
    for rel in Institution._meta.related_objects:
        if not rel.one_to_many or rel.get_accessor_name() in handled:
            continue
        moved = 0
        for obj in rel.related_model._default_manager.filter(**{rel.field.name: merged}):
            if obj.pk == survivor.pk:
                continue  # the survivor itself was part of the merged record: done above
            setattr(obj, rel.field.name, survivor)
            obj.save()
            moved += 1
        if moved:
            report.lines.append(
                _("%(n)s %(what)s now refer to the survivor.")
                % {"n": moved, "what": rel.related_model._meta.verbose_name_plural}
            )
