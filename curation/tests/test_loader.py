"""load_directory: validated, atomic, idempotent loading of data/ (synthetic test data)."""

import datetime
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from curation.loader import DirectoryError, load_directory
from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Membership, Network, Signatory
from sources.models import Source

pytestmark = pytest.mark.django_db

JURISDICTIONS = """\
- code: DE
  name: Germany
- code: "NO"
  name: Norway
- code: CA
  name: Canada
- code: CA-ON
  name: Ontario
  kind: subdivision
  parent: CA
- code: EU
  name: European Union
  kind: union
"""

INSTITUTIONS_DE = """\
jurisdiction: DE
sources:
  - url: https://example.org/de
    title: Test page
    as_of: "2025-01-01"
institutions:
  - slug: de-central-bank
    name: Test Central Bank
    branch: central_bank
    website: https://central-bank.example.org/
    wikidata: Q1
    founded: "1957"
  - slug: de-supervisor
    name: Test Supervisor
    acronym: TS
    branch: regulator
    website: https://supervisor.example.org/
    other_names:
      - name: Testaufsicht
        language: de
"""

INSTITUTIONS_INT = """\
jurisdiction: null
sources:
  - url: https://example.org/int
    as_of: "2025-01-01"
institutions:
  - slug: test-org
    name: Test International Organisation
    branch: international_organisation
    website: https://org.example.org/
"""

NETWORK = """\
slug: test-net
name: Test Network
acronym: TN
website: https://net.example.org/
founded: "1974"
dimension: horizontal
functions: [information, harmonisation]
reach: global
sector: finance
origin: international_organisation
host: test-org
sources:
  - url: https://net.example.org/members
    title: Members
    as_of: "2025-06-30"
members:
  - institution: de-central-bank
    start: "1974"
  - institution: de-supervisor
    start: "2009-03"
    end: "2020-12-31"
    end_reason: withdrawn
  - network: other-net
    role: observer
meetings:
  - slug: test-net-2024
    title: Test plenary 2024
    kind: plenary
    start: "2024-06-01"
    end: "2024-06-02"
    city: Frankfurt
    jurisdiction: DE
    host: de-central-bank
    participants:
      - institution: de-supervisor
"""

OTHER_NETWORK = """\
slug: other-net
name: Other Network
dimension: vertical
functions: [enforcement]
reach: regional
sector: competition
origin: treaty
sources:
  - url: https://other.example.org/
    as_of: "2025-01-01"
"""

MEMORANDUM = """\
slug: test-mou
title: Test Memorandum
kind: bilateral
network: test-net
sector: finance
signed: "2002-05"
sources:
  - url: https://net.example.org/mou
    as_of: "2025-01-01"
signatories:
  - institution: de-central-bank
    tier: Appendix A
  - institution: de-supervisor
    signed: "2003"
"""


def write_dataset(root: Path, **overrides: str) -> Path:
    files = {
        "jurisdictions.yaml": JURISDICTIONS,
        "institutions/de.yaml": INSTITUTIONS_DE,
        "institutions/international.yaml": INSTITUTIONS_INT,
        "networks/test-net.yaml": NETWORK,
        "networks/other-net.yaml": OTHER_NETWORK,
        "memoranda/test-mou.yaml": MEMORANDUM,
    } | overrides
    for name, text in files.items():
        path = root / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root / "data"


def problems_for(tmp_path: Path, **overrides: str) -> list[str]:
    path = write_dataset(tmp_path, **overrides)
    with pytest.raises(DirectoryError) as excinfo:
        load_directory(path)
    return [str(p) for p in excinfo.value.problems]


def test_a_one_digit_month_is_read_as_the_member_list_imports_read_it(tmp_path):
    network = NETWORK.replace('founded: "1974"', 'founded: "1974-3"')
    load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": network}))
    network = Network.objects.get(slug="test-net")
    assert (network.founded_on, network.founded_on_precision) == (
        datetime.date(1974, 3, 1),
        "month",
    )


def test_a_member_whose_website_is_unknown_is_recorded_without_one(tmp_path):
    institutions = INSTITUTIONS_DE.replace("    website: https://supervisor.example.org/\n", "")
    assert "supervisor.example.org" not in institutions
    load_directory(write_dataset(tmp_path, **{"institutions/de.yaml": institutions}))
    assert Institution.objects.get(slug="de-supervisor").website == ""
    # A malformed one is still refused.
    bad = INSTITUTIONS_DE.replace("https://supervisor.example.org/", "supervisor.example.org")
    problems = problems_for(tmp_path / "bad", **{"institutions/de.yaml": bad})
    assert any("website: malformed URL" in problem for problem in problems)


