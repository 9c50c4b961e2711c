"""Datasette as a peer (issue #16): the same questions, asked of a read-only SQLite copy.

    .venv/bin/python bench/datasette.py export [--database-url URL] [--path FILE] [--force]
    .venv/bin/python bench/datasette.py serve [--database-url URL] [--path FILE] [--port 8713]

`export()` copies what the benchmarked endpoints read from Lattice's database into one
SQLite file (tables, indexes for every filter used, an FTS5 index on institution names,
views with the API's columns); `serve()` publishes it as a Datasette deployment would
(one process, `--immutable`); `endpoints()` gives, per label of bench/run.py, the
Datasette URL that answers the same question about the same records.

What Datasette answers differently (it serves flat rows, not Lattice's nested JSON):

  endpoint                  Datasette URL (database `lattice`)      differs from Lattice
  ------------------------  --------------------------------------  -------------------------
  institutions by           institutions.json?jurisdiction=X        flat rows (jurisdiction as
  jurisdiction              &_sort=name                             its code, parent as its
                                                                    slug); no `sources`, no
                                                                    `url`/`html_url`; Datasette's
                                                                    envelope (`next` is a token)
  one institution           institutions/<slug>.json                the same flat row
  search (20 hits)          institutions.json?_search=securities+   FTS5 word match on name,
                            authority&_size=20&_sort=name           acronym, other names; Lattice
                                                                    matches substrings (ILIKE)
  members (largest, ~30,    members.json?network_slug=X             network and member as flat
  as of 2012)               &held_from__lte=D&held_until__gte=D     columns, not nested objects;
                                                                    no `sources`; offset paging
  HTML network page         members?…&_size=100 (HTML table)        the member table and its
                                                                    count only: no counts per
                                                                    jurisdiction, no former
                                                                    members, no map
  HTML jurisdiction page    institutions_by_branch?jurisdiction=X   the institution table and
                            (HTML table, 50 rows)                   its count only: no
                                                                    memberships, memoranda or
                                                                    meetings per institution
  lattice graph (finance)   lattice.json?sector=finance&as_of=D     one row whose `nodes` and
                            &_json=nodes&_json=edges (canned query)  `edges` are JSON built in
                                                                    SQL; nodes lack `kind`,
                                                                    `url`, `tier`, the labels

`held_from` and `held_until` are computed at export so that "held on D" is two plain
filters: Lattice's rule (start on or before D; end, read at its precision, not before D)
becomes `held_from <= D <= held_until`, where `held_until` is the last day of the end's
year or month when the end is only known to the year or month.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script (`python bench/datasette.py`), the project must be importable too.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lattice_bench"
DEFAULT_PATH = ROOT / "bench" / "data" / "lattice.db"
DEFAULT_PORT = 8713
AS_OF = "2012-06-30"  # bench/run.py's date for the "as of" endpoint
BATCH = 5000
# Bump when the exported schema changes: an older file is then exported again.
SCHEMA_VERSION = 1

# What the export reads from; their row counts and latest update are the freshness marker.
SOURCE_TABLES = {
    "institutions_jurisdiction": "id",
    "institutions_institution": "updated_at",
    "institutions_institutionname": "id",
    "institutions_institutionidentifier": "id",
    "networks_network": "updated_at",
    "networks_membership": "updated_at",
}

SCHEMA = """
CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE jurisdictions (
  id INTEGER PRIMARY KEY, code TEXT, name TEXT, slug TEXT, kind TEXT, region TEXT,
  subregion TEXT, parent_id INTEGER);
CREATE TABLE institutions (
  slug TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE, name TEXT, acronym TEXT, branch TEXT,
  level TEXT, jurisdiction TEXT, website TEXT, parent TEXT, founded TEXT,
  founded_precision TEXT, dissolved TEXT, dissolved_precision TEXT, description TEXT,
  other_names TEXT, identifiers TEXT, updated_at TEXT);
CREATE TABLE networks (
  id INTEGER PRIMARY KEY, slug TEXT UNIQUE, name TEXT, acronym TEXT, website TEXT,
  sector TEXT, dimension TEXT, reach TEXT, origin TEXT, founded_on TEXT, dissolved_on TEXT,
  description TEXT, updated_at TEXT);
