"""Undoing a change set: put every record it touched back as it was before.

Works for any change set (an edit, a deletion, an imported list, a merge, even an
undo): records it created are deleted, records it changed get their previous version
back (with their sources), records it deleted are re-created as they were, with their
original ids. The undo is itself a change set, so it can be undone in turn.

One exception: a source that a change set rests on (an imported list) stays, even when
the undone change set added it. Change sets outlive what they changed (the public changes
page lists the undone import, and its undo), and `ChangeSet.source` protects it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from .bulk import BATCH, update_in_groups
from .history import (
    UNINTERESTING_FIELDS,
    describe,
    history_model,
    m2m_history_models,
    recording,
    related_fields,
    tracked_models,
    version_instance,
)
from .models import ChangeKind, ChangeSet, Source


class UndoRefused(Exception):
    """The change set cannot be undone automatically; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class UndoStep:
    """One record to put back: delete it, restore its previous version, or re-create it."""

    model: type[models.Model]
    pk: Any
    action: str  # "delete" | "restore" | "recreate" | "keep"
    label: str
    version: Any = None  # the historical row to go back to (restore, recreate)

    @property
    def model_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def action_display(self) -> str:
        return {
            "delete": _("delete (it was added)"),
            "restore": _("restore the earlier version"),
            "recreate": _("restore (it was deleted)"),
            "keep": _("keep (a change set rests on it)"),
        }[self.action]


@dataclass
class UndoPlan:
    change_set: ChangeSet
    steps: list[UndoStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for s in self.steps if s.action == action)

    @property
    def deletes(self) -> int:
        return self.count("delete")

    @property
    def restores(self) -> int:
        return self.count("restore")

    @property
    def recreates(self) -> int:
        return self.count("recreate")

    @property
    def keeps(self) -> int:
        return self.count("keep")


def plan_undo(change_set: ChangeSet) -> UndoPlan:
    """What undoing `change_set` would do, and what stands in its way."""
    plan = UndoPlan(change_set)
    later = change_set.undone_by.order_by("created_at").first()
    if later is not None:
        plan.problems.append(
            _("This change set was already undone (change set #%(id)s).") % {"id": later.pk}
        )
    # Sources change sets rest on (ChangeSet.source protects them): kept, not deleted.
    evidence = {
        Source: set(ChangeSet.objects.exclude(source=None).values_list("source_id", flat=True))
    }
    for model in tracked_models():
        hmodel = history_model(model)
        rows = list(
            hmodel.objects.filter(change_set=change_set).select_related(*related_fields(hmodel))
        )
        if not rows:
            continue
        row_ids = {r.history_id for r in rows}
        others: dict[Any, list] = {}
        for other in hmodel.objects.filter(id__in=[r.id for r in rows]).exclude(
            history_id__in=row_ids
        ):
            others.setdefault(other.id, []).append(other)
        for row in rows:
            label = _history_label(row)
            newer = [o for o in others.get(row.id, []) if o.history_id > row.history_id]
            if newer:
                plan.problems.append(
                    _(
                        "%(record)s was changed again afterwards (%(date)s); undo or revert "
                        "that change first."
                    )
                    % {"record": label, "date": max(o.history_date for o in newer).date()}
                )
                continue
            if row.history_type == "+" and row.id in evidence.get(model, set()):
                plan.steps.append(UndoStep(model, row.id, "keep", label))
            elif row.history_type == "+":
                plan.steps.append(UndoStep(model, row.id, "delete", label))
            elif row.history_type == "-":
                plan.steps.append(UndoStep(model, row.id, "recreate", label, row))
            else:
                older = [o for o in others.get(row.id, []) if o.history_id < row.history_id]
                if not older:
                    plan.problems.append(
                        _("No version of %(record)s before this change is recorded.")
                        % {"record": label}
                    )
                    continue
                previous = max(older, key=lambda o: o.history_id)
                plan.steps.append(UndoStep(model, row.id, "restore", label, previous))
    return plan


def undo_change_set(*, change_set: ChangeSet, user: Any = None, reason: str = "") -> ChangeSet:
    """Undo `change_set` in one transaction, recorded as a new change set.

    Raises UndoRefused (writing nothing) when a record was changed again since, when no
    earlier version is recorded, or when the database refuses the result.
    """
    try:
        with transaction.atomic():
            plan = plan_undo(change_set)
            if plan.problems:
                raise UndoRefused(plan.problems)
            with recording(
                kind=ChangeKind.UNDO, reason=reason, user=user, undoes=change_set
            ) as rec:
                # Parents before children when putting records back; children first when
                # removing them.
                _recreate([s for s in plan.steps if s.action == "recreate"], rec)
                _restore([s for s in plan.steps if s.action == "restore"], rec)
                for model, pks in _children_first([s for s in plan.steps if s.action == "delete"]):
                    # Records that went with a parent (CASCADE) are simply not found.
                    model._default_manager.filter(pk__in=pks).delete()
            if rec.change_set is None:  # nothing to write: still say it was undone
                rec.get_change_set()
            return rec.change_set
    except ProtectedError as exc:
        refs = ", ".join(str(o) for o in list(exc.protected_objects)[:5])
        raise UndoRefused(
            [_("Records added since refer to what this would delete: %(refs)s.") % {"refs": refs}]
        ) from exc
    except IntegrityError as exc:
        raise UndoRefused(
            [_("The database refused the result: %(error)s.") % {"error": exc}]
        ) from exc


