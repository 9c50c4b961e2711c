"""Open-data releases (#17 items 1, 2): valid Data Packages that round-trip, immutable
files, and change files that name exactly what a curator changed.

The small directory here is synthetic (tests/factories.py); the slow test uses data/.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.db import transaction
from frictionless import validate

from curation import tasks
from curation.backup import directory_models
from curation.models import Release
from curation.releases import (
    TABLES,
    ReleaseError,
    build_release,
    columns,
    load_release,
    release_path,
    release_storage,
    validate_package,
)
from institutions.models import InstitutionName, InstitutionRedirect, Level
from networks.models import MeetingParticipant, Membership, Role
from sources.history import recording
from sources.models import ChangeKind
from sources.partial_dates import DatePrecision
from tests.factories import (
    make_institution,
    make_meeting,
    make_membership,
    make_network,
    make_signatory,
    make_source,
    make_succession,
)
from web.tests.test_pages import assert_keeps_the_csp

# Change files read the history rows (simple_history): on for these tests (conftest.py).
pytestmark = pytest.mark.history


@pytest.fixture(autouse=True)
def release_files(tmp_path, settings):
    """Each test writes its releases to its own folder (the default storage's root)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def folder(release: Release) -> Path:
    return Path(release_storage().path(release_path(release.version)))


def snapshot() -> dict[str, list[tuple]]:
    """Every published column of every table, row by row."""
    return {
        name: list(
            model._base_manager.order_by("pk").values_list(*[f.attname for f in columns(model)])
        )
        for name, model in TABLES
    }


def empty_directory() -> None:
    # Raw deletes (no signals, so no history of the clean-up), children first; the
    # references are checked when the test's transaction would commit.
    with transaction.atomic():
        for model in reversed(directory_models()):
            model._default_manager.all()._raw_delete(model._default_manager.db)


def small_directory() -> dict:
    """A synthetic directory touching every table and every kind of date precision."""
    source = make_source(as_of=datetime.date(2024, 5, 1))
    parent = make_institution(name="Synthetic Ministry")
    bank = make_institution(name="Synthetic Central Bank", parent=parent, sources=[source])
    InstitutionName.objects.create(institution=bank, name="Banque synthétique", language="fr")
    other = make_institution(name="Synthetic Regulator")
    network = make_network(name="Synthetic Network", founded_on=datetime.date(2004, 1, 1))
    network.founded_on_precision = DatePrecision.YEAR
    network.save()
    inner = make_network(name="Synthetic Inner Network", host=bank)
    joined = make_membership(
        network=network,
        member_institution=bank,
        start_date=datetime.date(2004, 1, 1),
        start_date_precision=DatePrecision.YEAR,
        sources=[source],
    )
    open_ended = make_membership(network=network, member_institution=other)
    make_membership(network=network, member_network=inner, role=Role.OBSERVER)
    make_membership(
        network=network,
        member_institution=make_institution(name="Synthetic Union", level=Level.INTERNATIONAL),
    )
    make_signatory(institution=bank)
    meeting = make_meeting(network=network, host=bank)
    MeetingParticipant.objects.create(meeting=meeting, institution=other)
    return {"network": network, "joined": joined, "open_ended": open_ended, "bank": bank}


def read_changes(release: Release) -> list[dict]:
    with release_storage().open(release_path(release.version, "changes.json")) as handle:
        return json.load(handle)["changes"]


def assert_round_trip(release: Release) -> None:
    before = snapshot()
    report = validate(str(folder(release) / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:10]
    empty_directory()
    assert all(not rows for rows in snapshot().values())
    load_release(folder(release))
    after = snapshot()
    for name, _ in TABLES:
        assert after[name] == before[name], name


@pytest.mark.django_db
def test_a_release_of_a_small_directory_validates_and_round_trips(release_files):
    small_directory()
    release = build_release()
    assert (release_files / "releases" / release.version / "datapackage.json").is_file()
    names = {f["name"] for f in release.files}
    assert {f"{name}.csv" for name, _ in TABLES} <= names
    assert {"datapackage.json", "popolo.json", "lattice.graphml", "SHA256SUMS"} <= names
    assert {"changes.csv", "changes.json"} <= names
    assert release.counts["memberships"] == 4
    assert_round_trip(release)


@pytest.mark.django_db
# Every build validates its files with frictionless (about half a second); the tests
# about something else build with validate=False, and the two tests about validation
# (and the command and the task) keep it.


def test_the_files_match_their_checksums_and_popolo_keeps_reduced_precision():
    small = small_directory()
    release = build_release(validate=False)
    storage = release_storage()
    with storage.open(release_path(release.version, "SHA256SUMS")) as handle:
        sums = dict(reversed(line.split("  ")) for line in handle.read().decode().splitlines())
    for entry in release.files:
        with storage.open(release_path(release.version, entry["name"])) as handle:
            data = handle.read()
        assert len(data) == entry["bytes"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        if entry["name"] != "SHA256SUMS":
            assert sums[entry["name"]] == entry["sha256"]
    with storage.open(release_path(release.version, "popolo.json")) as handle:
        popolo = json.load(handle)
    joined = next(m for m in popolo["memberships"] if m["id"] == f"membership/{small['joined'].pk}")
    assert joined["start_date"] == "2004"
    assert joined["organization_id"] == f"network/{small['network'].slug}"
    network = next(o for o in popolo["organizations"] if o["id"].endswith(small["network"].slug))
    assert network["founding_date"] == "2004"
    with storage.open(release_path(release.version, "lattice.graphml")) as handle:
        graph = ElementTree.parse(handle).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = {node.get("id") for node in graph.iterfind(".//g:node", ns)}
    assert f"n-{small['network'].slug}" in nodes
    # The inner network is a member of the network: one "member" edge between them.
    assert len(graph.findall(".//g:edge", ns)) == 1
    with storage.open(release_path(release.version, "memberships.csv")) as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    row = next(r for r in rows if r["id"] == str(small["joined"].pk))
    assert (row["start_date"], row["start_date_precision"]) == ("2004-01-01", "year")


@pytest.mark.django_db
def test_a_curators_change_is_exactly_what_the_next_change_file_names():
    small = small_directory()
    first = build_release(validate=False)
    assert read_changes(first) == []  # nothing to compare the first release with
    with recording(kind=ChangeKind.EDIT, reason="synthetic: the regulator left"):
        ended = small["open_ended"]
        ended.end_date = datetime.date(2025, 3, 1)
        ended.end_date_precision = DatePrecision.MONTH
        ended.save()
        added = make_membership(
            network=small["network"],
            member_institution=make_institution(name="Synthetic Newcomer"),
            start_date=datetime.date(2025, 3, 15),
        )
    second = build_release(validate=False)
    changes = read_changes(second)
    newcomer = added.member_institution
    assert sorted((c["record_type"], c["record_id"], c["change"]) for c in changes) == sorted(
        [
            ("membership", ended.pk, "ended"),
            ("membership", added.pk, "added"),
            # The curator's new membership brought its member with it.
            ("institution", newcomer.pk, "added"),
        ]
    )
    by_kind = {c["change"]: c for c in changes if c["record_type"] == "membership"}
    assert by_kind["ended"]["effective_date"] == "2025-03"
    assert by_kind["ended"]["fields"] == "end_date end_date_precision"
    assert by_kind["added"]["effective_date"] == "2025-03-15"
    assert by_kind["added"]["slug"] == f"{small['network'].slug}/{newcomer.slug}"
    recorded = Membership.history.filter(id=ended.pk).latest("history_date").history_date
    assert by_kind["ended"]["recorded_at"] == recorded.isoformat(timespec="seconds")
    assert all(c["recorded_at"] for c in changes)
    with release_storage().open(release_path(second.version, "changes.csv")) as handle:
        assert len(list(csv.DictReader(io.StringIO(handle.read().decode())))) == len(changes)


@pytest.mark.django_db
def test_renames_merges_and_corrections_are_named():
    small = small_directory()
    first = build_release(validate=False)
    bank, joined = small["bank"], small["joined"]
    with recording(kind=ChangeKind.EDIT, reason="synthetic"):
        make_succession(
            successor=bank,
            former_name=bank.name,
            date=datetime.date(2025, 1, 1),
            date_precision=DatePrecision.YEAR,
        )
        bank.name = "Synthetic Central Bank of Somewhere"
        bank.save()
        joined.role = Role.CHAIR
        joined.save()
        gone = make_institution(name="Synthetic Duplicate")
    middle = build_release(validate=False)
    gone_pk = gone.pk
    with recording(kind=ChangeKind.MERGE, reason="synthetic duplicate"):
        InstitutionRedirect.objects.create(old_slug=gone.slug, institution=bank)
        gone.sources.clear()
        gone.delete()
    last = build_release(validate=False)
    assert {
        (c["record_id"], c["change"], c["fields"], c["effective_date"])
        for c in read_changes(middle)
    } == {
        (bank.pk, "renamed", "", "2025"),
        (joined.pk, "corrected", "role", ""),
        (gone_pk, "added", "", ""),
    }
    assert [(c["slug"], c["change"], c["current"]) for c in read_changes(last)] == [
        (gone.slug, "merged", bank.slug)
    ]
    assert first.version < middle.version < last.version


@pytest.mark.django_db
def test_a_release_is_immutable():
    small_directory()
    first = build_release(validate=False)
    stored = {
        f["name"]: release_storage().open(release_path(first.version, f["name"])).read()
        for f in first.files
    }
    make_institution(name="Synthetic Later Institution")
    second = build_release(validate=False)
    assert second.version != first.version
    assert second.version.endswith(".2")
    for name, data in stored.items():
        assert release_storage().open(release_path(first.version, name)).read() == data
    first.counts = {}
    with pytest.raises(ValueError):
        first.save()


@pytest.mark.django_db
def test_loading_refuses_a_directory_that_is_not_empty():
    small_directory()
    release = build_release(validate=False)
    with pytest.raises(ReleaseError):
        load_release(folder(release))


@pytest.mark.django_db
def test_the_data_page_lists_releases_newest_first_with_metadata(client, settings):
    settings.CACHE_RESPONSE_SECONDS = 600  # the whole-response cache, as in production
    small_directory()
    assert "No release" in client.get("/data/").content.decode()
    first = build_release(validate=False)
    assert first.version in client.get("/data/").content.decode()
    second = build_release(validate=False)
    page = client.get("/data/")  # not the page cached before the second release
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(second.version) < html.index(first.version)
    assert first.file("memberships.csv")["sha256"] in html
    # What every page keeps (web/tests/test_every_page.py), and the catalogue metadata.
    assert re.search(r"<title>[^<]+ · Lattice</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert_keeps_the_csp(html)
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    dataset = json.loads(block)
    assert dataset["@context"] == "https://schema.org"
    assert dataset["@type"] == ["Dataset", "http://www.w3.org/ns/dcat#Dataset"]
    assert dataset["version"] == second.version
    download = next(d for d in dataset["distribution"] if d["name"] == "memberships.csv")
    assert download["@type"] == ["DataDownload", "http://www.w3.org/ns/dcat#Distribution"]
    checksum = download["http://spdx.org/rdf/terms#checksum"]
    assert (
        checksum["http://spdx.org/rdf/terms#checksumValue"]
        == (second.file("memberships.csv")["sha256"])
    )
    index = client.get("/data/releases.json").json()
    assert [r["version"] for r in index["releases"]] == [second.version, first.version]
    entry = next(f for f in index["releases"][1]["files"] if f["name"] == "memberships.csv")
    download = client.get(entry["url"])
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert client.get(f"/data/{first.version}/not-a-file.csv").status_code == 404


@pytest.mark.slow
@pytest.mark.django_db
def test_a_release_of_the_curated_dataset_validates_and_round_trips(real_dataset):
    real_dataset.put()  # data/, loaded or copied from the run's first load
    release = build_release()
    assert release.counts["memberships"] > 1000
    assert_round_trip(release)


@pytest.mark.django_db
def test_validation_catches_a_broken_reference_and_a_changed_file(tmp_path):
    small_directory()
    release = build_release(validate=False)
    broken = tmp_path / "broken"
    shutil.copytree(folder(release), broken)
    path = broken / "memberships.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["network_id"] = "999999"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, rows[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    problems = validate_package(broken)
    assert any("hash-count" in p for p in problems)
    descriptor = json.loads((broken / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (broken / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    assert [p.split(":")[:2] for p in validate_package(broken)] == [["memberships", " foreign-key"]]


@pytest.mark.django_db
def test_the_command_and_the_task_each_publish_a_new_release():
    small = small_directory()
    out = io.StringIO()
    call_command("build_release", stdout=out)
    # The daily task: nothing curated since the last release, no new one.
    assert tasks.build_release.delay().get() == ""
    assert Release.objects.count() == 1
    with recording(kind=ChangeKind.EDIT, reason="synthetic: a later correction"):
        small["bank"].name = "A Renamed Bank"
        small["bank"].save()
    task_version = tasks.build_release.delay().get()
    versions = list(Release.objects.order_by("created_at").values_list("version", flat=True))
    assert len(versions) == 2 and versions[1] == task_version
    assert versions[0] in out.getvalue()
