"""The curated dataset in data/, loaded once per test run and copied where tests need it.

Loading data/ validates every file and writes some 26,000 rows with their history: 10 to
30 seconds, and five places in the suite need it (curation/tests/test_dataset.py,
tests/test_unknowns_dataset.py, curation/tests/test_releases.py,
reconcile/tests/test_openrefine_flow.py and the browser tests' real dataset), most of
them once in each pytest-xdist worker. Now, on SQLite, the first of them in a run loads
data/ with `load_directory` as before and keeps the rows it wrote, table by table, in a
file of the run's temporary folder (shared by the run's workers); every later one, in
that worker or another, inserts those rows into its own test database (a fraction of a
second), unless a file in data/ has changed since that load: then it loads again. They
are the rows the loader wrote, ids and timestamps included, so these tests read exactly
what they read before. The loader itself is still run on the whole of data/ in every
run: the first load here, whose summary `put` returns, and test_dataset.py's second
load over the copy, which must change nothing.

On other databases (CI's PostgreSQL run) every place loads data/ itself, as before.
"""

import hashlib
import os
import pickle
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings

from tests.sqlite_template import exclusive

DATA = Path(settings.BASE_DIR) / "data"


def run_directory(tmp_path_factory) -> Path:
    """The temporary folder of this pytest run: an xdist worker's own folder (gwN) is
    inside the one its controller made, which all the run's workers share."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _fingerprint() -> str:
    """Of every file in data/: a copy is used only while data/ is as it was loaded (it may
    be edited during a long run; a copy of an older load would then differ from a load)."""
    digest = hashlib.sha256()
    for path in sorted(DATA.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(DATA)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _tables() -> list[str]:
    """The directory's tables, parents first (the tables load_directory writes)."""
    from curation.backup import directory_models

    return [model._meta.db_table for model in directory_models()]


def _load():
    """load_directory(data/) with history recorded, whatever the calling test set: the
    copies serve tests that read history (test_dataset.py's export round trip)."""
    from curation.loader import load_directory

    with override_settings(SIMPLE_HISTORY_ENABLED=True):
        return load_directory(DATA)


def _read_tables() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every directory table's rows as SQLite stores them. `+column` (a no-op in SQLite)
    hides the declared type, so that Django's converters leave each value as stored and
    it goes back byte for byte."""
    tables = {}
    with connection.cursor() as cursor:
        for table in _tables():
            quoted_table = connection.ops.quote_name(table)
            cursor.execute(f"PRAGMA table_info({quoted_table})")
            columns = [row[1] for row in cursor.fetchall()]
            quoted = ", ".join(f"+{connection.ops.quote_name(c)}" for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {quoted_table}")
            tables[table] = (columns, cursor.fetchall())
    return tables


def _write_tables(tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    # In one transaction (or savepoint): SQLite checks foreign keys at its end.
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _tables():
            columns, rows = tables[table]
            if rows:
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",
                    rows,
                )
    # Rows written without saving a model send no signal: tell the response cache, as
    # curation.backup.import_directory does.
    from responsecache.cache import bump_content_version

    bump_content_version()


class RealDataset:
    """`put()` writes data/ into the test database, in the caller's transaction if any,
    and returns the Summary of loading data/ into an empty directory. The directory's
    tables must be empty (a copy would collide with rows already there)."""

    def __init__(self, directory: Path):
        self.file = directory / "real-dataset.pickle"
        self.lock = directory / "real-dataset.lock"

    def put(self):
        if connection.vendor != "sqlite":
            return _load()
        with exclusive(self.lock):
            fingerprint = _fingerprint()
            if self.file.exists():
                saved = pickle.loads(self.file.read_bytes())
                if saved["fingerprint"] == fingerprint:
                    _write_tables(saved["tables"])
                    return saved["summary"]
            summary = _load()
            saved = {"fingerprint": fingerprint, "summary": summary, "tables": _read_tables()}
            partial = self.file.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(saved))
            partial.replace(self.file)
            return summary