CREATE TABLE memberships (
  id INTEGER PRIMARY KEY, network_id INTEGER NOT NULL, member_institution_id INTEGER,
  member_network_id INTEGER, role TEXT, label TEXT, start_date TEXT, start_precision TEXT,
  end_date TEXT, end_precision TEXT, end_reason TEXT, last_verified_on TEXT,
  held_from TEXT NOT NULL, held_until TEXT NOT NULL, updated_at TEXT);
"""

INDEXES = """
CREATE INDEX institutions_jurisdiction_name ON institutions (jurisdiction, name, id);
CREATE INDEX institutions_jurisdiction_branch ON institutions (jurisdiction, branch, name, id);
CREATE INDEX institutions_name ON institutions (name, id);
CREATE INDEX networks_sector ON networks (sector);
CREATE INDEX memberships_network ON memberships (network_id, held_from);
CREATE INDEX memberships_institution ON memberships (member_institution_id);
CREATE INDEX memberships_member_network ON memberships (member_network_id);
CREATE UNIQUE INDEX jurisdictions_code ON jurisdictions (code);
"""

# As `sqlite-utils enable-fts` makes it: external content, so Datasette's `_search`
# finds it by its name and `content=[institutions]`.
FTS = """
CREATE VIRTUAL TABLE [institutions_fts] USING FTS5 (
  [name], [acronym], [other_names], content=[institutions]);
INSERT INTO [institutions_fts] (rowid, [name], [acronym], [other_names])
  SELECT rowid, [name], [acronym], [other_names] FROM [institutions];
"""

# The views carry Lattice's orderings: a view's page 1 is the API's page 1.
VIEWS = """
CREATE VIEW members AS
SELECT m.id, n.slug AS network_slug, n.name AS network_name,
  CASE WHEN m.member_institution_id IS NOT NULL THEN 'institution' ELSE 'network' END
    AS member_type,
  i.slug AS institution_slug, i.name AS institution_name, i.acronym AS institution_acronym,
  i.branch AS institution_branch, i.jurisdiction AS institution_jurisdiction,
  i.website AS institution_website,
  mn.slug AS member_network_slug, mn.name AS member_network_name,
  m.role, m.label,
  CASE m.start_precision WHEN 'year' THEN substr(m.start_date, 1, 4)
    WHEN 'month' THEN substr(m.start_date, 1, 7) ELSE m.start_date END AS "start",
  m.start_precision,
  CASE m.end_precision WHEN 'year' THEN substr(m.end_date, 1, 4)
    WHEN 'month' THEN substr(m.end_date, 1, 7) ELSE m.end_date END AS "end",
  m.end_precision, m.end_reason, m.last_verified_on, m.held_from, m.held_until, m.updated_at
FROM memberships m
JOIN networks n ON n.id = m.network_id
LEFT JOIN institutions i ON i.id = m.member_institution_id
LEFT JOIN networks mn ON mn.id = m.member_network_id
ORDER BY m.role, i.name NULLS LAST, mn.name NULLS LAST, m.start_date, m.id;

CREATE VIEW institutions_by_branch AS
SELECT * FROM institutions ORDER BY jurisdiction, branch, name, id;
"""

# The lattice of one sector on a date, as the floor computes it: the active networks,
# linked by the member institutions they share and by network-in-network memberships.
# One row whose `nodes` and `edges` are JSON: a canned query's rows stop at
# max_returned_rows, and a sector's lattice has thousands of edges.
LATTICE_SQL = """
WITH nets AS (
  SELECT id, slug, name, acronym, sector, dimension FROM networks
  WHERE (dissolved_on IS NULL OR dissolved_on > :as_of) AND sector = :sector),
held AS (
  SELECT m.network_id, m.member_institution_id, m.member_network_id, m.id
  FROM memberships m JOIN nets ON nets.id = m.network_id
  WHERE m.held_from <= :as_of AND m.held_until >= :as_of),
h AS (
  SELECT DISTINCT network_id, member_institution_id FROM held
  WHERE member_institution_id IS NOT NULL),
