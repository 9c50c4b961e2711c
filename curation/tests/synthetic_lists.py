"""A synthetic directory and a synthetic 2,000-row member list, for the import's scale
tests. Everything here is made up and labelled: names start with "Synthetic", addresses
end in .example.org, and nothing of it is a fact about a real network.
"""

import datetime
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation.member_lists import Table
from institutions.models import Branch, Institution, Level
from networks.models import Membership, Network
from sources.history import recording
from sources.models import ChangeKind, Source
from tests.factories import make_jurisdiction, make_network

PREFIX = "Synthetic"
LIST_DATE = datetime.date(2025, 6, 30)
HEADERS = ["Slug", "Name", "Country", "Role", "Label", "Member since", "Branch", "Website"]

# The list's 2,000 rows, by what each does (and the members it leaves out).
CONFIRMED = 1000  # listed as they are
RELABELLED = 200  # listed with the network's own wording: updated
LEFT_OUT = 300  # members the list leaves out: their memberships end
PROMOTED = 100  # observers listed as members: their role changes
JOINING = 300  # institutions in the directory, not yet members: added
NEW = 400  # institutions the directory lacks: created, then added
ROWS = CONFIRMED + RELABELLED + PROMOTED + JOINING + NEW


@dataclass
class SyntheticDirectory:
    network: Network
    institutions: list[Institution]
    table: Table
    source: Source
    expected: Counter = field(default_factory=Counter)


def _slug(n: int) -> str:
    return f"synthetic-authority-{n:05d}"


def build_synthetic_directory() -> SyntheticDirectory:
    """A network of 1,500 synthetic members and 100 observers, 2,000 synthetic
    institutions, and the synthetic list that changes it. Recorded as a load, so that
    every record has a first version (an undo can restore it)."""
    de = make_jurisdiction()
    make_jurisdiction(code="FR", name="France", slug="france", subregion="western_europe")
    source = Source.objects.create(
        url="https://synthetic.example.org/directory",
        title=f"{PREFIX} directory (made up for tests)",
        accessed_on=datetime.date(2024, 1, 1),
    )
    network = make_network(name=f"{PREFIX} Network", slug="synthetic-network", sources=[source])
    with recording(kind=ChangeKind.LOAD, reason="synthetic test directory") as rec:
        institutions = Institution.objects.bulk_create(
            [
                Institution(
                    name=f"{PREFIX} Authority {n:05d}",
                    slug=_slug(n),
                    branch=Branch.REGULATOR,
                    level=Level.NATIONAL,
                    jurisdiction=de,
                    website=f"https://authority-{n}.synthetic.example.org/",
                )
                for n in range(CONFIRMED + RELABELLED + LEFT_OUT + PROMOTED + JOINING)
            ]
        )
        through = Institution.sources.through
        through.objects.bulk_create(
            [through(institution_id=i.pk, source_id=source.pk) for i in institutions]
        )
        rec.record_bulk(Institution, institutions, "+")
        members = CONFIRMED + RELABELLED + LEFT_OUT
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    network=network,
                    member_institution=i,
                    role="member" if n < members else "observer",
                    start_date=datetime.date(2010, 1, 1),
                    start_date_precision="year",
                )
                for n, i in enumerate(institutions[: members + PROMOTED])
            ]
        )
        through = Membership.sources.through
        through.objects.bulk_create(
            [through(membership_id=m.pk, source_id=source.pk) for m in memberships]
        )
        rec.record_bulk(Membership, memberships, "+")

    rows = []
    n = 0
    for _ in range(CONFIRMED):
        rows.append([_slug(n), "", "DE", "Member", "", "2010", "", ""])
        n += 1
    for _ in range(RELABELLED):
        rows.append([_slug(n), "", "DE", "Member", "ordinary member", "2010", "", ""])
        n += 1
    n += LEFT_OUT
    for _ in range(PROMOTED + JOINING):
        rows.append([_slug(n), "", "DE", "Member", "", "", "", ""])
        n += 1
    for k in range(NEW):
        rows.append(
            [
                f"synthetic-new-{k:05d}",
                f"{PREFIX} New Authority {k:05d}",
                "FR",
                "Member",
                "",
                "2025",
                "regulator",
                f"https://new-{k}.synthetic.example.org/",
            ]
        )
    table = Table(list(HEADERS), [(number, row) for number, row in enumerate(rows, start=2)])
    expected = Counter(
        confirm=CONFIRMED, update=RELABELLED, end=LEFT_OUT, role=PROMOTED, add=JOINING + NEW
    )
    return SyntheticDirectory(network, institutions, table, source, expected)


def synthetic_csv(directory: SyntheticDirectory) -> bytes:
    lines = [",".join(directory.table.headers)]
    lines += [",".join(row) for _number, row in directory.table.rows]
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Measured:
    seconds: float = 0.0
    queries: int = 0
    cache_writes: int = 0
    bumps: int = 0
    captured: list = field(default_factory=list)


@contextmanager
def measured():
    """Time, database queries, cache writes and content-version bumps of the block.

    The cache is the real one; its write methods are wrapped to count the calls (each
    still writes).
    """
    from responsecache import cache as response_cache

    result = Measured()
    cache = caches["default"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield from _measure(result, cache, response_cache, monkeypatch)


def _measure(result, cache, response_cache, monkeypatch):
    for name in ("set", "add", "set_many", "delete", "delete_many", "incr", "touch", "clear"):
        original = getattr(cache, name)

        def counting(*args, _original=original, **kwargs):
            result.cache_writes += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(cache, name, counting)
    original_bump = response_cache.bump_content_version

    def bump():
        result.bumps += 1
        original_bump()

    monkeypatch.setattr(response_cache, "bump_content_version", bump)

    def count(execute, sql, params, many, context):
        # CaptureQueriesContext keeps at most 9,000 queries: count them all here.
        result.queries += 1
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(count):
        yield result
    result.seconds = time.perf_counter() - start
    result.captured = queries.captured_queries


def report(label: str, rows: int, m: Measured) -> str:
    return (
        f"{label}: {rows} rows in {m.seconds:.2f} s ({rows / m.seconds:.0f} rows/s), "
        f"{m.queries} queries ({m.queries / rows:.2f}/row), {m.cache_writes} cache writes "
        f"({m.cache_writes / rows:.2f}/row), {m.bumps} content-version bumps"
    )
