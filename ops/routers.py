"""Read replicas: send reads to PostgreSQL replicas, writes to the primary.

Turned on by configuration alone: DATABASE_REPLICA_URLS lists the replicas, and
settings.py adds them as `replica_0`, `replica_1`… with this router. Reads inside a
transaction stay on the primary (they must see its own writes), as do reads while
`use_primary()` is active, e.g. for a curator right after an edit. Migrations run on
the primary only; replicas receive them through replication.
"""

import contextvars
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

PRIMARY = "default"
_pinned = contextvars.ContextVar("lattice_use_primary", default=False)


@contextmanager
def use_primary() -> Iterator[None]:
    """Read from the primary inside this block (read-your-writes)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    """Reads to a random replica, writes and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or _pinned.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return random.choice(replicas)

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Every alias holds the same data: objects from any of them may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == PRIMARY