def _children_first(steps: list[UndoStep]) -> list[tuple[type[models.Model], list]]:
    """The records to delete, a batch at a time, in an order their protected references
    allow: models that refer to others first (tracked_models, reversed), and within a
    model the records deepest in a chain of parents first (a subdivision before its
    country, an office before the institution it is part of)."""
    result = []
    for model in reversed(tracked_models()):
        pks = {s.pk for s in steps if s.model is model}
        if not pks:
            continue
        own = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is model
        ]
        parents = {
            values["pk"]: [values[a] for a in own if values[a] in pks]
            for values in model._default_manager.filter(pk__in=pks).values("pk", *own)
        }
        layers: dict[int, list] = defaultdict(list)
        for pk, depth in _depths(parents).items():
            layers[depth].append(pk)
        for depth in sorted(layers, reverse=True):
            for start in range(0, len(layers[depth]), BATCH):
                result.append((model, layers[depth][start : start + BATCH]))
    return result


def _depths(parents: dict[Any, list]) -> dict[Any, int]:
    """How many records up each record's chain of parents reaches (0: no parent)."""
    depth: dict[Any, int] = {}
    for start in parents:
        chain, pk = [], start
        while pk not in depth and pk not in chain:
            above = parents.get(pk, [])
            if not above:
                depth[pk] = 0
                break
            chain.append(pk)
            pk = above[0]  # one parent field per model here (`parent`)
        base = depth.get(pk, 0)
        for offset, item in enumerate(reversed(chain)):
            depth.setdefault(item, base + 1 + offset)
    return depth


def _history_label(row) -> str:
    try:
        return describe(version_instance(row))[0]
    except Exception:  # a version referring to records long gone
        return f"{row.instance_type._meta.verbose_name} #{row.id}"


def _recreate(steps: list[UndoStep], rec) -> None:
    """Insert deleted records as they were, with their ids, original creation times and
    sources, a model at a time (parents first)."""
    for model in tracked_models():
        mine = {s.pk: s.version for s in steps if s.model is model}
        if not mine:
            continue
        objs = []
        for version in mine.values():
            obj = version.instance
            # A raw save writes the stored values as they are (no auto_now) and no
            # history row; the history row is written below, with the record's sources.
            obj.save_base(raw=True, force_insert=True)
            objs.append(obj)
        for m2m_field, m2m_hmodel in m2m_history_models(history_model(model)):
            _restore_m2m(m2m_field, m2m_hmodel, mine)
        for start in range(0, len(objs), BATCH):
            rec.record_bulk(model, objs[start : start + BATCH], "+")


def _restore(steps: list[UndoStep], rec) -> None:
    """Put records back as their earlier versions were, sources included, a model at a
    time in a few queries (an undone list of 2,000 rows restores as many records)."""
    for model in tracked_models():
        mine = {s.pk: s.version for s in steps if s.model is model}
        if not mine:
            continue
        hmodel = history_model(model)
        fields = [
            f.attname
            for f in hmodel.tracked_fields
            if not f.primary_key and f.name not in UNINTERESTING_FIELDS
        ]
        current = model._default_manager.in_bulk(list(mine))
        changes = []
        for pk, version in mine.items():
            obj = current[pk]
            changed = {a for a in fields if getattr(obj, a) != getattr(version, a)}
            for attname in changed:
                setattr(obj, attname, getattr(version, attname))
            changes.append((obj, changed))
        update_in_groups(model, [(obj, changed) for obj, changed in changes if changed])
        for m2m_field, m2m_hmodel in m2m_history_models(hmodel):
            _restore_m2m(m2m_field, m2m_hmodel, mine)
        for start in range(0, len(changes), BATCH):
            rec.record_bulk(model, [obj for obj, _c in changes[start : start + BATCH]], "~")


def _restore_m2m(m2m_field, m2m_hmodel, versions: dict[Any, Any]) -> None:
    """Give each record the related records (sources) its version cited, those that
    still exist, adding and removing links in bulk."""
    through = m2m_field.remote_field.through
    own = m2m_field.m2m_field_name() + "_id"
    other = m2m_field.m2m_reverse_field_name() + "_id"
    record_of = {version.history_id: pk for pk, version in versions.items()}
    wanted: dict[Any, set] = defaultdict(set)
    for history_id, target in m2m_hmodel.objects.filter(history_id__in=list(record_of)).values_list(
        "history_id", other
    ):
        wanted[record_of[history_id]].add(target)
    targets = {t for ts in wanted.values() for t in ts}
    existing = set(
        m2m_field.related_model._default_manager.filter(pk__in=targets).values_list("pk", flat=True)
    )
    have: dict[Any, dict] = defaultdict(dict)
    for link, pk, target in through.objects.filter(**{f"{own}__in": list(versions)}).values_list(
        "pk", own, other
    ):
        have[pk][target] = link
    drop = [
        link for pk in versions for target, link in have[pk].items() if target not in wanted[pk]
    ]
    for start in range(0, len(drop), BATCH):
        through.objects.filter(pk__in=drop[start : start + BATCH]).delete()
    through.objects.bulk_create(
        [
            through(**{own: pk, other: target})
            for pk in versions
            for target in sorted((wanted[pk] & existing) - have[pk].keys())
        ],
        batch_size=BATCH,
    )
