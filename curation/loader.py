"""Load the curated dataset under data/ into the database (`manage.py load_directory`).

Two phases. First every file is read and validated without touching the database;
every problem is collected as `file:line: field: reason`. Only when there are none is
anything written, in one transaction, comparing each record with what is stored so
that a second run changes nothing. The format is documented in data/README.md.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from institutions.models import (
    Branch,
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionSuccession,
    Jurisdiction,
    JurisdictionKind,
    Level,
)
from institutions.reference import m49_region
from institutions.regions import SUBREGION_REGION, Region, SubRegion
from networks.models import (
    DecisionRule,
    Dimension,
    EndReason,
    Function,
    ListStatus,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Membership,
    Memorandum,
    MemorandumKind,
    Network,
    NetworkSuccession,
    Origin,
    OutcomeDocument,
    ParticipantRole,
    Reach,
    Role,
    Sector,
    Signatory,
    TotalQualifier,
)
from sources.history import current as current_recording
from sources.history import recording, tracked_models
from sources.identifiers import WIKIDATA_QID_RE, validate_lei
from sources.models import ChangeKind, Source, SuccessionKind, validate_http_url
from sources.partial_dates import DatePrecision, parse_partial_date

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# --- Reading -------------------------------------------------------------------------


class Record(dict):
    """A YAML mapping that remembers the line of each key."""

    path: str = ""
    line: int = 0
    lines: dict[str, int]
    duplicate_keys: list[str]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


# libyaml's parser when PyYAML was built with it (its wheels are): the same nodes and
# marks, several times faster than the pure-Python parser on data/.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """SafeLoader whose mappings are Records carrying line numbers."""


def _construct_record(loader: _LineLoader, node: yaml.MappingNode):
    record = Record()
    record.path = loader.name
    record.line = node.start_mark.line + 1
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    record.lines = {
        k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    record.duplicate_keys = [k for k, n in Counter(keys).items() if n > 1]
    yield record
    record.update(loader.construct_mapping(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_record)

# YAML 1.1 reads NO (Norway), ON and YES as booleans; keep only true/false, as YAML 1.2.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class DirectoryError(Exception):
    """The dataset has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Summary:
    """What a load created, updated, left unchanged and removed, per kind of record."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    left_alone: list[str] = field(default_factory=list)
    # What is suspicious without being invalid (many sources sharing one date).
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 0  # keep the kind listed even when nothing happens
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for kind, c in self.counts.items():
            out.append(
                f"{kind}: {c['created']} created, {c['updated']} updated, "
                f"{c['unchanged']} unchanged, {c['deleted']} deleted"
            )
        return out


class _Reader:
    """Validates one record's fields, collecting problems instead of stopping at the first."""

    def __init__(self, base: Path):
        self.base = base
        self.problems: list[Problem] = []

    def rel(self, path: str | Path) -> str:
        try:
            return str(Path(path).relative_to(self.base.parent))
        except ValueError:
            return str(path)

    def error(self, rec: Record | None, key: str, message: str, *, path: str = "") -> None:
        if rec is None:
            self.problems.append(Problem(self.rel(path), 1, key, message))
        else:
            self.problems.append(Problem(self.rel(rec.path), rec.line_of(key), key, message))

    def check_keys(self, rec: Record, allowed: set[str]) -> None:
        for key in rec.duplicate_keys:
            self.error(rec, key, "given more than once")
        for key in rec:
            if key not in allowed:
                self.error(
                    rec, key, f"unknown field (expected one of: {', '.join(sorted(allowed))})"
                )

    def text(self, rec: Record, key: str, *, required: bool = False, max_length: int = 0) -> str:
        value = rec.get(key)
        if value is None or value == "":
            if required:
                self.error(rec, key, "required")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(rec, key, "must be text")
            return ""
        value = str(value).strip()
        if max_length and len(value) > max_length:
            self.error(rec, key, f"longer than {max_length} characters")
        return value

    def slug(self, rec: Record, key: str, *, required: bool = True) -> str:
        value = self.text(rec, key, required=required)
        if value and not SLUG_RE.match(value):
            self.error(rec, key, f"'{value}' is not a slug (lower-case words joined by hyphens)")
            return ""
        return value

    def choice(self, rec: Record, key: str, choices, *, required: bool = True, default=""):
        value = rec.get(key)
        if value is None or value == "":
            if required and not default:
                self.error(rec, key, "required")
            return default
        if value not in choices.values:
            self.error(
                rec, key, f"unknown value '{value}' (expected one of: {', '.join(choices.values)})"
            )
            return default
        return value

    def url(self, rec: Record, key: str, *, required: bool = False) -> str:
        value = self.text(rec, key, required=required, max_length=1000)
        if value:
            try:
                validate_http_url(value)
            except ValidationError:
                self.error(rec, key, f"malformed URL '{value}' (must be a full http(s) address)")
                return ""
        return value

    def boolean(self, rec: Record, key: str) -> bool | None:
        value = rec.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(rec, key, "must be true or false")
            return None
        return value

    def partial_date(self, rec: Record, key: str) -> tuple[datetime.date | None, str]:
        """A YYYY, YYYY-MM or YYYY-MM-DD date with its precision."""
        try:
            return parse_partial_date(rec.get(key))
        except ValidationError as error:
            self.error(rec, key, error.messages[0])
            return None, DatePrecision.DAY

    def full_date(self, rec: Record, key: str, *, required: bool = False) -> datetime.date | None:
        value, precision = self.partial_date(rec, key)
        if value is None:
            if required and rec.get(key) in (None, ""):
                self.error(rec, key, "required")
            return None
        if precision != DatePrecision.DAY:
            self.error(rec, key, "must be a full date (YYYY-MM-DD)")
            return None
        return value

    def records(self, rec: Record, key: str) -> list[Record]:
        value = rec.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Record) for v in value):
            self.error(rec, key, "must be a list of entries")
            return []
        return value

    def is_after(self, rec: Record, key: str, earlier, later, message: str) -> None:
        if earlier and later and later < earlier:
            self.error(rec, key, message)


# --- Staged records: validated values, references still by slug -----------------------


@dataclass
class Staged:
    rec: Record
    values: dict[str, Any]
    refs: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    children: dict[str, list] = field(default_factory=dict)
    # The dates the record states (YAML key -> first day of the period): none of them
    # can be later than the `as_of` of a source it cites.
    facts: dict[str, datetime.date | None] = field(default_factory=dict)