def test_a_body_in_nothing_recorded_can_say_why_it_is_listed(tmp_path):
    institutions = INSTITUTIONS_DE.replace(
        '    founded: "1957"\n',
        '    founded: "1957"\n    listed_because: Member of a network not recorded yet.\n',
    )
    assert "listed_because" in institutions
    load_directory(write_dataset(tmp_path, **{"institutions/de.yaml": institutions}))
    bank = Institution.objects.get(slug="de-central-bank")
    assert bank.listed_because == "Member of a network not recorded yet."
    assert Institution.objects.get(slug="de-supervisor").listed_because == ""


def test_it_loads_a_dataset(tmp_path):
    summary = load_directory(write_dataset(tmp_path))
    assert summary.counts["networks"]["created"] == 2
    network = Network.objects.get(slug="test-net")
    assert network.functions == ["information", "harmonisation"]
    assert network.host.slug == "test-org"
    assert network.founded_display == "1974"
    assert [s.url for s in network.sources.all()] == ["https://net.example.org/members"]
    bank = Institution.objects.get(slug="de-central-bank")
    assert bank.jurisdiction.code == "DE"
    assert bank.identifiers.get().identifier == "Q1"
    assert Institution.objects.get(slug="de-supervisor").other_names.get().name == "Testaufsicht"
    assert Jurisdiction.objects.get(code="NO").region == "europe"
    ontario = Jurisdiction.objects.get(code="CA-ON")
    assert (ontario.parent.code, ontario.subregion) == ("CA", "northern_america")
    assert Jurisdiction.objects.get(code="DE").subregion == "western_europe"

    members = network.memberships
    assert members.count() == 3
    supervisor = members.get(member_institution__slug="de-supervisor")
    assert (supervisor.start_date, supervisor.start_date_precision) == (
        datetime.date(2009, 3, 1),
        "month",
    )
    assert supervisor.end_reason == "withdrawn"
    assert {m.member for m in members.as_of(datetime.date(2015, 1, 1))} == {
        bank,
        supervisor.member_institution,
        Network.objects.get(slug="other-net"),
    }
    assert supervisor not in members.current()
    assert members.get(member_network__slug="other-net").role == "observer"
    assert [s.url for s in supervisor.sources.all()] == ["https://net.example.org/members"]

    meeting = Meeting.objects.get(slug="test-net-2024")
    assert meeting.host == bank
    assert list(meeting.participants.values_list("institution__slug", flat=True)) == [
        "de-supervisor"
    ]
    assert Signatory.objects.get(institution=bank).tier == "Appendix A"


def test_a_second_load_changes_nothing(tmp_path, capsys):
    path = write_dataset(tmp_path)
    load_directory(path)
    summary = load_directory(path)
    assert not summary.changed
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in summary.counts.values())
    call_command("load_directory", str(path))
    assert capsys.readouterr().out.strip().endswith("nothing changed.")


def test_a_changed_file_updates_only_what_changed(tmp_path):
    path = write_dataset(tmp_path)
    load_directory(path)
    before = Institution.objects.get(slug="de-central-bank").updated_at
    edited = NETWORK.replace('start: "2009-03"', 'start: "2009-04-01"')
    summary = load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": edited}))
    assert summary.counts["memberships"]["updated"] == 1
    assert summary.counts["memberships"]["created"] == 0
    assert summary.counts["memberships"]["unchanged"] == 2
    assert summary.counts["institutions"]["updated"] == 0
    assert Institution.objects.get(slug="de-central-bank").updated_at == before
    membership = Membership.objects.get(member_institution__slug="de-supervisor")
    assert (membership.start_date, membership.start_date_precision) == (
        datetime.date(2009, 4, 1),
        "day",
    )


def test_a_membership_removed_from_the_file_is_kept_unless_pruned(tmp_path):
    path = write_dataset(tmp_path)
    load_directory(path)
    without_observer = NETWORK.replace("  - network: other-net\n    role: observer\n", "")
    path = write_dataset(tmp_path, **{"networks/test-net.yaml": without_observer})
    summary = load_directory(path)
    assert Membership.objects.filter(member_network__slug="other-net").exists()
    assert len(summary.left_alone) == 1
    summary = load_directory(path, prune=True)
    assert summary.counts["memberships"]["deleted"] == 1
    assert not Membership.objects.filter(member_network__slug="other-net").exists()


