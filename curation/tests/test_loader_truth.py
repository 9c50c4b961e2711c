"""load_directory and issue #14: lineage.yaml, completeness statements, and sources that
say when (their `as_of`, and no fact later than it). Synthetic test data."""

import datetime

import pytest
from django.core.management import call_command

from curation.audit import audit
from curation.loader import load_directory
from curation.tests.test_loader import NETWORK, problems_for, write_dataset
from institutions.models import Institution, InstitutionSuccession
from networks.models import ListStatus, Memorandum, Network, NetworkSuccession
from sources.models import Source

pytestmark = pytest.mark.django_db

D = datetime.date

# A predecessor, dissolved when the successor took over, with no website left.
INSTITUTIONS_XX = """\
jurisdiction: DE
sources:
  - url: https://example.org/merger
    title: The merger
    as_of: "2013-01-01"
    accessed: "2025-02-01"
institutions:
  - slug: de-old-authority
    name: Old Authority
    branch: regulator
    dissolved: "2013-01-01"
"""

LINEAGE = """\
sources:
  - url: https://example.org/merger
    title: The merger
    as_of: "2013-01-01"
    accessed: "2025-02-01"
  - url: https://other.example.org/
    as_of: "2025-01-01"
institutions:
  - from: de-old-authority
    to: de-supervisor
    kind: merged_into
    date: "2013-01-01"
    note: The Old Authority merged into the Test Supervisor.
  - former_name: Test Supervisory Office
    to: de-supervisor
    kind: renamed
    date: "2015"
    source: https://other.example.org/
networks:
  - from: other-net
    to: test-net
    kind: replaced_by
    source: https://other.example.org/
"""


def load(tmp_path, **overrides):
    path = write_dataset(tmp_path, **overrides)
    return load_directory(path)


def test_lineage_yaml_loads_successions_both_ways(tmp_path):
    load(
        tmp_path,
        **{"institutions/xx.yaml": INSTITUTIONS_XX, "lineage.yaml": LINEAGE},
    )
    merger = InstitutionSuccession.objects.get(predecessor__slug="de-old-authority")
    assert merger.successor.slug == "de-supervisor"
    assert (merger.kind, merger.date, merger.date_precision) == (
        "merged_into",
        D(2013, 1, 1),
        "day",
    )
    assert [s.url for s in merger.sources.all()] == ["https://example.org/merger"]
    renaming = InstitutionSuccession.objects.get(predecessor=None)
    assert (renaming.former_name, renaming.date_precision) == ("Test Supervisory Office", "year")
    replaced = NetworkSuccession.objects.get()
    assert (replaced.predecessor.slug, replaced.successor.slug, replaced.date) == (
        "other-net",
        "test-net",
        None,
    )
    old = Institution.objects.get(slug="de-old-authority")
    assert old.website == "" and old.dissolved_on == D(2013, 1, 1)
    # A second load changes nothing.
    summary = load(
        tmp_path,
        **{"institutions/xx.yaml": INSTITUTIONS_XX, "lineage.yaml": LINEAGE},
    )
    assert not summary.changed


def test_a_succession_removed_from_the_file_is_kept_unless_pruned(tmp_path):
    load(tmp_path, **{"institutions/xx.yaml": INSTITUTIONS_XX, "lineage.yaml": LINEAGE})
    shorter = LINEAGE.split("  - former_name:")[0] + "networks: []\n"
    path = write_dataset(
        tmp_path, **{"institutions/xx.yaml": INSTITUTIONS_XX, "lineage.yaml": shorter}
    )
    summary = load_directory(path)
    assert InstitutionSuccession.objects.count() == 2
    assert any("succession not in data/" in line for line in summary.left_alone)
    load_directory(path, prune=True)
    assert InstitutionSuccession.objects.count() == 1
    assert not NetworkSuccession.objects.exists()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("  - from: de-supervisor\n    to: de-supervisor\n    kind: renamed\n", "succeed itself"),
        (
            "  - from: de-nowhere\n    to: de-supervisor\n    kind: absorbed_by\n",
            "unknown institution",
        ),
        (
            "  - from: de-central-bank\n    former_name: X\n    to: de-supervisor\n"
            "    kind: renamed\n",
            "exactly one of from:",
        ),
        (
            "  - former_name: X\n    to: de-supervisor\n    kind: merged_into\n",
            "only a renaming",
        ),
        (
            "  - from: de-central-bank\n    to: de-supervisor\n    kind: swallowed\n",
            "unknown value",
        ),
    ],
)
def test_a_bad_succession_is_refused_naming_file_line_and_field(tmp_path, entry, expected):
    lineage = "sources:\n  - url: https://example.org/l\n    as_of: '2025-01-01'\ninstitutions:\n"
    problems = problems_for(tmp_path, **{"lineage.yaml": lineage + entry})
    assert any(p.startswith("data/lineage.yaml:") and expected in p for p in problems), problems


def test_a_source_keeps_the_date_it_describes_apart_from_the_day_it_was_read(tmp_path):
    load(tmp_path, **{"institutions/xx.yaml": INSTITUTIONS_XX})
    merger = Source.objects.get(url="https://example.org/merger")
    assert (merger.as_of, merger.accessed_on) == (D(2013, 1, 1), D(2025, 2, 1))
    # Without `accessed`, read on the date it describes.
    members = Source.objects.get(url="https://net.example.org/members")
    assert members.as_of == members.accessed_on == D(2025, 6, 30)


