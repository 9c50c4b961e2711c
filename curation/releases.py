"""Open-data releases (#17 items 1 and 2): the whole public directory as versioned files.

`build_release()` writes, under `releases/<version>/` through Django's storage API (the
`releases` alias of STORAGES when a deployment defines one, else the default storage):

- one CSV per public table (`TABLES`): every row and every column of the directory's
  tables except the bookkeeping times `created_at`/`updated_at`, with the record ids as
  primary keys and `<field>_id` columns as foreign keys; dates in ISO 8601, each partial
  date beside its `_precision` column; the links between records and their sources as
  their own tables (`membership_sources`, …);
- `datapackage.json`, a Data Package v2 descriptor whose Table Schemas give each
  column's type, the primary and foreign keys; the build refuses to publish a release
  that `frictionless` does not validate without errors;
- `popolo.json` (organizations, areas, memberships; reduced-precision dates such as
  "2004" from `iso_partial_date`), `lattice.graphml` (networks linked by shared members,
  `visuals.graphs.lattice` on the release date), the change files and `SHA256SUMS`.

A release is immutable: a file is never written over (a second build on the same day
is version `.2`), and the `Release` row refuses updates.

Change files (`changes.csv`, `changes.json`). They are computed by comparing the tables
as they are now with the previous release's own CSV files, read back from storage, by
record id. That is simpler and more exact than replaying history rows after the previous
release's high-water mark: it names the net difference between the two published
files (a membership added and deleted between releases is nobody's business; an edit
made without a change set, in the shell or by the loader, is still caught), and it
needs nothing but the files a reader already has. History is read only for the date
Lattice recorded each change: the newest `history_date` of that record after the
previous release was built (empty when no history row exists, e.g. bulk loads). The
kinds: memberships `added`, `ended` (an end date was set where there was none),
`corrected` (any other column or their sources changed) and `removed`; institutions and
networks `added`, `renamed` (the name changed) and `removed`; institutions `merged` (a
merge redirect appeared: the merged institution's id and slug, and the survivor's slug).
The effective date is the membership's start (added) or end (ended) at its precision,
or a renaming's date when a curator recorded it as a succession with the former name;
else empty: Lattice does not know when a correction took effect.

`load_release(folder)` reads the CSVs back into a database whose directory tables are
empty (the round trip that the tests check).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation

from institutions.models import (
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionRedirect,
    InstitutionSuccession,
    Jurisdiction,
)
from networks.models import (
    Meeting,
    MeetingParticipant,
    Membership,
    Memorandum,
    Network,
    NetworkSuccession,
    OutcomeDocument,
    Signatory,
)
from responsecache.cache import bump_content_version, content_version
from sources.history import history_model
from sources.models import ChangeSet, Source, SuccessionKind
from sources.partial_dates import iso_partial_date
from visuals.graphs import lattice, lattice_networks, to_graphml

from .models import Release

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PREFIX = "releases"
# Bookkeeping, not facts: they change on every save and a load cannot reproduce them.
SKIPPED_FIELDS = {"created_at", "updated_at"}


def _sources_of(model: type[models.Model]) -> type[models.Model]:
    return model._meta.get_field("sources").remote_field.through


# (file name without .csv, model): parents before children. Together they hold every
# public row of the directory; history, change sets and accounts are not published.
TABLES: list[tuple[str, type[models.Model]]] = [
    ("sources", Source),
    ("jurisdictions", Jurisdiction),
    ("institutions", Institution),
    ("institution_sources", _sources_of(Institution)),
    ("institution_names", InstitutionName),
    ("institution_identifiers", InstitutionIdentifier),
    ("institution_redirects", InstitutionRedirect),
    ("institution_successions", InstitutionSuccession),
    ("institution_succession_sources", _sources_of(InstitutionSuccession)),
    ("networks", Network),
    ("network_sources", _sources_of(Network)),
    ("network_successions", NetworkSuccession),
    ("network_succession_sources", _sources_of(NetworkSuccession)),
    ("memberships", Membership),
    ("membership_sources", _sources_of(Membership)),
    ("memoranda", Memorandum),
    ("memorandum_sources", _sources_of(Memorandum)),
    ("signatories", Signatory),
    ("signatory_sources", _sources_of(Signatory)),
    ("meetings", Meeting),
    ("meeting_sources", _sources_of(Meeting)),
    ("meeting_participants", MeetingParticipant),
    ("outcome_documents", OutcomeDocument),
]
TABLE_OF = {model: name for name, model in TABLES}

CHANGE_COLUMNS = [
    "record_type",
    "record_id",
    "slug",
    "change",
    "effective_date",
    "recorded_at",
    "fields",
    "previous",
    "current",
]


class ReleaseError(Exception):
    """The release cannot be built or loaded; nothing was published or written."""


def release_storage() -> Storage:
    """The `releases` storage when the deployment configures one, else the default."""
    alias = "releases" if "releases" in settings.STORAGES else "default"
    return storages[alias]


def release_path(version: str, name: str = "") -> str:
    return f"{PREFIX}/{version}/{name}" if name else f"{PREFIX}/{version}"


# --- Tables -----------------------------------------------------------------------------


def columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def table_csv(model: type[models.Model]) -> bytes:
    fields = columns(model)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.attname for f in fields])
    rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
    for row in rows.iterator(chunk_size=2000):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def _field_type(field: models.Field) -> str:
    if field.is_relation:
        return _field_type(field.target_field)
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField | models.AutoField):
        return "integer"
    if isinstance(field, models.DecimalField | models.FloatField):
        return "number"
    return "string"


def table_schema(model: type[models.Model]) -> dict:
    """A Table Schema (v2) from the model: types, required columns, keys, choices."""
    fields = []
    foreign_keys = []
    for f in columns(model):
        entry: dict[str, Any] = {"name": f.attname, "type": _field_type(f)}
        if f.help_text:
            entry["description"] = str(f.help_text)
        constraints: dict[str, Any] = {}
        # An empty cell is a missing value to frictionless: only columns that may be
        # neither null nor blank are required.
        if not f.null and not f.blank:
            constraints["required"] = True
        if f.unique and not f.primary_key:
            constraints["unique"] = True
        if f.choices and not f.is_relation:
            constraints["enum"] = [str(value) for value, _ in f.flatchoices]
        if entry["type"] == "string" and f.max_length:
            constraints["maxLength"] = f.max_length
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
        if f.is_relation:
            reference: dict[str, Any] = {"fields": [f.target_field.attname]}
            if f.related_model is not model:  # v2: a self-reference names no resource
                reference["resource"] = TABLE_OF[f.related_model]
            foreign_keys.append({"fields": [f.attname], "reference": reference})
    schema: dict[str, Any] = {
        "$schema": SCHEMA_PROFILE,
        "fields": fields,
        "primaryKey": [model._meta.pk.attname],
        "missingValues": [""],
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def datapackage(version: str, created: datetime.datetime, tables: dict[str, bytes]) -> dict:
    resources = []
    for name, model in TABLES:
        data = tables[name]
        resources.append(
            {
                "name": name,
                "type": "table",
                "path": f"{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": str(model._meta.verbose_name_plural).capitalize()
                if not model._meta.auto_created
                else f"Sources of {TABLE_OF[model._meta.auto_created]}",
                "bytes": len(data),
                "hash": f"sha256:{_sha256(data)}",
                "schema": table_schema(model),
            }
        )
    return {
        "$schema": PROFILE,
        "name": "lattice-directory",
        "title": "Lattice: the directory of transgovernmental networks",
        "version": version,
        "created": created.isoformat(timespec="seconds"),
        "resources": resources,
    }


def validate_package(folder: Path) -> list[str]:
    """Problems frictionless finds in a written release folder (empty: valid)."""
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    if report.valid:
        return []
    return [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.type}: {error.message}" for error in report.errors]


# --- Popolo and GraphML --------------------------------------------------------------


def _sources(obj) -> list[dict]:
    return [
        {"url": s.url, "note": s.title, "as_of": s.as_of.isoformat() if s.as_of else None}
        for s in obj.sources.all()
    ]


def popolo() -> dict:
    """Popolo-shaped organizations (institutions and networks), areas and memberships."""

    def org(kind: str, o, **extra) -> dict:
        data = {
            "id": f"{kind}/{o.slug}",
            "name": o.name,
            "classification": kind,
            "founding_date": iso_partial_date(o.founded_on, o.founded_on_precision),
            "dissolution_date": iso_partial_date(o.dissolved_on, o.dissolved_on_precision),
            "links": [{"url": o.website, "note": "website"}] if o.website else [],
            "sources": _sources(o),
            **extra,
        }
        if o.acronym:
            data["other_names"] = [{"name": o.acronym, "note": "acronym"}]
        return {key: value for key, value in data.items() if value not in (None, "")}

    organizations = []
    institutions = (
        Institution.objects.order_by("pk")
        .select_related("jurisdiction", "parent")
        .prefetch_related("sources", "other_names", "identifiers")
    )
    for i in institutions:
        extra: dict[str, Any] = {}
        if i.jurisdiction_id:  # international organisations have none
            extra["area_id"] = f"area/{i.jurisdiction.code}"
        if i.parent_id:
            extra["parent_id"] = f"institution/{i.parent.slug}"
        data = org("institution", i, **extra)
        names = [{"name": n.name, "lang": n.language or None} for n in i.other_names.all()]
        if names:
            data["other_names"] = data.get("other_names", []) + [
                {k: v for k, v in n.items() if v} for n in names
            ]
        identifiers = [
            {"scheme": x.scheme, "identifier": x.identifier} for x in i.identifiers.all()
        ]
        if identifiers:
            data["identifiers"] = identifiers
        organizations.append(data)
    for n in Network.objects.order_by("pk").prefetch_related("sources"):
        identifiers = [
            {"scheme": scheme, "identifier": value}
            for scheme, value in (("wikidata", n.wikidata_id), ("lei", n.lei))
            if value
        ]
        organizations.append(
            org("network", n, **({"identifiers": identifiers} if identifiers else {}))
        )
    areas = [
        {"id": f"area/{j.code}", "name": j.name, "classification": j.kind, "identifier": j.code}
        for j in Jurisdiction.objects.order_by("pk")
    ]
    memberships = []
    rows = (
        Membership.objects.order_by("pk")
        .select_related("network", "member_institution", "member_network")
        .prefetch_related("sources")
    )
    for m in rows:
        member = (
            f"institution/{m.member_institution.slug}"
            if m.member_institution_id
            else f"network/{m.member_network.slug}"
        )
        data = {
            "id": f"membership/{m.pk}",
            "organization_id": f"network/{m.network.slug}",
            "member": {"@type": "Organization", "id": member},
            "role": m.role,
            "label": m.label,
            "start_date": iso_partial_date(m.start_date, m.start_date_precision),
            "end_date": iso_partial_date(m.end_date, m.end_date_precision),
            "sources": _sources(m),
        }
        memberships.append({k: v for k, v in data.items() if v not in (None, "")})
    return {"organizations": organizations, "areas": areas, "memberships": memberships}


def graphml(on: datetime.date) -> bytes:
    networks, on = lattice_networks({"as_of": on})
    return to_graphml(lattice(networks, on))


# --- Change files -----------------------------------------------------------------------


def _read_csv(data: bytes) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8")))}


def _links(data: bytes, key: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        found.setdefault(row[key], set()).add(row["source_id"])
    return found


def _recorded(model, pk: str, since: datetime.datetime | None) -> str:
    """When Lattice recorded the latest change to the record (after `since`)."""
    rows = history_model(model).objects.filter(id=pk)
    if since is not None:
        rows = rows.filter(history_date__gt=since)
    latest = rows.order_by("-history_date").values_list("history_date", flat=True).first()
    return latest.isoformat(timespec="seconds") if latest else ""


def _membership_slug(row: dict, slugs: dict[str, dict[str, str]]) -> str:
    member = (
        slugs["institutions"].get(row["member_institution_id"])
        if row["member_institution_id"]
        else slugs["networks"].get(row["member_network_id"])
    )
    return f"{slugs['networks'].get(row['network_id'], '')}/{member or ''}"


def _partial(row: dict, name: str) -> str:
    value = row[name]
    if not value:
        return ""
    return iso_partial_date(datetime.date.fromisoformat(value), row[f"{name}_precision"]) or ""


def changes_between(
    before: dict[str, bytes], after: dict[str, bytes], since: datetime.datetime | None
) -> list[dict]:
    """The change rows from one release's tables (`before`, CSV bytes by table name) to
    the next (`after`). See the module's docstring for the kinds and dates."""
    old = {name: _read_csv(before[name]) for name in ("institutions", "networks", "memberships")}
    new = {name: _read_csv(after[name]) for name in ("institutions", "networks", "memberships")}
    slugs = {
        name: {pk: row["slug"] for pk, row in (old[name] | new[name]).items()}
        for name in ("institutions", "networks")
    }
    old_redirects = {r["old_slug"] for r in _read_csv(before["institution_redirects"]).values()}
    merged_into = {
        r["old_slug"]: slugs["institutions"].get(r["institution_id"], "")
        for r in _read_csv(after["institution_redirects"]).values()
        if r["old_slug"] not in old_redirects
    }
    rows: list[dict] = []

    def add(record_type, model, pk, slug, change, effective="", fields=(), previous="", current=""):
        rows.append(
            {
                "record_type": record_type,
                "record_id": int(pk),
                "slug": slug,
                "change": change,
                "effective_date": effective,
                "recorded_at": _recorded(model, pk, since),
                "fields": " ".join(fields),
                "previous": previous,
                "current": current,
            }
        )

    for record_type, name, model in (
        ("institution", "institutions", Institution),
        ("network", "networks", Network),
    ):
        # A renaming's date is known when a curator recorded it as a succession.
        renamed_on = {
            (row["successor_id"], row["former_name"]): _partial(row, "date")
            for row in _read_csv(after[f"{record_type}_successions"]).values()
            if row["kind"] == SuccessionKind.RENAMED
        }
        for pk in sorted(new[name].keys() - old[name].keys(), key=int):
            add(
                record_type,
                model,
                pk,
                new[name][pk]["slug"],
                "added",
                current=new[name][pk]["name"],
            )
        for pk in sorted(old[name].keys() - new[name].keys(), key=int):
            slug = old[name][pk]["slug"]
            if slug in merged_into:
                add(record_type, model, pk, slug, "merged", current=merged_into[slug])
            else:
                add(record_type, model, pk, slug, "removed", previous=old[name][pk]["name"])
        for pk in sorted(old[name].keys() & new[name].keys(), key=int):
            was, now = old[name][pk], new[name][pk]
            if was["name"] != now["name"]:
                add(
                    record_type,
                    model,
                    pk,
                    now["slug"],
                    "renamed",
                    renamed_on.get((pk, was["name"]), ""),
                    previous=was["name"],
                    current=now["name"],
                )

    old_sources = _links(before["membership_sources"], "membership_id")
    new_sources = _links(after["membership_sources"], "membership_id")
    was_m, now_m = old["memberships"], new["memberships"]
    for pk in sorted(now_m.keys() - was_m.keys(), key=int):
        row = now_m[pk]
        add(
            "membership",
            Membership,
            pk,
            _membership_slug(row, slugs),
            "added",
            _partial(row, "start_date"),
        )
    for pk in sorted(was_m.keys() - now_m.keys(), key=int):
        add("membership", Membership, pk, _membership_slug(was_m[pk], slugs), "removed")
    for pk in sorted(was_m.keys() & now_m.keys(), key=int):
        was, now = was_m[pk], now_m[pk]
        # Only the columns both releases have: a column added by a migration is no change.
        changed = [column for column in now if column in was and now[column] != was[column]]
        if old_sources.get(pk, set()) != new_sources.get(pk, set()):
            changed.append("sources")
        if not changed:
            continue
        ended = not was["end_date"] and bool(now["end_date"])
        add(
            "membership",
            Membership,
            pk,
            _membership_slug(now, slugs),
            "ended" if ended else "corrected",
            _partial(now, "end_date") if ended else "",
            changed,
        )
    return rows


