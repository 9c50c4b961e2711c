"""Change history: who changed what, when and why, as one change set per curator action.

django-simple-history writes a historical row for every save and delete of a curated
model (and a snapshot of its cited sources). This module groups those rows:

    with recording(kind=ChangeKind.EDIT, reason="Typo in the name", user=request.user):
        institution.save()

Everything written inside the block belongs to one `ChangeSet` (created on the first
write, so a block that writes nothing leaves no trace). At the end of the block each
record keeps one historical row for the change set, whatever the number of saves it
took (a form save followed by its sources is one change), and the change set gets a
summary for the public changes page.

Writes outside any `recording()` block (the shell, a migration) still get history, but
no change set: they do not appear on the public changes page.
"""

from __future__ import annotations

import contextvars
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_m2m_records,
    pre_create_historical_record,
)

from .models import ChangeKind, ChangeSet, Source

# How many records of each model a change set's summary names; beyond, it counts them.
ITEM_LIMIT = 20
# Fields that change with every save and say nothing about what a curator changed.
UNINTERESTING_FIELDS = {"created_at", "updated_at"}

_current: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "lattice_recording", default=None
)


def tracked_models() -> list[type[models.Model]]:
    """Every model with a change history, parents before the records that refer to them."""
    found = [
        m
        for m in apps.get_models()
        if hasattr(m._meta, "simple_history_manager_attribute")
        and m._meta.app_label in ("sources", "institutions", "networks")
    ]
    ordered: list[type[models.Model]] = []

    def visit(model, path=()):
        if model in ordered or model in path:
            return
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target in found and target is not model:
                visit(target, (*path, model))
        ordered.append(model)

    for model in found:
        visit(model)
    return ordered


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


def m2m_history_models(hmodel: type[models.Model]) -> list[tuple[Any, type[models.Model]]]:
    """(field, historical through model) for each many-to-many field a history snapshots."""
    return [(f, HistoricalRecords.m2m_models[f]) for f in hmodel._history_m2m_fields]


def related_fields(hmodel: type[models.Model]) -> list[str]:
    """The record's own foreign keys on a historical model, to `select_related` them."""
    own = {f.name for f in hmodel.instance_type._meta.concrete_fields if f.is_relation}
    return [f.name for f in hmodel._meta.concrete_fields if f.is_relation and f.name in own]


def version_instance(version: models.Model) -> models.Model:
    """The record as a version stored it, with the related records the version's query
    selected (see `related_fields`) already attached, so that labelling it costs nothing."""
    instance = version.instance
    for name in related_fields(type(version)):
        field = version._meta.get_field(name)
        if field.is_cached(version):
            instance._meta.get_field(name).set_cached_value(
                instance, field.get_cached_value(version)
            )
    return instance


@dataclass(frozen=True)
class LastChange:
    at: Any  # datetime of the change
    change_set_id: int | None  # None for a write outside any recording (the shell)


def last_change(*versions: models.QuerySet) -> LastChange | None:
    """The latest change among the given historical rows (a record's own, its memberships'
    ...), in one query: the "last updated" a page shows (#18).

    The first dataset load does not count: it is when the record arrived, not when a fact
    about it changed, and showing it put the day of loading on every page. Every later
    write does: a curator's edit, an imported list, a merge, and a reload of the dataset
    that changed the record (a reload that changes nothing writes no rows).
    """
    first_load = ChangeSet.objects.filter(kind=ChangeKind.LOAD).order_by("pk").values("pk")[:1]
    rows = [
        qs.exclude(change_set__in=first_load)
        .order_by()  # a historical model's own ordering is not allowed inside a UNION
        .values("history_date", "change_set_id")
        for qs in versions
    ]
    latest = rows[0].union(*rows[1:], all=True).order_by("-history_date")[:1]
    for row in latest:
        return LastChange(row["history_date"], row["change_set_id"])
    return None


def current() -> Recording | None:
    """The recording in progress in this thread, if any."""
    return _current.get()


def describe(instance: models.Model) -> tuple[str, str]:
    """A record's label and public address, as they are now (for change summaries)."""
    try:
        label = str(instance)
    except ObjectDoesNotExist:
        label = f"{instance._meta.verbose_name} #{instance.pk}"
    url = ""
    if hasattr(instance, "get_absolute_url"):
        try:
            url = instance.get_absolute_url()
        except (ObjectDoesNotExist, AttributeError, ValueError):
            url = ""
    return label[:300], url