def test_a_fact_later_than_its_source_is_refused_naming_file_record_and_field(tmp_path):
    late_end = NETWORK.replace('    end: "2020-12-31"', '    end: "2026-01-31"')
    problems = problems_for(tmp_path, **{"networks/test-net.yaml": late_end})
    assert len(problems) == 1
    assert problems[0].startswith("data/networks/test-net.yaml:")
    assert "end: 2026-01-31 is later than the as_of 2025-06-30" in problems[0]
    assert "https://net.example.org/members" in problems[0]


def test_a_fact_is_compared_at_its_precision_and_one_later_source_is_enough(tmp_path):
    # "2025-06" begins before the page's 30 June 2025: it could have said it.
    same_month = NETWORK.replace('    end: "2020-12-31"', '    end: "2025-06"')
    load(tmp_path, **{"networks/test-net.yaml": same_month})
    # A record citing two sources needs one dated late enough.
    two = NETWORK.replace(
        '    end: "2020-12-31"',
        '    end: "2025-06-15"\n    sources: [https://net.example.org/early,'
        " https://net.example.org/members]",
    ).replace(
        "members:\n",
        '  - url: https://net.example.org/early\n    as_of: "2001-01-01"\nmembers:\n',
        1,
    )
    load(tmp_path, **{"networks/test-net.yaml": two})


def test_a_founding_later_than_its_source_is_refused(tmp_path):
    early = INSTITUTIONS_XX.replace('dissolved: "2013-01-01"', 'dissolved: "2013-01-02"')
    problems = problems_for(tmp_path, **{"institutions/xx.yaml": early})
    assert any("dissolved: 2013-01-02 is later than the as_of 2013-01-01" in p for p in problems)


def test_many_sources_sharing_one_date_are_an_audit_finding_not_a_load_warning(tmp_path, capsys):
    sources = "".join(
        f'  - url: https://example.org/s{i}\n    as_of: "2025-06-30"\n' for i in range(25)
    )
    many = f"jurisdiction: DE\nsources:\n{sources}institutions: []\n"
    path = write_dataset(tmp_path, **{"institutions/many.yaml": many})
    call_command("load_directory", str(path))
    # Loaded, and `make run` stays quiet: the audit (a ratchet in CI) is its one home.
    assert "warning" not in capsys.readouterr().out
    assert Source.objects.filter(url__startswith="https://example.org/s").count() == 25
    found = [str(f) for f in audit().findings["source_on_shared_date"]]
    # The 25, and any source of the base dataset on the same date.
    assert {f"source https://example.org/s{i}" for i in range(25)} <= {
        f.split(": ")[0] for f in found
    }
    assert all("as_of 2025-06-30, like" in f for f in found)


def test_sources_spread_over_many_dates_are_no_finding(tmp_path):
    sources = "".join(
        f'  - url: https://example.org/d{i}\n    as_of: "2025-06-{i + 1:02d}"\n' for i in range(25)
    )
    spread = f"jurisdiction: DE\nsources:\n{sources}institutions: []\n"
    call_command("load_directory", str(write_dataset(tmp_path, **{"institutions/s.yaml": spread})))
    assert audit().findings["source_on_shared_date"] == []


COMPLETE = NETWORK.replace(
    "sources:\n",
    "completeness:\n"
    "  status: partial\n"
    "  total: 40\n"
    "  total_qualifier: more_than\n"
    "  unit: jurisdictions\n"
    "  source: https://net.example.org/members\n"
    "  note: More than forty.\n"
    "sources:\n",
    1,
)


def test_a_completeness_statement_is_loaded_with_its_source_and_date(tmp_path):
    load(tmp_path, **{"networks/test-net.yaml": COMPLETE})
    network = Network.objects.with_list_counts().select_related("list_source").get(slug="test-net")
    statement = network.list_completeness
    assert (statement.status, statement.total, statement.qualifier) == (
        ListStatus.PARTIAL,
        40,
        "more_than",
    )
    assert statement.source.url == "https://net.example.org/members"
    # Its date defaults to the source's; N counts the member held today (the other
    # ended in 2020; the observer network is not counted).
    assert statement.as_of == D(2025, 6, 30)
    assert statement.listed == 1
    assert statement.statement == "partial: 1 of more than 40 jurisdictions"
    assert Memorandum.objects.get(slug="test-mou").list_status == ListStatus.UNKNOWN


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("  status: partial\n", "a partial list needs the official total"),
        ("  status: unknown\n  total: 12\n", "an official total needs its source"),
        ("  status: complete\n", "a complete list needs the source"),
        ("  status: unknown\n  total_qualifier: about\n", "give the total it qualifies"),
        (
            "  status: unknown\n  total: 3\n  source: https://net.example.org/members\n"
            '  as_of: "2026-01-01"\n',
            "later than the as_of 2025-06-30",
        ),
        ("  status: partial\n  total: 0\n  source: https://net.example.org/members\n", "1 or more"),
    ],
)
def test_a_bad_completeness_statement_is_refused(tmp_path, block, expected):
    bad = NETWORK.replace("sources:\n", f"completeness:\n{block}sources:\n", 1)
    problems = problems_for(tmp_path, **{"networks/test-net.yaml": bad})
    assert any(p.startswith("data/networks/test-net.yaml:") and expected in p for p in problems)