counts AS (
  SELECT network_id, count(*) AS n FROM held
  WHERE member_institution_id IS NOT NULL OR member_network_id IN (SELECT id FROM nets)
  GROUP BY network_id),
overlap AS (
  SELECT a.network_id AS a, b.network_id AS b, count(*) AS w FROM h a
  JOIN h b ON a.member_institution_id = b.member_institution_id
    AND a.network_id < b.network_id
  GROUP BY 1, 2)
SELECT :as_of AS as_of,
  (SELECT json_group_array(json_object(
     'id', 'n-' || slug, 'slug', slug, 'label', coalesce(nullif(acronym, ''), name),
     'name', name, 'sector', sector, 'dimension', dimension, 'members', members))
   FROM (SELECT nets.*, coalesce(c.n, 0) AS members FROM nets
         LEFT JOIN counts c ON c.network_id = nets.id ORDER BY nets.name)) AS nodes,
  (SELECT json_group_array(json_object(
     'id', id, 'source', source, 'target', target, 'kind', kind, 'weight', weight))
   FROM (
     SELECT 'o-' || o.a || '-' || o.b AS id, 'n-' || na.slug AS source,
       'n-' || nb.slug AS target, 'overlap' AS kind, o.w AS weight, 0 AS k, o.a, o.b, 0 AS mid
     FROM overlap o JOIN nets na ON na.id = o.a JOIN nets nb ON nb.id = o.b
     UNION ALL
     SELECT 'p-' || held.member_network_id || '-' || held.network_id, 'n-' || na.slug,
       'n-' || nb.slug, 'member', 1, 1, 0, 0, held.id
     FROM held JOIN nets na ON na.id = held.member_network_id
     JOIN nets nb ON nb.id = held.network_id
     ORDER BY k, weight DESC, a, b, mid)) AS edges
"""


def metadata(path: Path) -> dict:
    """Datasette's metadata: the lattice as a canned query; the freshness marker hidden."""
    return {
        "title": "Lattice (synthetic benchmark copy)",
        "databases": {
            path.stem: {
                "tables": {"_meta": {"hidden": True}},
                "queries": {"lattice": {"sql": LATTICE_SQL.strip(), "title": "The lattice"}},
            }
        },
    }


# Reading the source ----------------------------------------------------------------------


def iso(value) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def partial(value, precision: str) -> str | None:
    """A date as Lattice writes it at its precision (2012, 2012-06 or 2012-06-30)."""
    value = iso(value)
    if value is None:
        return None
    return {"year": value[:4], "month": value[:7]}.get(precision, value[:10])


def last_day(value, precision: str) -> str:
    """The last day an end date known to `precision` may be: Lattice holds a membership
    on D while its end, truncated to its precision, is not before D truncated alike."""
    if value is None:
        return "9999-12-31"
    day = datetime.date.fromisoformat(iso(value)[:10])
    if precision == "year":
        day = day.replace(month=12, day=31)
    elif precision == "month":
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day.isoformat()


def batches(cursor, sql: str) -> Iterator[list]:
    cursor.execute(sql)
    while found := cursor.fetchmany(BATCH):
        yield found


def fingerprint(cursor) -> dict:
    """Row counts and latest update of every table read: equal means nothing changed."""
    marker = {"schema": SCHEMA_VERSION}
    for table, column in SOURCE_TABLES.items():
        cursor.execute(f"SELECT count(*), max({column}) FROM {table}")
        count, latest = cursor.fetchone()
        marker[table] = [count, iso(latest) if column == "updated_at" else latest]
    return marker


def stored_fingerprint(path: Path) -> dict | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM _meta WHERE key = 'source'").fetchone()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row else None


def by_owner(cursor, sql: str) -> dict:
    found: dict = {}
    for rows in batches(cursor, sql):
        for owner, key, value in rows:
            found.setdefault(owner, []).append((key, value))
    return found


