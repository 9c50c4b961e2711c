"""Member-list imports: a curator's list applied to a network or memorandum.

All-or-nothing inside a transaction, and recorded as one change set
(sources.history.recording).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from curation.member_lists import (
    ActionKind,
    MemberListPlan,
    Table,
    plan_member_list,
)
from institutions.models import IdentifierScheme, Institution, InstitutionIdentifier
from networks.models import Membership, Memorandum, Network, Role, Signatory
from sources.history import recording
from sources.models import ChangeKind, ChangeSet, Source
from sources.partial_dates import DatePrecision


class ImportRefused(Exception):
    """The list was not applied; nothing was written."""

    def __init__(self, message: str, plan: MemberListPlan | None = None):
        self.plan = plan
        super().__init__(message)


def import_member_list(
    *,
    target: Network | Memorandum,
    table: Table,
    list_date: datetime.date,
    source_url: str,
    source_title: str = "",
    source_publisher: str = "",
    columns: dict[str, str] | None = None,
    end_missing: bool = True,
    default_role: str = Role.MEMBER,
    user: Any = None,
    reason: str = "",
    expected_fingerprint: str | None = None,
    dry_run: bool = False,
) -> tuple[MemberListPlan, ChangeSet | None]:
    """Apply a network's member list (or a memorandum's signatory list) in one step.

    The plan is computed again inside the transaction. Refused (ImportRefused, nothing
    written) when any row is invalid, or when `expected_fingerprint` (that of the plan the
    curator previewed) no longer matches: the directory changed since the preview. Every
    record the list touches cites one source, the list (its URL and date), and the whole
    import is one change set. With `dry_run`, everything is written and rolled back.
    """
    with transaction.atomic():
        # Two curators importing lists for one network at once would each plan against a
        # state the other is changing: lock the target row for the duration.
        type(target).objects.select_for_update().filter(pk=target.pk).first()
        plan = plan_member_list(
            target=target,
            table=table,
            columns=columns,
            list_date=list_date,
            end_missing=end_missing,
            default_role=default_role,
        )
        if plan.errors:
            raise ImportRefused(
                _("The list has %(n)s invalid row(s); fix them and upload it again.")
                % {"n": len({e.row for e in plan.errors})},
                plan,
            )
        if expected_fingerprint is not None and plan.fingerprint() != expected_fingerprint:
            raise ImportRefused(
                _(
                    "What the list would do changed since the preview (the columns or the "
                    "directory); review the new preview."
                ),
                plan,
            )
        try:
            with recording(kind=ChangeKind.IMPORT, reason=reason, user=user) as rec:
                source = _list_source(source_url, source_title, source_publisher, list_date)
                rec.source = source
                if plan.for_network:
                    _apply_network(plan, source)
                else:
                    _apply_memorandum(plan, source)
        except IntegrityError as exc:
            raise ImportRefused(
                _("The database refused the list: %(error)s") % {"error": exc}, plan
            ) from exc
        if dry_run:
            transaction.set_rollback(True)
    return plan, rec.change_set


def _list_source(url: str, title: str, publisher: str, on: datetime.date) -> Source:
    """The list as a source; a known URL read again counts as read on the list's date."""
    source = Source.objects.filter(url=url).first()
    if source is None:
        source = Source(url=url, title=title[:300], publisher=publisher[:200], accessed_on=on)
        source.full_clean()
        source.save()
        return source
    changed = False
    if on > source.accessed_on:
        source.accessed_on, changed = on, True
    if title and not source.title:
        source.title, changed = title[:300], True
    if publisher and not source.publisher:
        source.publisher, changed = publisher[:200], True
    if changed:
        source.save()
    return source


def _cited(model: type[models.Model], records: list, source: Source) -> set:
    """Ids of `records` that already cite `source` (one query)."""
    through = model.sources.through
    own = model._meta.get_field("sources").m2m_field_name()
    return set(
        through.objects.filter(
            **{f"{own}__in": [r.pk for r in records]}, source=source
        ).values_list(f"{own}_id", flat=True)
    )


def _new_member(row, source: Source) -> Institution | Network:
    if row.member is not None:
        return row.member
    values = dict(row.new_institution)
    qid = values.pop("wikidata")
    institution = Institution(**values)
    institution.full_clean()
    institution.save()
    institution.sources.set([source])
    if qid:
        InstitutionIdentifier.objects.create(
            institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier=qid
        )
    row.member = institution
    return institution


def _apply_network(plan: MemberListPlan, source: Source) -> None:
    on = plan.list_date
    existing = [a.record for a in plan.actions if a.record is not None]
    cited = _cited(Membership, existing, source)

    def verified(m: Membership, **changes) -> None:
        """Save what changed, mark it verified on the list's date, cite the list."""
        for name, value in changes.items():
            setattr(m, name, value)
        if changes or m.last_verified_on != on:
            m.last_verified_on = on
            m.save()
        if m.pk not in cited:
            m.sources.add(source)

    def create(row, **values) -> None:
        member = _new_member(row, source)
        kind = "member_network" if isinstance(member, Network) else "member_institution"
        m = Membership(
            network=plan.target,
            role=row.role,
            label=row.label,
            last_verified_on=on,
            **{kind: member},
            **values,
        )
        m.save()
        m.sources.set([source])

    for action in plan.actions:
        row, m = action.row, action.record
        if action.kind == ActionKind.CONFIRM:
            verified(m)
        elif action.kind == ActionKind.UPDATE:
            changes = {}
            if "label" in action.changes:
                changes["label"] = row.label
            if "start_date" in action.changes:
                changes.update(start_date=row.date, start_date_precision=row.date_precision)
            verified(m, **changes)
        elif action.kind == ActionKind.END:
            verified(m, end_date=on, end_date_precision=DatePrecision.DAY)
        elif action.kind == ActionKind.ROLE:
            verified(m, end_date=on, end_date_precision=DatePrecision.DAY)
            create(row, start_date=on, start_date_precision=DatePrecision.DAY)
        elif action.kind == ActionKind.ADD:
            create(row, start_date=row.date, start_date_precision=row.date_precision)


def _apply_memorandum(plan: MemberListPlan, source: Source) -> None:
    existing = [a.record for a in plan.actions if a.record is not None]
    cited = _cited(Signatory, existing, source)
    for action in plan.actions:
        row, s = action.row, action.record
        if action.kind == ActionKind.ADD:
            s = Signatory(
                memorandum=plan.target,
                institution=_new_member(row, source),
                signed_on=row.date,
                signed_on_precision=row.date_precision,
                tier=row.tier,
            )
            s.save()
            s.sources.set([source])
            continue
        if action.kind in (ActionKind.UPDATE, ActionKind.REJOIN):
            if "tier" in action.changes:
                s.tier = row.tier
            if "signed_on" in action.changes:
                s.signed_on, s.signed_on_precision = row.date, row.date_precision
            if action.kind == ActionKind.REJOIN:
                s.withdrawn_on = None
            s.save()
        elif action.kind == ActionKind.WITHDRAW:
            s.withdrawn_on = plan.list_date
            s.save()
        elif action.kind != ActionKind.CONFIRM:
            continue
        if s.pk not in cited:
            s.sources.add(source)
