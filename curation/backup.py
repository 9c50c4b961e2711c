"""The whole directory, history included, as a portable set of files (and back).

`export_directory(out)` writes one JSON Lines file per table of the directory's apps
(sources, institutions, networks): the records, their many-to-many links, every
historical version and its sources snapshot, the change sets and the merge redirects.
A `manifest.json` lists the files with their row counts and SHA-256, the migrations the
data was written under, and the versions of Django and django-simple-history.

`import_directory(path)` restores such a folder into a database whose directory tables
are empty and migrated to the same migrations, keeping every id, date and timestamp, so
that exporting again gives the same files.

Accounts are not exported (their passwords have no business in a data file): only the
user names that history refers to. On import, a name that has no account gets an
inactive one without a password, so history still says who changed what; an
administrator can activate it.

Not exported: the link checker's results (links/, derived and re-checked) and
sessions. For a deployment's routine backups use PostgreSQL's own tools (README).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from responsecache.cache import bump_content_version

FORMAT = "lattice-directory"
FORMAT_VERSION = 1
APPS = ["sources", "institutions", "networks"]
BATCH = 1000


class BackupError(Exception):
    """The folder cannot be written or restored; nothing was changed."""


def directory_models() -> list[type[models.Model]]:
    """Every table of the directory, parents before children where that is defined."""
    from django.apps import apps

    found = [
        m
        for label in APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
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

    for model in sorted(found, key=lambda m: m._meta.label_lower):
        visit(model)
    return ordered


def _user_fields(model) -> list[models.Field]:
    user_model = get_user_model()
    return [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model
    ]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _migrations() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {app: sorted(name for a, name in applied if a == app) for app in APPS}


def export_directory(out: Path) -> dict:
    """Write the directory to the folder `out` (created; must be empty). Returns the manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty.")
    out.mkdir(parents=True, exist_ok=True)
    files = []
    user_ids: set[int] = set()
    with transaction.atomic():  # one consistent snapshot on PostgreSQL (repeatable enough)
        for model in directory_models():
            attnames = [f.attname for f in model._meta.concrete_fields]
            name = f"{model._meta.label_lower}.jsonl"
            digest, rows = hashlib.sha256(), 0
            with (out / name).open("w", encoding="utf-8") as fh:
                for row in (
                    model._default_manager.order_by("pk")
                    .values_list(*attnames)
                    .iterator(chunk_size=2000)
                ):
                    line = json.dumps(
                        dict(zip(attnames, row, strict=True)),
                        default=_encode,
                        ensure_ascii=False,
                        sort_keys=True,
                    )
                    fh.write(line + "\n")
                    digest.update((line + "\n").encode())
                    rows += 1
            for f in _user_fields(model):
                user_ids.update(
                    model._default_manager.exclude(**{f.attname: None}).values_list(
                        f.attname, flat=True
                    )
                )
            files.append(
                {
                    "model": model._meta.label_lower,
                    "file": name,
                    "rows": rows,
                    "sha256": digest.hexdigest(),
                }
            )
        users = dict(
            get_user_model()
            ._default_manager.filter(pk__in=user_ids)
            .order_by("pk")
            .values_list("pk", get_user_model().USERNAME_FIELD)
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "versions": {
            "django": version("django"),
            "django-simple-history": version("django-simple-history"),
        },
        "migrations": _migrations(),
        "users": {str(pk): name for pk, name in users.items()},
        "files": files,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def import_directory(path: Path) -> dict[str, int]:
    """Restore an exported folder into an empty, equally migrated database; rows per model."""
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} has no readable manifest.json: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is not a Lattice directory export (format {FORMAT_VERSION}).")
    if manifest.get("migrations") != _migrations():
        raise BackupError(
            "The export was written under other migrations than this database's. Restore it "
            "with the same version of Lattice (then migrate)."
        )
    by_label = {m._meta.label_lower: m for m in directory_models()}
    unknown = [f["model"] for f in manifest["files"] if f["model"] not in by_label]
    if unknown:
        raise BackupError(
            f"The export has tables this version does not know: {', '.join(unknown)}."
        )
    not_empty = [label for label, m in by_label.items() if m._default_manager.exists()]
    if not_empty:
        raise BackupError(
            "The database is not empty (" + ", ".join(not_empty[:5]) + "…): import_directory "
            "restores into an empty database only."
        )
    for entry in manifest["files"]:
        digest = hashlib.sha256((path / entry["file"]).read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            raise BackupError(
                f"{entry['file']} does not match its checksum: the export is damaged."
            )
    counts = {}
    with transaction.atomic():
        users = _users(manifest.get("users", {}))
        for entry in manifest["files"]:
            model = by_label[entry["model"]]
            with _stored_timestamps(model):
                counts[entry["model"]] = _load_file(model, path / entry["file"], users)
            if counts[entry["model"]] != entry["rows"]:
                raise BackupError(
                    f"{entry['file']}: {counts[entry['model']]} rows, "
                    f"the manifest says {entry['rows']}."
                )
        # Rows came with their ids: move each table's id sequence past them (PostgreSQL).
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    # bulk_create sends no signals: tell the response cache that everything changed.
    bump_content_version()
    return counts


def _users(names: dict[str, str]) -> dict[int, int]:
    """Exported user id -> local user id, creating inactive accounts for unknown names."""
    user_model = get_user_model()
    mapping = {}
    for exported_id, username in names.items():
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            user = user_model(**{user_model.USERNAME_FIELD: username}, is_active=False)
            user.set_unusable_password()
            user.save()
        mapping[int(exported_id)] = user.pk
    return mapping


@contextmanager
def _stored_timestamps(model):
    """Write `created_at`/`updated_at` as exported, not as now (auto_now) while restoring.

    bulk_create fills auto_now fields with the current time; a restore must keep them.
    The switch is per field object, so this runs only in the restore command's process.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _load_file(model, file: Path, users: dict[int, int]) -> int:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    user_fields = {f.attname for f in _user_fields(model)}
    batch, count = [], 0
    with file.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            data = json.loads(line)
            if set(data) != set(fields):
                raise BackupError(f"{file.name}:{number}: columns differ from {model._meta.label}.")
            values = {}
            for attname, value in data.items():
                field = fields[attname]
                if attname in user_fields and value is not None:
                    value = users.get(value)
                elif value is not None and isinstance(
                    field, models.DateTimeField | models.DateField | models.TimeField
                ):
                    value = field.to_python(value)
                values[attname] = value
            batch.append(model(**values))
            if len(batch) >= BATCH:
                model._default_manager.bulk_create(batch)
                count, batch = count + len(batch), []
    if batch:
        model._default_manager.bulk_create(batch)
        count += len(batch)
    return count