class Dataset:
    """The whole dataset, read and validated, ready to write."""

    def __init__(self, base: Path):
        self.base = base
        self.r = _Reader(base)
        self.sources: dict[str, dict] = {}
        self.source_origin: dict[str, Record] = {}
        self.jurisdictions: dict[str, Staged] = {}
        self.institutions: dict[str, Staged] = {}
        self.networks: dict[str, Staged] = {}
        self.memberships: list[Staged] = []
        self.meetings: dict[str, Staged] = {}
        self.memoranda: dict[str, Staged] = {}
        self.signatories: list[Staged] = []
        self.successions: list[Staged] = []
        self.warnings: list[str] = []

    # -- files

    def read(self) -> None:
        if not self.base.is_dir():
            self.r.error(None, "path", f"no such directory: {self.base}", path=str(self.base))
            return
        jurisdictions = self.base / "jurisdictions.yaml"
        if jurisdictions.exists():
            self._read_jurisdictions(jurisdictions)
        else:
            self.r.error(None, "file", "missing jurisdictions.yaml", path=str(jurisdictions))
        for path in sorted((self.base / "institutions").rglob("*.yaml")):
            self._read_institutions(path)
        for path in sorted((self.base / "networks").rglob("*.yaml")):
            self._read_network(path)
        for path in sorted((self.base / "memoranda").rglob("*.yaml")):
            self._read_memorandum(path)
        lineage = self.base / "lineage.yaml"
        if lineage.exists():
            self._read_lineage(lineage)
        self._check_references()
        self._check_source_dates()

    def _load(self, path: Path, expect: type):
        try:
            with path.open(encoding="utf-8") as fh:
                loader = _LineLoader(fh)
                loader.name = str(path)
                try:
                    data = loader.get_single_data()
                finally:
                    loader.dispose()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            self.r.problems.append(
                Problem(self.r.rel(path), line, "yaml", str(exc).splitlines()[0])
            )
            return None
        if not isinstance(data, expect):
            kind = "a list" if expect is list else "a mapping"
            self.r.error(None, "file", f"must contain {kind}", path=str(path))
            return None
        return data

    def _register(self, registry: dict[str, Staged], slug: str, staged: Staged) -> bool:
        """Add a record under its slug; a slug seen before is a problem. True if added."""
        if not slug:
            return False
        if slug in registry:
            first = registry[slug].rec
            self.r.error(
                staged.rec,
                "slug",
                f"duplicate slug, first at {self.r.rel(first.path)}:{first.line}",
            )
            return False
        registry[slug] = staged
        return True

    def _read_sources(self, rec: Record) -> list[str]:
        """The file's `sources:` definitions; returns their URLs in order."""
        urls = []
        entries = self.r.records(rec, "sources")
        if not entries:
            self.r.error(rec, "sources", "every file needs at least one source")
        for entry in entries:
            self.r.check_keys(
                entry, {"url", "title", "publisher", "as_of", "accessed", "published"}
            )
            url = self.r.url(entry, "url", required=True)
            as_of = self.r.full_date(entry, "as_of", required=True)
            values = {
                "title": self.r.text(entry, "title", max_length=300),
                "publisher": self.r.text(entry, "publisher", max_length=200),
                "as_of": as_of,
                # Read on the date it describes, unless the file says otherwise.
                "accessed_on": self.r.full_date(entry, "accessed") or as_of,
                "published_on": self.r.full_date(entry, "published"),
            }
            if not url:
                continue
            if url in self.sources and self.sources[url] != values:
                first = self.source_origin[url]
                self.r.error(
                    entry,
                    "url",
                    f"source {url} is described differently in "
                    f"{self.r.rel(first.path)}:{first.line}",
                )
            self.sources.setdefault(url, values)
            self.source_origin.setdefault(url, entry)
            urls.append(url)
        return urls

    def _cited(self, rec: Record, file_sources: list[str]) -> list[str]:
        """URLs a record cites: its `source:`/`sources:`, else the file's first source."""
        cited = []
        if "source" in rec:
            cited = [rec["source"]]
        if "sources" in rec:
            if not isinstance(rec["sources"], list):
                self.r.error(rec, "sources", "must be a list of URLs")
            else:
                cited += rec["sources"]
        for url in cited:
            if url not in file_sources:
                self.r.error(
                    rec,
                    "source" if "source" in rec else "sources",
                    f"{url} is not in this file's sources list",
                )
        if not cited and file_sources:
            cited = file_sources[:1]
        if not cited:
            self.r.error(rec, "source", "missing source")
        return [url for url in cited if url in file_sources]

    def _read_jurisdictions(self, path: Path) -> None:
        data = self._load(path, list)
        for rec in data or []:
            if not isinstance(rec, Record):
                self.r.error(None, "entry", "each jurisdiction must be a mapping", path=str(path))
                continue
            self.r.check_keys(rec, {"code", "name", "kind", "parent", "region", "subregion"})
            code = self.r.text(rec, "code", required=True).upper()
            name = self.r.text(rec, "name", required=True, max_length=200)
            kind = self.r.choice(rec, "kind", JurisdictionKind, default=JurisdictionKind.STATE)
            parent = self.r.text(rec, "parent").upper()
            if code in self.jurisdictions:
                self.r.error(rec, "code", f"duplicate jurisdiction {code}")
                continue
            if code:
                candidate = Jurisdiction(code=code, name=name, kind=kind)
                if kind == JurisdictionKind.SUBDIVISION and parent:
                    candidate.parent = Jurisdiction(code=parent)
                try:
                    candidate.clean()
                except ValidationError as exc:
                    for message in exc.message_dict.get("code", []):
                        self.r.error(rec, "code", message)
            if kind == JurisdictionKind.SUBDIVISION and not parent:
                self.r.error(rec, "parent", "a subdivision needs its state")
            if kind != JurisdictionKind.SUBDIVISION and parent:
                self.r.error(rec, "parent", "only subdivisions have a parent")
            region = self.r.choice(rec, "region", Region, required=False)
            subregion = self.r.choice(rec, "subregion", SubRegion, required=False)
            self.jurisdictions[code] = Staged(
                rec,
                {
                    "code": code,
                    "name": name,
                    "slug": slugify(name),
                    "kind": kind,
                    "region": region,
                    "subregion": subregion,
                },
                refs={"parent": parent} if parent else {},
            )
        slugs = Counter(s.values["slug"] for s in self.jurisdictions.values())
        for staged in self.jurisdictions.values():
            if slugs[staged.values["slug"]] > 1:
                self.r.error(staged.rec, "name", "two jurisdictions have this name")

    def _read_institutions(self, path: Path) -> None:
        data = self._load(path, dict)
        if data is None:
            return
        self.r.check_keys(data, {"jurisdiction", "sources", "institutions"})
        if "jurisdiction" not in data:
            self.r.error(data, "jurisdiction", "required (a code, or null for international)")
        code = self.r.text(data, "jurisdiction").upper()
        if code and code not in self.jurisdictions:
            self.r.error(data, "jurisdiction", f"unknown jurisdiction code {code}")
        file_sources = self._read_sources(data)
        for rec in self.r.records(data, "institutions"):
            self.r.check_keys(
                rec,
                {
                    "slug",
                    "name",
                    "acronym",
                    "branch",
                    "level",
                    "website",
                    "wikidata",
                    "founded",
                    "dissolved",
                    "parent",
                    "other_names",
                    "description",
                    "listed_because",
                    "source",
                    "sources",
                },
            )
            slug = self.r.slug(rec, "slug")
            level = self.r.choice(
                rec, "level", Level, default=Level.NATIONAL if code else Level.INTERNATIONAL
            )
            if not code and level not in (Level.INTERNATIONAL, Level.SUPRANATIONAL):
                self.r.error(
                    rec, "level", "only international and supranational bodies have no jurisdiction"
                )
            founded, founded_p = self.r.partial_date(rec, "founded")
            dissolved, dissolved_p = self.r.partial_date(rec, "dissolved")
            self.r.is_after(rec, "dissolved", founded, dissolved, "dissolved before it was founded")
            wikidata = self.r.text(rec, "wikidata")
            if wikidata and not WIKIDATA_QID_RE.fullmatch(wikidata):
                self.r.error(rec, "wikidata", f"'{wikidata}' is not a Wikidata QID (Q123)")
                wikidata = ""
            other_names = []
            raw_names = rec.get("other_names") or []
            if not isinstance(raw_names, list):
                self.r.error(rec, "other_names", "must be a list")
                raw_names = []
            for entry in raw_names:
                if isinstance(entry, str):
                    other_names.append({"name": entry, "language": "", "note": ""})
                elif isinstance(entry, Record):
                    self.r.check_keys(entry, {"name", "language", "note"})
                    other_names.append(
                        {
                            "name": self.r.text(entry, "name", required=True, max_length=300),
                            "language": self.r.text(entry, "language", max_length=10),
                            "note": self.r.text(entry, "note", max_length=200),
                        }
                    )
                else:
                    self.r.error(rec, "other_names", "each name must be text or a mapping")
            staged = Staged(
                rec,
                {
                    "name": self.r.text(rec, "name", required=True, max_length=300),
                    "acronym": self.r.text(rec, "acronym", max_length=40),
                    "branch": self.r.choice(rec, "branch", Branch),
                    "level": level,
                    # Optional (#20): a membership is a fact about the network, sourced by
                    # its list; a member whose own site is unknown is recorded without one
                    # rather than left out. The page then says nothing of a website.
                    "website": self.r.url(rec, "website"),
                    "founded_on": founded,
                    "founded_on_precision": founded_p,
                    "dissolved_on": dissolved,
                    "dissolved_on_precision": dissolved_p,
                    "description": self.r.text(rec, "description"),
                    "listed_because": self.r.text(rec, "listed_because"),
                },
                refs={"jurisdiction": code, "parent": self.r.slug(rec, "parent", required=False)},
                sources=self._cited(rec, file_sources),
                children={"other_names": other_names, "wikidata": [wikidata] if wikidata else []},
                facts={"founded": founded, "dissolved": dissolved},
            )
            self._register(self.institutions, slug, staged)

    def _read_network(self, path: Path) -> None:
        rec = self._load(path, dict)
        if rec is None:
            return
        self.r.check_keys(
            rec,
            {
                "slug",
                "name",
                "acronym",
                "website",
                "wikidata",
                "lei",
                "founded",
                "dissolved",
                "description",
                "dimension",
                "functions",
                "reach",
                "sector",
                "issue_area",
                "origin",
                "host",
                "parent",
                "legal_basis",
                "decision_rule",
                "membership_criteria",
                "publishes_meeting_records",
                "completeness",
                "sources",
                "source",
                "members",
                "meetings",
            },
        )
        file_sources = self._read_sources(rec)
        slug = self.r.slug(rec, "slug")
        founded, founded_p = self.r.partial_date(rec, "founded")
        dissolved, dissolved_p = self.r.partial_date(rec, "dissolved")
        self.r.is_after(rec, "dissolved", founded, dissolved, "dissolved before it was founded")
        functions = rec.get("functions") or []
        if not isinstance(functions, list):
            self.r.error(rec, "functions", "must be a list")
            functions = []
        for function in functions:
            if function not in Function.values:
                self.r.error(
                    rec,
                    "functions",
                    f"unknown function '{function}' "
                    f"(expected any of: {', '.join(Function.values)})",
                )
        wikidata = self.r.text(rec, "wikidata")
        if wikidata and not WIKIDATA_QID_RE.fullmatch(wikidata):
            self.r.error(rec, "wikidata", f"'{wikidata}' is not a Wikidata QID (Q123)")
            wikidata = ""
        lei = self.r.text(rec, "lei")
        if lei:
            try:
                validate_lei(lei)
            except ValidationError as error:
                self.r.error(rec, "lei", f"'{lei}': {' '.join(error.messages)}")
                lei = ""
        values = {
            "name": self.r.text(rec, "name", required=True, max_length=300),
            "acronym": self.r.text(rec, "acronym", max_length=40),
            "website": self.r.url(rec, "website"),
            "wikidata_id": wikidata,
            "lei": lei,
            "founded_on": founded,
            "founded_on_precision": founded_p,
            "dissolved_on": dissolved,
            "dissolved_on_precision": dissolved_p,
            "description": self.r.text(rec, "description"),
            "dimension": self.r.choice(rec, "dimension", Dimension),
            "reach": self.r.choice(rec, "reach", Reach),
            "sector": self.r.choice(rec, "sector", Sector),
            "issue_area": self.r.text(rec, "issue_area", max_length=200),
            "origin": self.r.choice(rec, "origin", Origin),
            "legal_basis": self.r.text(rec, "legal_basis"),
            "decision_rule": self.r.choice(rec, "decision_rule", DecisionRule, required=False),
            "membership_criteria": self.r.text(rec, "membership_criteria"),
            "publishes_meeting_records": self.r.boolean(rec, "publishes_meeting_records"),
        }
        for function in Function.values:
            values[f"function_{function}"] = function in functions
        top_sources = [rec["source"]] if "source" in rec else file_sources[:1]
        for url in top_sources:
            if url not in file_sources:
                self.r.error(rec, "source", f"{url} is not in this file's sources list")
        completeness, list_source = self._read_completeness(rec, file_sources)
        staged = Staged(
            rec,
            {**values, **completeness},
            refs={
                "host": self.r.slug(rec, "host", required=False),
                "parent": self.r.slug(rec, "parent", required=False),
                "list_source": list_source,
            },
            sources=[u for u in top_sources if u in file_sources],
            facts={"founded": founded, "dissolved": dissolved},
        )
        if not self._register(self.networks, slug, staged):
            return
        if path.stem != slug:
            self.r.error(rec, "slug", f"file name must be {slug}.yaml")
        for member in self.r.records(rec, "members"):
            self._read_membership(slug, member, file_sources)
        for meeting in self.r.records(rec, "meetings"):
            self._read_meeting(slug, meeting, file_sources)

    def _read_membership(self, network: str, rec: Record, file_sources: list[str]) -> None:
        self.r.check_keys(
            rec,
            {
                "institution",
                "network",
                "role",
                "label",
                "start",
                "end",
                "end_reason",
                "source",
                "sources",
                "last_verified",
            },
        )
        institution = self.r.slug(rec, "institution", required=False)
        member_network = self.r.slug(rec, "network", required=False)
        if bool(institution) == bool(member_network):
            self.r.error(rec, "institution", "give exactly one member: institution: or network:")
        if member_network and member_network == network:
            self.r.error(rec, "network", "a network cannot be a member of itself")
        start, start_p = self.r.partial_date(rec, "start")
        end, end_p = self.r.partial_date(rec, "end")
        self.r.is_after(rec, "end", start, end, "membership ends before it starts")
        end_reason = self.r.choice(rec, "end_reason", EndReason, required=False)
        if end_reason and not end:
            self.r.error(rec, "end_reason", "give an end date with the reason it ended")
        self.memberships.append(
            Staged(
                rec,
                {
                    "role": self.r.choice(rec, "role", Role, default=Role.MEMBER),
                    "label": self.r.text(rec, "label", max_length=200),
                    "start_date": start,
                    "start_date_precision": start_p,
                    "end_date": end,
                    "end_date_precision": end_p,
                    "end_reason": end_reason,
                    "last_verified_on": self.r.full_date(rec, "last_verified"),
                },
                refs={
                    "network": network,
                    "member_institution": institution,
                    "member_network": member_network,
                },
                sources=self._cited(rec, file_sources),
                facts={"start": start, "end": end},
            )
        )

    def _read_meeting(self, network: str, rec: Record, file_sources: list[str]) -> None:
        self.r.check_keys(
            rec,
            {
                "slug",
                "title",
                "kind",
                "start",
                "end",
                "city",
                "jurisdiction",
                "host",
                "records_url",
                "description",
                "participants",
                "outcome_documents",
                "source",
                "sources",
            },
        )
        slug = self.r.slug(rec, "slug")
        start = self.r.full_date(rec, "start", required=True)
        end = self.r.full_date(rec, "end") or start
        self.r.is_after(rec, "end", start, end, "meeting ends before it starts")
        code = self.r.text(rec, "jurisdiction").upper()
        participants = []
        seen = set()
        for entry in self.r.records(rec, "participants"):
            self.r.check_keys(entry, {"institution", "role"})
            institution = self.r.slug(entry, "institution")
            if institution in seen:
                self.r.error(entry, "institution", f"{institution} listed twice")
            seen.add(institution)
            participants.append(
                (
                    entry,
                    institution,
                    self.r.choice(
                        entry, "role", ParticipantRole, default=ParticipantRole.PARTICIPANT
                    ),
                )
            )
        documents = []
        for entry in self.r.records(rec, "outcome_documents"):
            self.r.check_keys(entry, {"title", "url", "published"})
            documents.append(
                {
                    "title": self.r.text(entry, "title", required=True, max_length=300),
                    "url": self.r.url(entry, "url", required=True),
                    "published_on": self.r.full_date(entry, "published"),
                }
            )
        staged = Staged(
            rec,
            {
                "title": self.r.text(rec, "title", required=True, max_length=300),
                "kind": self.r.choice(rec, "kind", MeetingKind),
                "start_date": start,
                "end_date": end,
                "city": self.r.text(rec, "city", max_length=100),
                "records_url": self.r.url(rec, "records_url"),
                "description": self.r.text(rec, "description"),
            },
            refs={
                "network": network,
                "jurisdiction": code,
                "host": self.r.slug(rec, "host", required=False),
            },
            sources=self._cited(rec, file_sources),
            children={"participants": participants, "outcome_documents": documents},
        )
        self._register(self.meetings, slug, staged)

    def _read_memorandum(self, path: Path) -> None:
        rec = self._load(path, dict)
        if rec is None:
            return
        self.r.check_keys(
            rec,
            {
                "slug",
                "title",
                "short_title",
                "kind",
                "network",
                "sector",
                "subject",
                "signed",
                "effective",
                "terminated",
                "document_url",
                "description",
                "sources",
                "source",
                "signatories",
                "completeness",
            },
        )
        file_sources = self._read_sources(rec)
        slug = self.r.slug(rec, "slug")
        signed, signed_p = self.r.partial_date(rec, "signed")
        effective = self.r.full_date(rec, "effective")
        terminated = self.r.full_date(rec, "terminated")
        self.r.is_after(rec, "effective", signed, effective, "takes effect before it is signed")
        self.r.is_after(rec, "terminated", signed, terminated, "ends before it is signed")
        top_sources = [rec["source"]] if "source" in rec else file_sources[:1]
        completeness, list_source = self._read_completeness(rec, file_sources)
        staged = Staged(
            rec,
            {
                **completeness,
                "title": self.r.text(rec, "title", required=True, max_length=400),
                "short_title": self.r.text(rec, "short_title", max_length=100),
                "kind": self.r.choice(rec, "kind", MemorandumKind),
                "sector": self.r.choice(rec, "sector", Sector),
                "subject": self.r.text(rec, "subject", max_length=300),
                "signed_on": signed,
                "signed_on_precision": signed_p,
                "effective_on": effective,
                "terminated_on": terminated,
                "document_url": self.r.url(rec, "document_url"),
                "description": self.r.text(rec, "description"),
            },
            refs={
                "network": self.r.slug(rec, "network", required=False),
                "list_source": list_source,
            },
            sources=[u for u in top_sources if u in file_sources],
            facts={"signed": signed, "effective": effective, "terminated": terminated},
        )
        if not self._register(self.memoranda, slug, staged):
            return
        if path.stem != slug:
            self.r.error(rec, "slug", f"file name must be {slug}.yaml")
        seen: set[str] = set()
        for entry in self.r.records(rec, "signatories"):
            self.r.check_keys(
                entry, {"institution", "signed", "tier", "withdrawn", "source", "sources"}
            )
            institution = self.r.slug(entry, "institution")
            if institution in seen:
                self.r.error(entry, "institution", f"{institution} signs this memorandum twice")
            seen.add(institution)
            signed_on, signed_on_p = self.r.partial_date(entry, "signed")
            withdrawn = self.r.full_date(entry, "withdrawn")
            self.r.is_after(entry, "withdrawn", signed_on, withdrawn, "withdrawn before signing")
            self.signatories.append(
                Staged(
                    entry,
                    {
                        "signed_on": signed_on,
                        "signed_on_precision": signed_on_p,
                        "tier": self.r.text(entry, "tier", max_length=100),
                        "withdrawn_on": withdrawn,
                    },
                    refs={"memorandum": slug, "institution": institution},
                    sources=self._cited(entry, file_sources),
                    facts={"signed": signed_on, "withdrawn": withdrawn},
                )
            )

    def _read_completeness(self, rec: Record, file_sources: list[str]) -> tuple[dict, str]:
        """A list's `completeness:` statement: its model values and its source's URL."""
        values = {
            "list_status": ListStatus.UNKNOWN,
            "list_total": None,
            "list_total_qualifier": TotalQualifier.EXACT,
            "list_unit": "",
            "list_as_of": None,
            "list_note": "",
        }
        entry = rec.get("completeness")
        if entry is None:
            return values, ""
        if not isinstance(entry, Record):
            self.r.error(rec, "completeness", "must be a mapping (status:, total:, source: ...)")
            return values, ""
        r = self.r
        r.check_keys(
            entry, {"status", "total", "total_qualifier", "unit", "as_of", "source", "note"}
        )
        status = r.choice(entry, "status", ListStatus)
        total = entry.get("total")
        if total is not None and (
            not isinstance(total, int) or isinstance(total, bool) or total < 1
        ):
            r.error(entry, "total", "must be a whole number of 1 or more")
            total = None
        qualifier = r.choice(
            entry, "total_qualifier", TotalQualifier, required=False, default=TotalQualifier.EXACT
        )
        url = r.text(entry, "source")
        if url and url not in file_sources:
            r.error(entry, "source", f"{url} is not in this file's sources list")
            url = ""
        as_of = r.full_date(entry, "as_of")
        if status == ListStatus.COMPLETE and not url:
            r.error(entry, "source", "a complete list needs the source of the official list")
        if status == ListStatus.PARTIAL and total is None:
            r.error(entry, "total", "a partial list needs the official total")
        if total is not None and not url:
            r.error(entry, "source", "an official total needs its source")
        if qualifier != TotalQualifier.EXACT and total is None:
            r.error(entry, "total_qualifier", "give the total it qualifies")
        source_as_of = self.sources[url]["as_of"] if url else None
        if as_of and source_as_of and as_of > source_as_of:
            r.error(
                entry,
                "as_of",
                f"{as_of} is later than the as_of {source_as_of} of its source {url}",
            )
        values.update(
            list_status=status or ListStatus.UNKNOWN,
            list_total=total,
            list_total_qualifier=qualifier,
            list_unit=r.text(entry, "unit", max_length=200),
            # The official list's date is its source's, unless the file says otherwise.
            list_as_of=as_of or (source_as_of if url else None),
            list_note=r.text(entry, "note"),
        )
        return values, url

    def _read_lineage(self, path: Path) -> None:
        """lineage.yaml: successions between institutions and between networks."""
        data = self._load(path, dict)
        if data is None:
            return
        r = self.r
        r.check_keys(data, {"sources", "institutions", "networks"})
        file_sources = self._read_sources(data)
        for group in ("institutions", "networks"):
            for rec in r.records(data, group):
                r.check_keys(
                    rec,
                    {"from", "former_name", "to", "kind", "date", "note", "source", "sources"},
                )
                predecessor = r.slug(rec, "from", required=False)
                former_name = r.text(rec, "former_name", max_length=300)
                successor = r.slug(rec, "to")
                kind = r.choice(rec, "kind", SuccessionKind)
                if bool(predecessor) == bool(former_name):
                    r.error(
                        rec,
                        "from",
                        "give exactly one of from: (the predecessor's slug) or former_name: "
                        "(a renaming within one record)",
                    )
                if former_name and kind and kind != SuccessionKind.RENAMED:
                    r.error(rec, "former_name", "only a renaming can name a former name alone")
                if predecessor and predecessor == successor:
                    r.error(rec, "to", "a body cannot succeed itself")
                date, precision = r.partial_date(rec, "date")
                self.successions.append(
                    Staged(
                        rec,
                        {
                            "kind": kind,
                            "former_name": former_name,
                            "date": date,
                            "date_precision": precision,
                            "note": r.text(rec, "note"),
                        },
                        refs={"group": group, "predecessor": predecessor, "successor": successor},
                        sources=self._cited(rec, file_sources),
                        facts={"date": date},
                    )
                )

    # -- cross-file checks

    def _check_source_dates(self) -> None:
        """No record states a date later than the `as_of` of every source it cites: a
        page describing an earlier date could not have said it. (A record citing several
        sources needs one that could: each may be cited for a different fact.)"""
        staged_records = [
            *self.institutions.values(),
            *self.networks.values(),
            *self.memberships,
            *self.memoranda.values(),
            *self.signatories,
            *self.successions,
        ]
        for staged in staged_records:
            dated = [
                (self.sources[url]["as_of"], url)
                for url in staged.sources
                if url in self.sources and self.sources[url]["as_of"]
            ]
            if not dated:
                continue
            as_of, url = max(dated)
            for key, value in staged.facts.items():
                if value is not None and value > as_of:
                    origin = self.source_origin[url]
                    self.r.error(
                        staged.rec,
                        key,
                        f"{value} is later than the as_of {as_of} of its source {url} "
                        f"({self.r.rel(origin.path)}:{origin.line}): a page describing "
                        f"{as_of} could not have said it (give the source the date it "
                        "describes, or cite a later source)",
                    )

    def _check_references(self) -> None:
        r = self.r
        for staged in self.jurisdictions.values():
            parent = staged.refs.get("parent")
            if parent and parent not in self.jurisdictions:
                r.error(staged.rec, "parent", f"unknown jurisdiction code {parent}")
        qids: dict[str, Staged] = {}
        for slug, staged in self.institutions.items():
            parent = staged.refs["parent"]
            if parent and parent not in self.institutions:
                r.error(staged.rec, "parent", f"unknown institution '{parent}'")
            if parent == slug:
                r.error(staged.rec, "parent", "an institution cannot be part of itself")
            for qid in staged.children["wikidata"]:
                if qid in qids:
                    r.error(
                        staged.rec, "wikidata", f"{qid} is also given to {qids[qid].rec['slug']}"
                    )
                qids[qid] = staged
        network_qids: dict[str, str] = {}
        network_leis: dict[str, str] = {}
        for slug, staged in self.networks.items():
            host, parent = staged.refs["host"], staged.refs["parent"]
            if host and host not in self.institutions:
                r.error(staged.rec, "host", f"unknown institution '{host}'")
            if parent and parent not in self.networks:
                r.error(staged.rec, "parent", f"unknown network '{parent}'")
            if parent == slug:
                r.error(staged.rec, "parent", "a network cannot be part of itself")
            qid = staged.values["wikidata_id"]
            if qid and qid in network_qids:
                r.error(staged.rec, "wikidata", f"{qid} is also given to {network_qids[qid]}")
            network_qids[qid] = slug
            lei = staged.values["lei"]
            if lei and lei in network_leis:
                r.error(staged.rec, "lei", f"{lei} is also given to {network_leis[lei]}")
            network_leis[lei] = slug
        periods: dict[tuple, list[Staged]] = defaultdict(list)
        for staged in self.memberships:
            refs = staged.refs
            if refs["member_institution"] and refs["member_institution"] not in self.institutions:
                r.error(
                    staged.rec, "institution", f"unknown institution '{refs['member_institution']}'"
                )
            if refs["member_network"] and refs["member_network"] not in self.networks:
                r.error(staged.rec, "network", f"unknown network '{refs['member_network']}'")
            key = (
                refs["network"],
                refs["member_institution"],
                refs["member_network"],
                staged.values["role"],
            )
            periods[key].append(staged)
        for group in periods.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if _overlap(a.values, b.values):
                        r.error(
                            b.rec,
                            "start",
                            f"duplicate or overlapping membership (see line {a.rec.line})",
                        )
        for staged in self.meetings.values():
            code, host = staged.refs["jurisdiction"], staged.refs["host"]
            if code and code not in self.jurisdictions:
                r.error(staged.rec, "jurisdiction", f"unknown jurisdiction code {code}")
            if host and host not in self.institutions:
                r.error(staged.rec, "host", f"unknown institution '{host}'")
            for entry, institution, _role in staged.children["participants"]:
                if institution and institution not in self.institutions:
                    r.error(entry, "institution", f"unknown institution '{institution}'")
        for staged in self.memoranda.values():
            network = staged.refs["network"]
            if network and network not in self.networks:
                r.error(staged.rec, "network", f"unknown network '{network}'")
        for staged in self.signatories:
            institution = staged.refs["institution"]
            if institution and institution not in self.institutions:
                r.error(staged.rec, "institution", f"unknown institution '{institution}'")
        seen: dict[tuple, Staged] = {}
        for staged in self.successions:
            group = staged.refs["group"]
            registry = self.institutions if group == "institutions" else self.networks
            noun = "institution" if group == "institutions" else "network"
            for key, end in (("from", "predecessor"), ("to", "successor")):
                slug = staged.refs[end]
                if slug and slug not in registry:
                    r.error(staged.rec, key, f"unknown {noun} '{slug}'")
            pair = (
                group,
                staged.refs["predecessor"],
                staged.values["former_name"],
                staged.refs["successor"],
            )
            if pair in seen:
                r.error(staged.rec, "to", f"given twice (see line {seen[pair].rec.line})")
            seen.setdefault(pair, staged)


