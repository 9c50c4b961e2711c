"""bench/datasette.py's export: the SQLite copy Datasette serves holds the same rows.

Datasette itself is not needed (nor installed where the tests run): sqlite3 reads the
copy back, with the SQL Datasette would run for each endpoint.
"""

import datetime
import json
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from bench import datasette
from institutions.models import Institution, Jurisdiction
from networks.models import Membership, Network

pytestmark = pytest.mark.django_db

SCALE = "0.005"  # 100 institutions, 10 networks, about 1,000 memberships


@pytest.fixture
def exported(tmp_path):
    call_command("generate_synthetic", "--scale", SCALE)
    path = tmp_path / "lattice.db"
    datasette.export(connection, path)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    yield path, db
    db.close()


def test_the_copy_holds_every_row(exported):
    _path, db = exported
    count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("jurisdictions") == Jurisdiction.objects.count()
    assert count("institutions") == Institution.objects.count()
    assert count("networks") == Network.objects.count()
    assert count("memberships") == Membership.objects.count()
    assert count("members") == Membership.objects.count()
    one = Institution.objects.select_related("jurisdiction").order_by("pk")[5]
    row = db.execute("SELECT * FROM institutions WHERE slug = ?", (one.slug,)).fetchone()
    assert (row["id"], row["name"], row["jurisdiction"]) == (
        one.pk,
        one.name,
        one.jurisdiction.code,
    )


def test_the_fts_index_finds_an_institution_by_a_word_of_its_name(exported):
    _path, db = exported
    one = Institution.objects.order_by("pk").first()
    word = one.name.split()[-1]  # its number: unique among the synthetic names
    # The query Datasette runs for ?_search=: the table's rows whose rowid the index finds.
    found = db.execute(
        "SELECT slug FROM institutions WHERE rowid IN "
        "(SELECT rowid FROM institutions_fts WHERE institutions_fts MATCH ?)",
        (f'"{word}"',),
    ).fetchall()
    assert [r["slug"] for r in found] == [one.slug]
    # Datasette finds the index by its name and external content table.
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'institutions_fts'").fetchone()
    assert "USING FTS5" in sql and "content=[institutions]" in sql


def test_the_views_answer_for_one_network(exported):
    _path, db = exported
    network = Network.objects.annotate(n=Count("memberships")).filter(n=30).order_by("pk").first()
    on = datetime.date(2012, 6, 30)
    rows = db.execute(
        "SELECT * FROM members WHERE network_slug = ? AND held_from <= ? AND held_until >= ?",
        (network.slug, on.isoformat(), on.isoformat()),
    ).fetchall()
    held = [
        m
        for m in Membership.objects.filter(network=network).select_related("member_institution")
        if (m.start_date is None or m.start_date <= on) and (m.end_date is None or m.end_date >= on)
    ]
    # The view keeps the API's order: role, then the member's name.
    held.sort(key=lambda m: (m.role, m.member_institution.name, m.start_date, m.pk))
    assert [r["id"] for r in rows] == [m.pk for m in held]
    first = rows[0]
    assert first["institution_slug"] == held[0].member_institution.slug
    assert first["network_name"] == network.name
    assert first["start"] == held[0].start_date.isoformat()
    # All of the network's memberships, ended or not.
    assert (
        len(db.execute("SELECT id FROM members WHERE network_slug = ?", (network.slug,)).fetchall())
        == 30
    )
    jurisdiction = Jurisdiction.objects.order_by("pk").first()
    listed = db.execute(
        "SELECT slug FROM institutions_by_branch WHERE jurisdiction = ?", (jurisdiction.code,)
    ).fetchall()
    expected = Institution.objects.filter(jurisdiction=jurisdiction).order_by(
        "branch", "name", "pk"
    )
    assert [r["slug"] for r in listed] == [i.slug for i in expected]


def test_the_lattice_query_links_networks_by_shared_members(exported):
    _path, db = exported
    sector = Network.objects.values_list("sector", flat=True).first()
    on = "2012-06-30"
    row = db.execute(datasette.LATTICE_SQL, {"sector": sector, "as_of": on}).fetchone()
    nodes, edges = json.loads(row["nodes"]), json.loads(row["edges"])
    assert {n["slug"] for n in nodes} == set(
        Network.objects.filter(sector=sector).values_list("slug", flat=True)
    )
    assert all(e["kind"] == "overlap" and e["weight"] > 0 for e in edges)


def test_a_second_export_of_the_same_rows_is_skipped(exported, capsys):
    path, _db = exported
    before = path.stat().st_mtime_ns
    datasette.export(connection, path)
    assert "up to date" in capsys.readouterr().out
    assert path.stat().st_mtime_ns == before
    # A curator's edit moves updated_at (update() bypasses auto_now, so it is set here).
    Institution.objects.filter(pk=1).update(
        name="Synthetic renamed authority",
        updated_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
    )
    datasette.export(connection, path)
    assert "up to date" not in capsys.readouterr().out
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM institutions WHERE id = 1").fetchone() == (
            "Synthetic renamed authority",
        )