def changes_csv(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, CHANGE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --- Building ---------------------------------------------------------------------------


def next_version(today: datetime.date) -> str:
    taken = Release.objects.filter(version__startswith=f"{today.isoformat()}.").count()
    return f"{today.isoformat()}.{taken + 1}"


def read_release_files(release, names: list[str]) -> dict[str, bytes]:
    storage = release_storage()
    found = {}
    for name in names:
        with storage.open(release_path(release.version, f"{name}.csv"), "rb") as handle:
            found[name] = handle.read()
    return found


def is_current() -> bool:
    """Whether the latest release already holds every curated change (no change set
    recorded since it was built)."""
    latest = Release.objects.first()  # newest first (Meta.ordering)
    newest = ChangeSet.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return latest is not None and latest.change_set_high_water >= newest


def build_release(*, validate: bool = True, today: datetime.date | None = None):
    """Build, check and publish a new release; return its `Release` row."""
    # The descriptor's column descriptions (the models' help texts) in the site's
    # language, whichever language the request or worker that builds it speaks.
    with translation.override(settings.LANGUAGE_CODE):
        return _build_release(validate=validate, today=today)


def _build_release(*, validate: bool, today: datetime.date | None):
    now = timezone.now()
    today = today or timezone.localdate(now)
    previous = Release.objects.first()  # newest first (Meta.ordering)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Every table read from one snapshot, so that a curator's save during the build
        # cannot give a membership without its network. PostgreSQL's default isolation
        # takes a snapshot per statement: ask for one per transaction (possible only as
        # the transaction's first statement). SQLite's transaction reads one snapshot.
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        high_water = ChangeSet.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        version_string = content_version()
        tables = {name: table_csv(model) for name, model in TABLES}
        counts = {name: max(data.count(b"\n") - 1, 0) for name, data in tables.items()}
        people = popolo()
        graph = graphml(today)
        if previous is not None:
            before = read_release_files(
                previous,
                [
                    "institutions",
                    "networks",
                    "memberships",
                    "membership_sources",
                    "institution_redirects",
                ],
            )
            change_rows = changes_between(before, tables, previous.created_at)
        else:
            change_rows = []
    version = next_version(today)
    files: dict[str, bytes] = {f"{name}.csv": data for name, data in tables.items()}
    files["datapackage.json"] = _json(datapackage(version, now, tables))
    files["popolo.json"] = _json(people)
    files["lattice.graphml"] = graph
    files["changes.csv"] = changes_csv(change_rows)
    files["changes.json"] = _json(
        {
            "version": version,
            "previous": previous.version if previous else None,
            "changes": change_rows,
        }
    )
    files["SHA256SUMS"] = "".join(
        f"{_sha256(data)}  {name}\n" for name, data in sorted(files.items())
    ).encode("ascii")
    if validate:
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in files.items():
                (Path(tmp) / name).write_bytes(data)
            problems = validate_package(Path(tmp))
        if problems:
            raise ReleaseError("\n".join(problems[:50]))
    storage = release_storage()
    for name in files:
        if storage.exists(release_path(version, name)):
            raise ReleaseError(
                f"{release_path(version, name)} exists; a release is never rewritten."
            )
    for name, data in files.items():
        saved = storage.save(release_path(version, name), ContentFile(data))
        if saved != release_path(version, name):  # the storage chose another name
            raise ReleaseError(f"{release_path(version, name)} could not be written as such.")
    release = Release.objects.create(
        version=version,
        created_at=now,
        change_set_high_water=high_water,
        content_version=version_string,
        files=[
            {"name": name, "bytes": len(data), "sha256": _sha256(data)}
            for name, data in sorted(files.items())
        ],
        counts=counts | {"changes": len(change_rows)},
    )
    # /data/ and its index list the new release: the cached pages must go (a write the
    # response cache's signals do not see, curation being no curated app). The command
    # and the task run in autocommit, so the row is committed by now.
    bump_content_version()
    return release


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


# --- Loading ----------------------------------------------------------------------------


def _value(field: models.Field, text: str) -> Any:
    if text == "":
        if field.null:
            return None
        if isinstance(field, models.CharField | models.TextField):
            return ""
    if isinstance(field, models.BooleanField):
        return text == "true"
    if field.is_relation:
        return field.target_field.to_python(text)
    return field.to_python(text)


def load_release(folder: Path) -> dict[str, int]:
    """Load a release's CSVs into empty directory tables; return the rows per table."""
    occupied = [name for name, model in TABLES if model._base_manager.exists()]
    if occupied:
        raise ReleaseError(f"The directory is not empty: {', '.join(occupied)}.")
    loaded = {}
    with transaction.atomic():
        for name, model in TABLES:
            fields = {f.attname: f for f in columns(model)}
            with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if set(reader.fieldnames or []) != set(fields):
                    raise ReleaseError(f"{name}.csv: the columns are not {sorted(fields)}.")
                objects = [
                    model(
                        **{attname: _value(fields[attname], text) for attname, text in row.items()}
                    )
                    for row in reader
                ]
            model._base_manager.bulk_create(objects, batch_size=1000)
            loaded[name] = len(objects)
        # Ids were given; PostgreSQL's sequences must continue after them.
        statements = connection.ops.sequence_reset_sql(no_style(), [m for _, m in TABLES])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    bump_content_version()
    return loaded
