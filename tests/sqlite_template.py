"""Migrate the SQLite test database once, then copy it.

On SQLite every pytest-xdist worker used to run all 52 migrations into its own in-memory
test database: about 8 s per worker, most of it Django rendering model states, and more
than a tenth of `make test-fast`. Now the first worker to get there migrates as usual and
saves the result under .pytest_cache/; every other worker, and every later run, copies
that file into its in-memory database with SQLite's backup API (tens of milliseconds).

The saved database is named after the contents of every installed app's migration files
and Django's version, so a new or edited migration is migrated afresh. Migrations
themselves stay tested: on the first run after any change, and on PostgreSQL (CI's full
run), which this does not touch. Rows written by data migrations and by post_migrate
(content types, permissions, the Curators group) are in the copy, as they would be after
migrating.
"""

import contextlib
import fcntl
import hashlib
import sqlite3
from pathlib import Path


def migrations_key() -> str:
    import django
    from django.apps import apps

    digest = hashlib.sha256(django.get_version().encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted((Path(app_config.path) / "migrations").glob("*.py")):
            digest.update(f"{app_config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@contextlib.contextmanager
def exclusive(lock_file: Path):
    """One process at a time: the others wait while the first one works (migrates the
    template here; loads the real dataset in tests/real_dataset.py)."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(directory: Path) -> None:
    """Make SQLite's in-memory test databases copy a saved, migrated database."""
    from django.core import management
    from django.db import connections
    from django.db.backends.sqlite3.creation import DatabaseCreation

    create_test_db = DatabaseCreation.create_test_db
    call_command = management.call_command

    def migrate_or_copy(alias: str, migrate) -> None:
        connection = connections[alias]
        template = directory / f"{alias}-{migrations_key()}.sqlite3"
        with exclusive(directory / "lock"):
            connection.ensure_connection()
            if template.exists():
                source = sqlite3.connect(template)
                try:
                    source.backup(connection.connection)
                finally:
                    source.close()
                return
            migrate()
            for stale in directory.glob(f"{alias}-*.sqlite3"):
                stale.unlink()
            partial = template.with_suffix(".partial")
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            partial.replace(template)

    def create_test_db_from_template(self, *args, **kwargs):
        from django.conf import settings

        migrating = (
            self.connection.settings_dict["TEST"].get("MIGRATE", True) is not False
            and type(settings.MIGRATION_MODULES) is dict  # pytest --nomigrations swaps it
            and not settings.MIGRATION_MODULES
        )
        if not migrating or not self.is_in_memory_db(self._get_test_db_name()):
            return create_test_db(self, *args, **kwargs)

        def call_command_copying_migrations(name, *command_args, **options):
            if name != "migrate":
                return call_command(name, *command_args, **options)
            migrate_or_copy(
                options["database"], lambda: call_command(name, *command_args, **options)
            )

        # create_test_db imports call_command from django.core.management when it runs.
        management.call_command = call_command_copying_migrations
        try:
            return create_test_db(self, *args, **kwargs)
        finally:
            management.call_command = call_command

    DatabaseCreation.create_test_db = create_test_db_from_template
