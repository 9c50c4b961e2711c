"""Writing many changed records at once, for the imports and undos of large change sets.

Saving record by record costs a few queries each (the row, its historical row, its
sources and theirs): a 2,000-row list took a minute. `update_in_groups` writes the
changed fields of many records in a few queries; the caller then records one version of
each in its change set with `Recording.record_bulk`, which gives the same history as
record-by-record saves would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import models
from django.utils import timezone

# Rows an INSERT or UPDATE names at most (well under every database's parameter limit).
BATCH = 500
# Records changed to the same values that are worth an UPDATE of their own.
GROUP = 20


def update_in_groups(
    model: type[models.Model],
    changes: Iterable[tuple[models.Model, set[str]]],
    *,
    written: Callable[[int], None] | None = None,
) -> None:
    """Write each record's `fields` (the values it holds now), as a save would.

    Records changed to the same values (verified on a list's date, ended on it, put back
    to the same earlier version) are written by one UPDATE a group; the few changed each
    their own way, by one `bulk_update`, whose CASE expressions cost far more time a
    record. `updated_at` is set as `auto_now` would on a save. `written(n)` hears of each
    batch.
    """
    stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    now = timezone.now()
    groups: dict[tuple, list] = defaultdict(list)
    fields_of: dict = {}
    for obj, fields in changes:
        fields = set(fields)
        if stamped:
            obj.updated_at = now
            fields.add("updated_at")
        fields_of[obj.pk] = fields
        groups[tuple(sorted((f, getattr(obj, f)) for f in fields))].append(obj)
    stragglers: list = []
    manager = model._default_manager
    for values, objs in groups.items():
        if len(objs) < GROUP:
            stragglers += objs
            continue
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            manager.filter(pk__in=[o.pk for o in batch]).update(**dict(values))
            if written is not None:
                written(len(batch))
    for start in range(0, len(stragglers), BATCH):
        batch = stragglers[start : start + BATCH]
        manager.bulk_update(batch, sorted({f for o in batch for f in fields_of[o.pk]}))
        if written is not None:
            written(len(batch))