def test_a_dry_run_writes_nothing(tmp_path):
    summary = load_directory(write_dataset(tmp_path), dry_run=True)
    assert summary.counts["networks"]["created"] == 2
    assert not Network.objects.exists()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "institutions/de.yaml",
            "jurisdiction: DE",
            "jurisdiction: XX",
            "data/institutions/de.yaml:1: jurisdiction: unknown jurisdiction code XX",
        ),
        (
            "jurisdictions.yaml",
            "code: DE",
            "code: ZZ",
            "data/jurisdictions.yaml:1: code: Unknown ISO 3166-1 country code: ZZ.",
        ),
        (
            "networks/test-net.yaml",
            "institution: de-central-bank",
            "institution: de-nobody",
            "data/networks/test-net.yaml:17: institution: unknown institution 'de-nobody'",
        ),
        (
            "networks/test-net.yaml",
            "network: other-net",
            "network: no-such-net",
            "data/networks/test-net.yaml:23: network: unknown network 'no-such-net'",
        ),
        (
            "networks/test-net.yaml",
            'end: "2020-12-31"',
            'end: "2008-12-31"',
            "data/networks/test-net.yaml:21: end: membership ends before it starts",
        ),
        (
            "networks/test-net.yaml",
            "website: https://net.example.org/",
            "website: net.example.org",
            "data/networks/test-net.yaml:4: website: malformed URL 'net.example.org' "
            "(must be a full http(s) address)",
        ),
        (
            "networks/test-net.yaml",
            '    start: "1974"\n',
            '    start: "1974"\n    source: https://elsewhere.example.org/\n',
            "data/networks/test-net.yaml:19: source: https://elsewhere.example.org/ is not in this "
            "file's sources list",
        ),
        (
            "networks/other-net.yaml",
            'sources:\n  - url: https://other.example.org/\n    as_of: "2025-01-01"\n',
            "",
            "data/networks/other-net.yaml:1: sources: every file needs at least one source",
        ),
        (
            "institutions/international.yaml",
            "slug: test-org",
            "slug: de-central-bank",
            "data/institutions/international.yaml:6: slug: duplicate slug, first at "
            "data/institutions/de.yaml:7",
        ),
        (
            "networks/test-net.yaml",
            "  - network: other-net\n    role: observer\n",
            '  - institution: de-central-bank\n    start: "1974"\n',
            "data/networks/test-net.yaml:24: start: duplicate or overlapping membership "
            "(see line 17)",
        ),
        (
            "networks/test-net.yaml",
            "dimension: horizontal",
            "dimension: diagonal",
            "data/networks/test-net.yaml:6: dimension: unknown value 'diagonal' "
            "(expected one of: horizontal, vertical)",
        ),
        (
            "networks/test-net.yaml",
            'founded: "1974"',
            'founded: "1974-13"',
            "data/networks/test-net.yaml:5: founded: '1974-13' is not a real date",
        ),
        (
            "institutions/de.yaml",
            "    wikidata: Q1\n",
            "    wikidata: Q1\n    colour: blue\n",
            "data/institutions/de.yaml:12: colour: unknown field",
        ),
    ],
)
def test_bad_input_is_refused_with_file_line_and_field(tmp_path, file, old, new, expected):
    original = {
        "jurisdictions.yaml": JURISDICTIONS,
        "institutions/de.yaml": INSTITUTIONS_DE,
        "institutions/international.yaml": INSTITUTIONS_INT,
        "networks/test-net.yaml": NETWORK,
        "networks/other-net.yaml": OTHER_NETWORK,
    }[file]
    assert old in original
    problems = problems_for(tmp_path, **{file: original.replace(old, new, 1)})
    assert any(p.startswith(expected) for p in problems), problems
    assert not Source.objects.exists()
    assert not Jurisdiction.objects.exists()


def test_a_bad_file_leaves_a_loaded_database_untouched(tmp_path):
    load_directory(write_dataset(tmp_path))
    counts = [m.objects.count() for m in (Institution, Network, Membership, Source)]
    bad = NETWORK.replace("name: Test Network", "name: Renamed").replace(
        'end: "2020-12-31"', 'end: "2000-01-01"'
    )
    with pytest.raises(DirectoryError):
        load_directory(write_dataset(tmp_path, **{"networks/test-net.yaml": bad}))
    assert [m.objects.count() for m in (Institution, Network, Membership, Source)] == counts
    assert Network.objects.get(slug="test-net").name == "Test Network"


def test_every_problem_is_reported_at_once(tmp_path):
    bad = NETWORK.replace("dimension: horizontal", "dimension: diagonal").replace(
        "reach: global", "reach: galactic"
    )
    problems = problems_for(
        tmp_path,
        **{
            "networks/test-net.yaml": bad,
            "institutions/de.yaml": INSTITUTIONS_DE.replace("branch: regulator", "branch: oracle"),
        },
    )
    assert len(problems) == 3


def test_the_command_lists_problems_and_fails(tmp_path, capsys):
    path = write_dataset(
        tmp_path, **{"networks/test-net.yaml": NETWORK.replace("reach: global", "reach: galactic")}
    )
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_directory", str(path))
    assert "test-net.yaml:8: reach: unknown value 'galactic'" in capsys.readouterr().err