def _overlap(a: dict, b: dict) -> bool:
    """Whether two membership periods share a day (unknown bounds are open)."""
    a_start, a_end, b_start, b_end = a["start_date"], a["end_date"], b["start_date"], b["end_date"]
    return (a_end is None or b_start is None or a_end >= b_start) and (
        b_end is None or a_start is None or b_end >= a_start
    )


# --- Writing --------------------------------------------------------------------------


class _Writer:
    """Writes a validated Dataset, touching only rows whose content differs."""

    def __init__(self, data: Dataset, summary: Summary, *, prune: bool):
        self.data = data
        self.summary = summary
        self.prune = prune
        self.sources: dict[str, Source] = {}
        # Rows created or changed, written without history (one save at a time would
        # double the load's time) and recorded in bulk at the end: model -> pk -> (row,
        # "+" or "~"). Deletions are rare and recorded as they happen.
        self.touched: dict[type, dict[Any, tuple[models.Model, str]]] = defaultdict(dict)
        # (row pk, source pk) of the rows created, written by `write_new_sources`.
        self.new_sources: dict[type, list[tuple[Any, int]]] = defaultdict(list)

    def touch(self, obj: models.Model, history_type: str) -> None:
        known = self.touched[type(obj)].get(obj.pk)
        self.touched[type(obj)][obj.pk] = (obj, known[1] if known else history_type)

    @staticmethod
    def save_quietly(obj: models.Model, **kwargs) -> None:
        """Save without a historical row: `write_history` records it with the others."""
        obj.skip_history_when_saving = True
        try:
            obj.save(**kwargs)
        finally:
            del obj.skip_history_when_saving

    def write_history(self) -> None:
        """One historical row per created or changed record, in the load's change set."""
        rec = current_recording()
        for model in tracked_models():
            rows = self.touched.get(model, {}).values()
            for history_type in ("+", "~"):
                rec.record_bulk(model, [o for o, t in rows if t == history_type], history_type)

    def where(self, staged: Staged) -> str:
        return f"{self.data.r.rel(staged.rec.path)}:{staged.rec.line}"

    def save(
        self,
        kind: str,
        obj: models.Model | None,
        model,
        values: dict,
        staged: Staged,
        source_urls: list[str] | None = None,
    ) -> models.Model:
        """Create or update one row (and its sources); count what happened."""
        changed = False
        try:
            if obj is None:
                obj = model(**values)
                self.save_quietly(obj)
                self.summary.count(kind, "created")
                created = True
            else:
                created = False
                dirty = [name for name, value in values.items() if getattr(obj, name) != value]
                if dirty:
                    for name in dirty:
                        setattr(obj, name, values[name])
                    self.save_quietly(obj)
                    changed = True
            if source_urls is not None:
                wanted = {self.sources[url].pk for url in source_urls}
                if created:
                    # A new row has no sources yet: its links are inserted with every other
                    # new row's in one bulk insert per model (`write_new_sources`), instead
                    # of a read and an insert each (a third of a first load's time).
                    self.new_sources[model].extend((obj.pk, pk) for pk in sorted(wanted))
                    wanted = set()
                have = {s.pk for s in obj.sources.all()} if not created else set()
                if wanted != have:
                    obj.skip_history_when_saving = True
                    try:
                        obj.sources.set(wanted)
                    finally:
                        del obj.skip_history_when_saving
                    changed = True
        except IntegrityError as exc:
            raise DirectoryError(
                [Problem(self.data.r.rel(staged.rec.path), staged.rec.line, kind, str(exc))]
            ) from exc
        if not created:
            self.summary.count(kind, "updated" if changed else "unchanged")
        if created or changed:
            self.touch(obj, "+" if created else "~")
        return obj

    def run(self) -> None:
        self.write_sources()
        jurisdictions = self.write_jurisdictions()
        institutions = self.write_institutions(jurisdictions)
        networks = self.write_networks(institutions)
        self.write_memberships(networks, institutions)
        self.write_meetings(networks, institutions, jurisdictions)
        self.write_memoranda(networks, institutions)
        self.write_successions(networks, institutions)
        self.write_new_sources()
        self.write_history()

    def write_new_sources(self) -> None:
        """The source links of the rows this load created, one bulk insert per model."""
        for model, pairs in self.new_sources.items():
            field = model._meta.get_field("sources")
            through = field.remote_field.through
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [through(**{f"{own}_id": pk, f"{other}_id": source}) for pk, source in pairs],
                batch_size=500,
            )

    def source_id(self, url: str) -> int | None:
        return self.sources[url].pk if url else None

    def write_sources(self) -> None:
        existing = {s.url: s for s in Source.objects.filter(url__in=self.data.sources)}
        for url, values in self.data.sources.items():
            staged = Staged(self.data.source_origin[url], values)
            self.sources[url] = self.save(
                "sources", existing.get(url), Source, {"url": url, **values}, staged
            )

    def write_jurisdictions(self) -> dict[str, Jurisdiction]:
        existing = {j.code: j for j in Jurisdiction.objects.all()}
        result = {}
        # States before their subdivisions.
        ordered = sorted(self.data.jurisdictions.items(), key=lambda kv: bool(kv[1].refs))
        for code, staged in ordered:
            values = dict(staged.values)
            parent = staged.refs.get("parent")
            values["parent_id"] = result[parent].pk if parent else None
            if parent and not values["region"]:
                values["region"] = result[parent].region
                values["subregion"] = result[parent].subregion
            elif not values["region"] and not values["subregion"]:
                values["region"], values["subregion"] = m49_region(code)
            elif values["subregion"] and not values["region"]:
                values["region"] = SUBREGION_REGION[values["subregion"]]
            result[code] = self.save(
                "jurisdictions", existing.get(code), Jurisdiction, values, staged
            )
        return result

    def write_institutions(self, jurisdictions) -> dict[str, Institution]:
        existing = {
            i.slug: i
            for i in Institution.objects.prefetch_related("sources", "other_names", "identifiers")
        }
        result = {}
        for slug, staged in self.data.institutions.items():
            code = staged.refs["jurisdiction"]
            values = {
                **staged.values,
                "slug": slug,
                "jurisdiction_id": jurisdictions[code].pk if code else None,
            }
            obj = existing.get(slug)
            if obj is not None:
                values["parent_id"] = obj.parent_id  # set in the second pass
            else:
                values["parent_id"] = None
            result[slug] = self.save(
                "institutions", obj, Institution, values, staged, staged.sources
            )
        # Second pass: parents, now that every institution exists.
        for slug, staged in self.data.institutions.items():
            parent = staged.refs["parent"]
            obj = result[slug]
            parent_id = result[parent].pk if parent else None
            if obj.parent_id != parent_id:
                obj.parent_id = parent_id
                self.save_quietly(obj, update_fields=["parent", "updated_at"])
                self.touch(obj, "~")
                self._bump("institutions")
            self.sync_children(obj, staged)
        return result

    def _bump(self, kind: str) -> None:
        """A row counted as unchanged or created turned out to change in a later pass."""
        counts = self.summary.counts[kind]
        if counts["unchanged"]:
            counts["unchanged"] -= 1
            counts["updated"] += 1

    def sync_children(self, obj: Institution, staged: Staged) -> None:
        wanted_names = {n["name"]: n for n in staged.children["other_names"]}
        have_names = {n.name: n for n in obj.other_names.all()}
        for name, n in have_names.items():
            if name not in wanted_names:
                n.delete()
                self.summary.count("other names", "deleted")
        for name, values in wanted_names.items():
            self.save(
                "other names",
                have_names.get(name),
                InstitutionName,
                {"institution_id": obj.pk, **values},
                staged,
            )
        wanted_ids = set(staged.children["wikidata"])
        have = {i.identifier: i for i in obj.identifiers.all() if i.scheme == "wikidata"}
        for qid, identifier in have.items():
            if qid not in wanted_ids:
                identifier.delete()
                self.summary.count("identifiers", "deleted")
        for qid in wanted_ids:
            self.save(
                "identifiers",
                have.get(qid),
                InstitutionIdentifier,
                {"institution_id": obj.pk, "scheme": IdentifierScheme.WIKIDATA, "identifier": qid},
                staged,
            )

    def write_networks(self, institutions) -> dict[str, Network]:
        existing = {n.slug: n for n in Network.objects.prefetch_related("sources")}
        result = {}
        for slug, staged in self.data.networks.items():
            host = staged.refs["host"]
            obj = existing.get(slug)
            values = {
                **staged.values,
                "slug": slug,
                "host_id": institutions[host].pk if host else None,
                "parent_id": obj.parent_id if obj else None,
                "list_source_id": self.source_id(staged.refs["list_source"]),
            }
            result[slug] = self.save("networks", obj, Network, values, staged, staged.sources)
        for slug, staged in self.data.networks.items():
            parent = staged.refs["parent"]
            obj = result[slug]
            parent_id = result[parent].pk if parent else None
            if obj.parent_id != parent_id:
                obj.parent_id = parent_id
                self.save_quietly(obj, update_fields=["parent", "updated_at"])
                self.touch(obj, "~")
                self._bump("networks")
        return result

    def write_memberships(self, networks, institutions) -> None:
        existing: dict[tuple, list[Membership]] = defaultdict(list)
        for m in Membership.objects.filter(network__in=networks.values()).prefetch_related(
            "sources"
        ):
            existing[(m.network_id, m.member_institution_id, m.member_network_id, m.role)].append(m)
        wanted: dict[tuple, list[tuple[Staged, dict]]] = defaultdict(list)
        for staged in self.data.memberships:
            refs = staged.refs
            values = {
                **staged.values,
                "network_id": networks[refs["network"]].pk,
                "member_institution_id": institutions[refs["member_institution"]].pk
                if refs["member_institution"]
                else None,
                "member_network_id": networks[refs["member_network"]].pk
                if refs["member_network"]
                else None,
            }
            key = (
                values["network_id"],
                values["member_institution_id"],
                values["member_network_id"],
                values["role"],
            )
            wanted[key].append((staged, values))
        stale: list[Membership] = []
        pairs: list[tuple[Membership | None, Staged, dict]] = []
        for key in wanted.keys() | existing.keys():
            files, rows = wanted.get(key, []), list(existing.get(key, []))
            if len(files) == 1 and len(rows) == 1:
                # One period on each side: the file's is an edit of the stored one.
                pairs.append((rows[0], *files[0]))
                continue
            by_start = {row.start_date: row for row in rows}
            for staged, values in files:
                row = by_start.pop(values["start_date"], None)
                pairs.append((row, staged, values))
            stale.extend(by_start.values())
        # Remove (or report) periods no longer in the files first, so that an edited
        # period never collides with its old self.
        for row in stale:
            if self.prune:
                row.delete()
                self.summary.count("memberships", "deleted")
            else:
                self.summary.left_alone.append(f"membership not in data/: {row} (id {row.pk})")
        for row, staged, values in sorted(pairs, key=lambda p: p[0] is None):
            self.save("memberships", row, Membership, values, staged, staged.sources)

    def write_meetings(self, networks, institutions, jurisdictions) -> None:
        existing = {
            m.slug: m
            for m in Meeting.objects.prefetch_related(
                "sources", "participants", "outcome_documents"
            )
        }
        for slug, staged in self.data.meetings.items():
            refs = staged.refs
            values = {
                **staged.values,
                "slug": slug,
                "network_id": networks[refs["network"]].pk,
                "jurisdiction_id": jurisdictions[refs["jurisdiction"]].pk
                if refs["jurisdiction"]
                else None,
                "host_id": institutions[refs["host"]].pk if refs["host"] else None,
            }
            meeting = self.save(
                "meetings", existing.get(slug), Meeting, values, staged, staged.sources
            )
            have = {p.institution_id: p for p in meeting.participants.all()}
            wanted = {
                institutions[slug_].pk: role for _e, slug_, role in staged.children["participants"]
            }
            for institution_id, participant in have.items():
                if institution_id not in wanted:
                    participant.delete()
                    self.summary.count("participants", "deleted")
            for institution_id, role in wanted.items():
                self.save(
                    "participants",
                    have.get(institution_id),
                    MeetingParticipant,
                    {"meeting_id": meeting.pk, "institution_id": institution_id, "role": role},
                    staged,
                )
            docs = {d.url: d for d in meeting.outcome_documents.all()}
            wanted_docs = {d["url"]: d for d in staged.children["outcome_documents"]}
            for url, doc in docs.items():
                if url not in wanted_docs:
                    doc.delete()
                    self.summary.count("outcome documents", "deleted")
            for url, doc_values in wanted_docs.items():
                self.save(
                    "outcome documents",
                    docs.get(url),
                    OutcomeDocument,
                    {"meeting_id": meeting.pk, **doc_values},
                    staged,
                )
        if self.prune:
            for meeting in Meeting.objects.filter(network__in=networks.values()).exclude(
                slug__in=self.data.meetings
            ):
                meeting.delete()
                self.summary.count("meetings", "deleted")

    def write_memoranda(self, networks, institutions) -> None:
        existing = {m.slug: m for m in Memorandum.objects.prefetch_related("sources")}
        memoranda = {}
        for slug, staged in self.data.memoranda.items():
            network = staged.refs["network"]
            values = {
                **staged.values,
                "slug": slug,
                "network_id": networks[network].pk if network else None,
                "list_source_id": self.source_id(staged.refs["list_source"]),
            }
            memoranda[slug] = self.save(
                "memoranda", existing.get(slug), Memorandum, values, staged, staged.sources
            )
        signatories = {
            (s.memorandum_id, s.institution_id): s
            for s in Signatory.objects.filter(memorandum__in=memoranda.values()).prefetch_related(
                "sources"
            )
        }
        seen = set()
        for staged in self.data.signatories:
            key = (
                memoranda[staged.refs["memorandum"]].pk,
                institutions[staged.refs["institution"]].pk,
            )
            seen.add(key)
            values = {**staged.values, "memorandum_id": key[0], "institution_id": key[1]}
            self.save(
                "signatories", signatories.get(key), Signatory, values, staged, staged.sources
            )
        for key, signatory in signatories.items():
            if key not in seen:
                if self.prune:
                    signatory.delete()
                    self.summary.count("signatories", "deleted")
                else:
                    self.summary.left_alone.append(
                        f"signatory not in data/: {signatory} (id {signatory.pk})"
                    )

    def write_successions(self, networks, institutions) -> None:
        """lineage.yaml's successions; those it no longer lists are reported (deleted
        with `prune`)."""
        targets = {
            "institutions": (InstitutionSuccession, institutions, "institution successions"),
            "networks": (NetworkSuccession, networks, "network successions"),
        }
        for group, (model, records, kind) in targets.items():
            existing = {
                (s.predecessor_id, s.former_name, s.successor_id): s
                for s in model.objects.prefetch_related("sources")
            }
            seen = set()
            for staged in self.data.successions:
                if staged.refs["group"] != group:
                    continue
                predecessor = staged.refs["predecessor"]
                values = {
                    **staged.values,
                    "predecessor_id": records[predecessor].pk if predecessor else None,
                    "successor_id": records[staged.refs["successor"]].pk,
                }
                key = (values["predecessor_id"], values["former_name"], values["successor_id"])
                seen.add(key)
                self.save(kind, existing.get(key), model, values, staged, staged.sources)
            for key, row in existing.items():
                if key in seen:
                    continue
                if self.prune:
                    row.delete()
                    self.summary.count(kind, "deleted")
                else:
                    self.summary.left_alone.append(f"succession not in data/: {row} (id {row.pk})")


def read_directory(path: Path) -> Dataset:
    """Read and validate the dataset at `path`; raise DirectoryError listing every problem."""
    data = Dataset(Path(path))
    data.read()
    if data.r.problems:
        raise DirectoryError(data.r.problems)
    return data


def load_directory(path: Path, *, dry_run: bool = False, prune: bool = False) -> Summary:
    """Validate the dataset at `path`, then write it in one transaction.

    Raises DirectoryError (and writes nothing) when any record is invalid. With
    `dry_run`, everything is written and rolled back, so the summary tells what a real
    run would change. With `prune`, memberships, meetings and signatories of the
    dataset's networks and memoranda that the files no longer list are deleted;
    otherwise they are reported and left alone.
    """
    data = read_directory(path)
    summary = Summary(warnings=list(data.warnings))
    with transaction.atomic():
        # One change set for the whole load; none at all when nothing changed.
        with recording(kind=ChangeKind.LOAD, reason=f"Loaded from {Path(path).name}/"):
            _Writer(data, summary, prune=prune).run()
        if dry_run:
            transaction.set_rollback(True)
    return summary