@dataclass
class Recording:
    """A curator action in progress: collects its historical rows under one change set."""

    kind: str
    reason: str = ""
    user: Any = None
    source: Source | None = None
    undoes: ChangeSet | None = None
    change_set: ChangeSet | None = None
    # (historical model, record id) -> its historical rows in this change set, in order.
    rows: dict[tuple[type, Any], list] = field(default_factory=dict)
    labels: dict[tuple[type, Any], tuple[str, str]] = field(default_factory=dict)
    named: Counter = field(default_factory=Counter)

    def get_change_set(self) -> ChangeSet:
        if self.change_set is None:
            self.change_set = ChangeSet.objects.create(
                created_at=timezone.now(),
                kind=self.kind,
                reason=self.reason,
                source=self.source,
                user=self.user,
                undoes=self.undoes,
            )
        return self.change_set

    def stamp(self, history_instance: models.Model) -> None:
        """Fill in the change set, reason and curator of a historical row."""
        history_instance.change_set = self.get_change_set()
        if not history_instance.history_change_reason:
            history_instance.history_change_reason = self.reason or None
        if self.user is not None:
            history_instance.history_user = self.user

    def note(self, history_instance: models.Model, instance: models.Model | None) -> None:
        key = (
            type(history_instance),
            history_instance.instance_type._meta.pk.value_from_object(history_instance),
        )
        self.rows.setdefault(key, []).append(history_instance)
        if key not in self.labels and instance is not None:
            named = self.named[key[0]]
            if named < ITEM_LIMIT:
                self.labels[key] = describe(instance)
                self.named[key[0]] = named + 1

    def record_bulk(
        self, model: type[models.Model], objects: Iterable[models.Model], history_type: str
    ) -> None:
        """Write historical rows for records saved without history (a bulk load).

        The caller saved `objects` with `skip_history_when_saving`; this writes what the
        signals would have, in a few queries: the rows, then their sources snapshots.
        """
        objects = list(objects)
        if not objects:
            return
        hmodel = history_model(model)
        change_set = self.get_change_set()
        now = timezone.now()
        rows = [
            hmodel(
                history_date=now,
                history_type=history_type,
                history_change_reason=self.reason or None,
                history_user=self.user,
                change_set=change_set,
                **{f.attname: getattr(obj, f.attname) for f in hmodel.tracked_fields},
            )
            for obj in objects
        ]
        rows = hmodel.objects.bulk_create(rows, batch_size=500)
        if any(row.history_id is None for row in rows):  # a database that returns no ids
            ids = dict(
                hmodel.objects.filter(
                    change_set=change_set, id__in=[o.pk for o in objects]
                ).values_list("id", "history_id")
            )
            for row, obj in zip(rows, objects, strict=True):
                row.history_id = ids[obj.pk]
        for m2m_field, m2m_hmodel in m2m_history_models(hmodel):
            through = m2m_field.remote_field.through
            own = m2m_field.m2m_field_name()
            by_record = defaultdict(list)
            for values in through.objects.filter(**{f"{own}__in": [o.pk for o in objects]}).values(
                *[f.attname for f in through._meta.concrete_fields]
            ):
                by_record[values[f"{own}_id"]].append(values)
            m2m_hmodel.objects.bulk_create(
                [
                    m2m_hmodel(history_id=row.history_id, **values)
                    for row in rows
                    for values in by_record[row.id]
                ],
                batch_size=500,
            )
        for row, obj in zip(rows, objects, strict=True):
            self.note(row, obj)

    def close(self) -> None:
        """One historical row per record, then the summary."""
        if self.change_set is None:
            return
        self._squash()
        self.change_set.summary = self._summary()
        # The source may be known only after the first write (an import creates it).
        self.change_set.source = self.source
        self.change_set.save(update_fields=["summary", "source"])

    def _squash(self) -> None:
        drop: dict[type, list] = defaultdict(list)
        retype: dict[tuple[type, str], list] = defaultdict(list)
        for (hmodel, _pk), rows in self.rows.items():
            if len(rows) < 2:
                continue
            first, last = rows[0], rows[-1]
            existed_before, exists_after = first.history_type != "+", last.history_type != "-"
            if not existed_before and not exists_after:
                drop[hmodel] += [r.history_id for r in rows]
                rows.clear()
                continue
            drop[hmodel] += [r.history_id for r in rows[:-1]]
            final = "~" if existed_before and exists_after else "+" if exists_after else "-"
            if last.history_type != final:
                last.history_type = final
                retype[(hmodel, final)].append(last.history_id)
            rows[:] = [last]
        for hmodel, ids in drop.items():
            for _field, m2m_hmodel in m2m_history_models(hmodel):
                m2m_hmodel.objects.filter(history_id__in=ids).delete()
            hmodel.objects.filter(history_id__in=ids).delete()
        for (hmodel, history_type), ids in retype.items():
            hmodel.objects.filter(history_id__in=ids).update(history_type=history_type)

    def _summary(self) -> dict:
        counts: dict[str, Counter] = defaultdict(Counter)
        items = []
        for key, rows in self.rows.items():
            if not rows:
                continue
            hmodel, pk = key
            row = rows[-1]
            label_lower = hmodel.instance_type._meta.label_lower
            counts[label_lower][row.history_type] += 1
            if key in self.labels:
                label, url = self.labels[key]
                items.append(
                    {
                        "model": label_lower,
                        "id": pk,
                        "type": row.history_type,
                        "label": label,
                        "url": url if row.history_type != "-" else "",
                        "fields": [],
                        "_row": row,
                    }
                )
        self._changed_fields([i for i in items if i["type"] == "~"])
        for item in items:
            del item["_row"]
        return {
            "counts": {model: dict(c) for model, c in counts.items()},
            "items": items,
        }

    def _changed_fields(self, items: list[dict]) -> None:
        """Name the fields each changed record had changed (compared with its version before)."""
        by_hmodel: dict[type, list[tuple[dict, Any, Any]]] = defaultdict(list)
        for item in items:
            row = item["_row"]
            hmodel = type(row)
            previous = (
                hmodel.objects.filter(id=row.id, history_id__lt=row.history_id)
                .order_by("-history_date", "-history_id")
                .first()
            )
            if previous is None:
                continue
            item["fields"] = [
                f.name
                for f in hmodel.tracked_fields
                if f.name not in UNINTERESTING_FIELDS
                and getattr(previous, f.attname) != getattr(row, f.attname)
            ]
            by_hmodel[hmodel].append((item, previous, row))
        for hmodel, triples in by_hmodel.items():
            for m2m_field, m2m_hmodel in m2m_history_models(hmodel):
                other = m2m_field.m2m_reverse_field_name() + "_id"
                ids = [h.history_id for _i, p, r in triples for h in (p, r)]
                snapshot = defaultdict(set)
                for history_id, target in m2m_hmodel.objects.filter(history_id__in=ids).values_list(
                    "history_id", other
                ):
                    snapshot[history_id].add(target)
                for item, previous, row in triples:
                    if snapshot[previous.history_id] != snapshot[row.history_id]:
                        item["fields"].append(m2m_field.name)