def copy(cursor, db: sqlite3.Connection) -> None:
    """Every row the endpoints read, in batches of BATCH."""

    def load(table: str, rows: Iterable[tuple]) -> None:
        rows = list(rows)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    for rows in batches(
        cursor,
        "SELECT id, code, name, slug, kind, region, subregion, parent_id "
        "FROM institutions_jurisdiction",
    ):
        load("jurisdictions", rows)

    names = by_owner(
        cursor,
        "SELECT institution_id, name, name FROM institutions_institutionname ORDER BY name",
    )
    identifiers = by_owner(
        cursor,
        "SELECT institution_id, scheme, identifier FROM institutions_institutionidentifier",
    )
    for rows in batches(
        cursor,
        "SELECT i.slug, i.id, i.name, i.acronym, i.branch, i.level, j.code, i.website, "
        "p.slug, i.founded_on, i.founded_on_precision, i.dissolved_on, "
        "i.dissolved_on_precision, i.description, i.updated_at "
        "FROM institutions_institution i "
        "LEFT JOIN institutions_jurisdiction j ON j.id = i.jurisdiction_id "
        "LEFT JOIN institutions_institution p ON p.id = i.parent_id",
    ):
        load(
            "institutions",
            (
                (
                    *r[:9],
                    partial(r[9], r[10]),
                    r[10],
                    partial(r[11], r[12]),
                    r[12],
                    r[13],
                    json.dumps([name for name, _ in names.get(r[1], [])]),
                    json.dumps(dict(identifiers.get(r[1], []))),
                    iso(r[14]),
                )
                for r in rows
            ),
        )

    for rows in batches(
        cursor,
        "SELECT id, slug, name, acronym, website, sector, dimension, reach, origin, "
        "founded_on, dissolved_on, description, updated_at FROM networks_network",
    ):
        load("networks", (tuple(iso(v) for v in r) for r in rows))

    for rows in batches(
        cursor,
        "SELECT id, network_id, member_institution_id, member_network_id, role, label, "
        "start_date, start_date_precision, end_date, end_date_precision, end_reason, "
        "last_verified_on, updated_at FROM networks_membership",
    ):
        load(
            "memberships",
            (
                (
                    *r[:6],
                    iso(r[6]),
                    r[7],
                    iso(r[8]),
                    r[9],
                    r[10],
                    iso(r[11]),
                    iso(r[6]) or "0001-01-01",
                    last_day(r[8], r[9]),
                    iso(r[12]),
                )
                for r in rows
            ),
        )