@contextmanager
def recording(
    *,
    kind: str,
    reason: str = "",
    user: Any = None,
    source: Source | None = None,
    undoes: ChangeSet | None = None,
) -> Iterator[Recording]:
    """Record every change made inside the block as one change set, in one transaction.

    A block inside another joins the outer change set.
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    rec = Recording(
        kind=kind, reason=(reason or "").strip(), user=user, source=source, undoes=undoes
    )
    token = _current.set(rec)
    try:
        with transaction.atomic():
            yield rec
            rec.close()
    finally:
        _current.reset(token)


# --- Signal receivers (connected in SourcesConfig.ready) -------------------------------


def _stamp(sender, history_instance, **kwargs) -> None:
    rec = _current.get()
    if rec is not None:
        rec.stamp(history_instance)


def _note(sender, history_instance, instance=None, **kwargs) -> None:
    rec = _current.get()
    if rec is not None:
        rec.note(history_instance, instance)


def _stash_sources(sender, instance, **kwargs) -> None:
    """Remember a record's cited sources before a delete removes them with it.

    Django deletes the many-to-many rows before the record's post_delete, when its
    historical "deleted" row is written; without this the last version of a deleted
    record would cite nothing, and restoring it would lose its sources.
    """
    stash = {}
    for m2m_field in history_model(sender)._history_m2m_fields:
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        stash[m2m_field.name] = list(
            through.objects.filter(**{own: instance.pk}).values(
                *[f.attname for f in through._meta.concrete_fields]
            )
        )
    instance._history_m2m_stash = stash


def _add_stashed_sources(sender, rows, history_instance, instance, field, **kwargs) -> None:
    if history_instance.history_type != "-" or rows:
        return
    for values in getattr(instance, "_history_m2m_stash", {}).get(field.name, []):
        rows.append(sender(history=history_instance, **values))


def connect_signals() -> None:
    pre_create_historical_record.connect(_stamp, dispatch_uid="lattice_history_stamp")
    post_create_historical_record.connect(_note, dispatch_uid="lattice_history_note")
    pre_create_historical_m2m_records.connect(
        _add_stashed_sources, dispatch_uid="lattice_history_m2m_stash"
    )
    for model in tracked_models():
        if history_model(model)._history_m2m_fields:
            pre_delete.connect(
                _stash_sources, sender=model, dispatch_uid=f"lattice_stash_{model._meta.label}"
            )