def export(source, path: Path, force: bool = False) -> None:
    """Copy Lattice's database (`source`: a PostgreSQL URL, or an open DB-API connection
    such as Django's `connection`) into the SQLite file `path`, unless the file already
    holds a copy of the same rows."""
    path = Path(path)
    started = time.monotonic()
    conn = source
    if isinstance(source, str):
        import psycopg

        conn = psycopg.connect(source)
    try:
        cursor = conn.cursor()
        marker = fingerprint(cursor)
        if not force and stored_fingerprint(path) == marker:
            print(f"Datasette export {path} is up to date; not exported again.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a failed export never looks like a finished one.
        partial_path = path.with_name(path.name + ".partial")
        partial_path.unlink(missing_ok=True)
        db = sqlite3.connect(partial_path, isolation_level=None)
        try:
            # A throwaway file being filled: no journal, no fsync until the end.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("BEGIN")
            # Not executescript(): it would commit the transaction just opened.
            for sql in statements(SCHEMA):
                db.execute(sql)
            copy(cursor, db)
            for sql in [*statements(INDEXES), *statements(FTS), *statements(VIEWS)]:
                db.execute(sql)
            db.execute(
                "INSERT INTO _meta VALUES ('source', ?), ('exported_at', ?)",
                (json.dumps(marker), datetime.datetime.now(datetime.UTC).isoformat()),
            )
            db.execute("COMMIT")
            db.execute("ANALYZE")
        finally:
            db.close()
        os.replace(partial_path, path)
    finally:
        if conn is not source:
            conn.close()
    counts = ", ".join(f"{marker[t][0]:,} {t}" for t in SOURCE_TABLES)
    print(f"Datasette export {path}: {counts} in {time.monotonic() - started:.1f}s.")


def statements(script: str) -> list[str]:
    """The statements of a script (none of ours has a semicolon inside a literal)."""
    return [s.strip() for s in script.split(";") if s.strip()]


# Serving -----------------------------------------------------------------------------------


def serve(path: Path, port: int, log: Path) -> subprocess.Popen:
    """One Datasette process serving the file read-only, as a publishing deployment would;
    returns once it answers (or has died)."""
    path = Path(path)
    meta = path.with_name(path.stem + ".metadata.json")
    meta.write_text(json.dumps(metadata(path), indent=2))
    executable = shutil.which("datasette", path=str(ROOT / ".venv" / "bin")) or "datasette"
    process = subprocess.Popen(
        [
            executable, "serve", "--immutable", str(path), "-h", "127.0.0.1", "-p", str(port),
            "--metadata", str(meta),
            "--setting", "max_returned_rows", "1000",
            "--setting", "default_page_size", "50",
            "--setting", "sql_time_limit_ms", "30000",
            # Facet suggestions are a browsing aid that Lattice's API never computes; on,
            # they cost ~0.6 s per 1,000-row member page (15x the page's own queries).
            "--setting", "suggest_facets", "off",
        ],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited with {process.returncode}; see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return process


def version() -> str:
    """The installed Datasette's version."""
    from importlib.metadata import version as installed

    return installed("datasette")


def stop(process: subprocess.Popen) -> None:
    from bench.processes import stop as stop_group

    stop_group(process)


def endpoints(database_url: str, path: Path = DEFAULT_PATH) -> dict[str, str]:
    """Per label of bench/run.py, the Datasette path answering the same question about the
    same records (chosen with bench/run.py's SQL)."""
    from bench.records import benchmarked

    chosen = benchmarked(database_url)
    largest, small, jcode = chosen.largest, chosen.small, chosen.jurisdiction_code
    one = chosen.institution
    db = f"/{Path(path).stem}"
    today = datetime.date.today().isoformat()

    def held(slug: str, on: str) -> str:
        # Lattice lists the members held on a date (today unless as_of is given).
        return f"network_slug={slug}&held_from__lte={on}&held_until__gte={on}"

    return {
        "institutions by jurisdiction": (
            f"{db}/institutions.json?jurisdiction={jcode}&_sort=name&_shape=objects"
        ),
        "one institution": f"{db}/institutions/{one}.json?_shape=objects",
        "search (20 hits)": (
            f"{db}/institutions.json?_search=securities+authority&_size=20&_sort=name"
            "&_shape=objects"
        ),
        "largest network members (1000/page)": (
            f"{db}/members.json?{held(largest, today)}&_size=1000&_shape=objects"
        ),
        "~30-member network members": f"{db}/members.json?{held(small, today)}&_shape=objects",
        "largest network as of 2012 (1000/page)": (
            f"{db}/members.json?{held(largest, AS_OF)}&_size=1000&_shape=objects"
        ),
        "HTML network page (largest)": f"{db}/members?{held(largest, today)}&_size=100",
        "HTML jurisdiction page (largest)": (
            f"{db}/institutions_by_branch?jurisdiction={jcode}&_size=50"
        ),
        "lattice graph JSON (finance)": (
            f"{db}/lattice.json?sector=finance&as_of={today}&_json=nodes&_json=edges&_shape=objects"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Datasette as the benchmark's peer.")
    parser.add_argument("command", choices=["export", "serve", "endpoints"])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--force", action="store_true", help="Export even when up to date.")
    args = parser.parse_args()
    if args.command == "endpoints":
        for label, url in endpoints(args.database_url, args.path).items():
            print(f"{label}\thttp://127.0.0.1:{args.port}{url}")
        return
    export(args.database_url, args.path, force=args.force)
    if args.command == "serve":
        logs = ROOT / "bench" / "logs"
        logs.mkdir(exist_ok=True)
        process = serve(args.path, args.port, logs / "datasette.log")
        print(f"Datasette serving {args.path} on http://127.0.0.1:{args.port}/ (Ctrl-C stops)")
        try:
            process.wait()
        except KeyboardInterrupt:
            stop(process)


if __name__ == "__main__":
    sys.exit(main())
