"""Official member lists (CSV or XLSX) compared with the directory: the import's preview.

Networks publish who their members are; memoranda, who signed. A curator uploads such a
list and sees, before anything is written, what it would change: members to add (and
the institution each row matched, and how), memberships to end, roles to change, rows
that fail validation. `plan_member_list` computes that plan without writing anything;
`curation.services.import_member_list` applies it.

Reading:
- The first non-empty row of the file (the first sheet of a workbook) holds the column
  names. Columns are recognised by name ("Country", "Member since", …) or mapped by the
  curator; `ListField` lists what a column can mean.
- Row numbers are the spreadsheet's own, so that "row 14" is row 14 in the file.
- Limits, whatever the file holds: 2 MB uploaded, MAX_ROWS rows (reading stops at the
  first row past them), the first MAX_COLUMNS columns; a workbook must expand to at most
  MAX_EXPANDED_BYTES of XML, and its XML may declare no entities (defusedxml).
- A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is refused with
  the file, row and column named, unless it is plainly a number, date or phone number.

Matching a row to a member, strongest evidence first:
1. a Lattice slug (`member`), including the slug of an institution since merged;
2. a Wikidata QID;
3. the exact name, or another recorded name (case, spacing and a leading "the"
   ignored), within the row's jurisdiction when the list gives one;
4. the acronym, within the row's jurisdiction when given.
A slug or QID that matches nothing, and a name or acronym that matches several
records, are validation errors: the import never guesses. A row that matches nothing
may create a new institution only when it gives everything an institution needs (name,
branch, jurisdiction, website); otherwise it is an error.

What a network list covers: membership *statuses* (member, associate, affiliate,
observer). Offices (chair, vice-chair, secretariat) are not in member lists; curators
edit them in the admin, and a list never ends them.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.models import (
    Branch,
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionRedirect,
    Jurisdiction,
    JurisdictionKind,
    Level,
)
from networks.models import Membership, Memorandum, Network, Role, Signatory
from sources.identifiers import WIKIDATA_QID_RE
from sources.models import validate_http_url
from sources.partial_dates import DatePrecision, format_partial_date, parse_partial_date

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
# A member list has a dozen columns; columns past this one are not read (see read_table).
MAX_COLUMNS = 100
# An XLSX is a zip of XML parts, read expanded: a few hundred kB can hold 150 MB of XML.
# A list of MAX_ROWS rows and a dozen columns expands to about 4 MB; parsing 10 MB of
# hostile XML takes openpyxl up to ~10 s and ~80 MB, so that is the limit. The ratio is
# Apache POI's default zip-bomb threshold, applied to parts big enough to matter.
MAX_EXPANDED_BYTES = 10 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
# A spreadsheet's last row: openpyxl yields every missing row before a row numbered past it.
LAST_SHEET_ROW = 1_048_576
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"); a leading
# tab or carriage return is stripped from every cell before this is checked.
FORMULA_STARTS = ("=", "+", "-", "@")
# A value made only of these is a number, a date, a phone number or a dash: without letters
# or "=" a formula can call no function and refer to no cell.
PLAIN_VALUE = re.compile(r"[\d\s.,/()+-]+")
STATUS_ROLES = [Role.MEMBER, Role.ASSOCIATE, Role.AFFILIATE, Role.OBSERVER]


class ListError(Exception):
    """The file cannot be read as a list at all (not a row's problem)."""


class ListField(models.TextChoices):
    """What a column of a member list can mean."""

    MEMBER = "member", gettext_lazy("Lattice slug")
    WIKIDATA = "wikidata", gettext_lazy("Wikidata QID")
    NAME = "name", gettext_lazy("Name")
    ACRONYM = "acronym", gettext_lazy("Acronym")
    JURISDICTION = "jurisdiction", gettext_lazy("Jurisdiction (code or name)")
    ROLE = "role", gettext_lazy("Role")
    LABEL = "label", gettext_lazy("The network's own wording")
    START = "start", gettext_lazy("Member since")
    SIGNED = "signed", gettext_lazy("Signed on")
    TIER = "tier", gettext_lazy("Tier or status")
    BRANCH = "branch", gettext_lazy("Branch (new institutions)")
    WEBSITE = "website", gettext_lazy("Website (new institutions)")


NETWORK_FIELDS = [
    ListField.MEMBER,
    ListField.WIKIDATA,
    ListField.NAME,
    ListField.ACRONYM,
    ListField.JURISDICTION,
    ListField.ROLE,
    ListField.LABEL,
    ListField.START,
    ListField.BRANCH,
    ListField.WEBSITE,
]
# Columns that can name the member (at least one is needed).
MEMBER_FIELDS = ["member", "wikidata", "name", "acronym"]
MEMORANDUM_FIELDS = [
    ListField.MEMBER,
    ListField.WIKIDATA,
    ListField.NAME,
    ListField.ACRONYM,
    ListField.JURISDICTION,
    ListField.SIGNED,
    ListField.TIER,
    ListField.BRANCH,
    ListField.WEBSITE,
]

# Column names recognised without mapping (compared case- and punctuation-insensitively).
HEADER_NAMES = {
    ListField.MEMBER: ["slug", "lattice slug", "lattice id", "lattice"],
    ListField.WIKIDATA: ["wikidata", "wikidata id", "qid", "wikidata qid"],
    ListField.NAME: [
        "name",
        "member",
        "member name",
        "institution",
        "institution name",
        "organisation",
        "organization",
        "authority",
        "signatory",
        "signatory name",
    ],
    ListField.ACRONYM: ["acronym", "abbreviation", "short name"],
    ListField.JURISDICTION: ["jurisdiction", "country", "country code", "iso", "iso code"],
    ListField.ROLE: ["role", "status", "membership", "membership type", "member type", "category"],
    ListField.LABEL: ["label", "designation"],
    ListField.START: ["start", "since", "member since", "joined", "date joined", "start date"],
    ListField.SIGNED: ["signed", "signed on", "date signed", "signature date", "date of signature"],
    ListField.TIER: ["tier", "appendix", "status", "signatory status"],
    ListField.BRANCH: ["branch", "type of institution"],
    ListField.WEBSITE: ["website", "web site", "url", "homepage"],
}

ROLE_WORDS = {
    "full member": Role.MEMBER,
    "ordinary member": Role.MEMBER,
    "members": Role.MEMBER,
    "associate": Role.ASSOCIATE,
    "associate member": Role.ASSOCIATE,
    "affiliate": Role.AFFILIATE,
    "affiliate member": Role.AFFILIATE,
    "observers": Role.OBSERVER,
}


def _key(text: str) -> str:
    """Text as compared when matching: case, accents' forms, spacing, punctuation ignored."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = re.sub(r"[\s\u00a0]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _key(text)).strip()


# --- Reading ------------------------------------------------------------------------------


@dataclass
class Table:
    """A list as read from a file: column names, and rows with their spreadsheet number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    name: str = ""  # the file's name, for messages

    def value(self, row: list[Any], header: str | None) -> Any:
        if not header:
            return None
        index = self.headers.index(header)
        return row[index] if index < len(row) else None


def read_table(name: str, content: bytes) -> Table:
    """Read a CSV or XLSX member list; raise ListError when it is neither.

    Bounded whatever the file holds: at most MAX_ROWS rows under the header (reading stops
    at the first row past them), the first MAX_COLUMNS columns, and a workbook only when
    its parts expand to at most MAX_EXPANDED_BYTES.
    """
    if len(content) > MAX_BYTES:
        raise ListError(_("The file is larger than 2 MB."))
    if name.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK":
        reader = _read_xlsx(content)
    elif name.lower().endswith((".csv", ".txt", ".tsv")) or not name:
        reader = _read_csv(content)
    else:
        raise ListError(_("Upload a CSV or XLSX file."))
    raw: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in reader:
            if number > LAST_SHEET_ROW:
                raise ListError(
                    _("Row %(row)s is past a spreadsheet's last row (%(last)s).")
                    % {"row": number, "last": LAST_SHEET_ROW}
                )
            if cells.count(None) == len(cells):
                continue  # quickly: openpyxl yields a row of None for each missing row
            cells = list(cells[:MAX_COLUMNS])
            if not any(_cell_text(v) for v in cells):
                continue
            if len(raw) > MAX_ROWS:  # the header and MAX_ROWS rows are read already
                raise ListError(_("The list has more than %(max)s rows.") % {"max": MAX_ROWS})
            raw.append((number, cells))
    finally:
        reader.close()  # a workbook left half-read is closed now, not when collected
    if not raw:
        raise ListError(_("The file is empty."))
    _header_number, header = raw[0]
    headers = [_cell_text(v) for v in header]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ListError(_("The first row must name the columns."))
    seen: set[str] = set()
    for i, h in enumerate(headers):
        base = h or _("column %(n)s") % {"n": i + 1}
        h, n = base, 2
        while h in seen:
            h, n = f"{base} ({n})", n + 1
        headers[i] = h
        seen.add(h)
    return Table(headers, raw[1:], name)


def _check_expansion(content: bytes) -> None:
    """Refuse a workbook whose XML would expand far beyond what a member list needs.

    The sizes are the zip's own record of each part; a part that holds more than its
    record says fails its checksum when read, so the record cannot understate it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ListError(_("The file is not a readable XLSX workbook.")) from exc
    expanded = 0
    for part in parts:
        expanded += part.file_size
        if expanded > MAX_EXPANDED_BYTES:
            raise ListError(
                _(
                    "The workbook expands to more than %(max)s MB of XML, far more than a "
                    "member list needs: save only the list's sheet, or save it as CSV."
                )
                % {"max": MAX_EXPANDED_BYTES // (1024 * 1024)}
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise ListError(
                _(
                    "The workbook's part %(part)s is compressed more than %(ratio)s times, as "
                    "no spreadsheet's is: save the list again, or as CSV."
                )
                % {"part": part.filename, "ratio": MAX_COMPRESSION_RATIO}
            )


def _read_xlsx(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first sheet's rows, read as they are needed (openpyxl's read-only mode).

    openpyxl parses with defusedxml (a dependency): XML entity declarations are refused.
    """
    from openpyxl import load_workbook

    _check_expansion(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ListError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet states may be wrong (openpyxl's docs): read the rows it has,
        # and pad none wider than the columns read (a cell in column XFD would make
        # every row 16,384 values wide).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        yield from enumerate(rows, start=1)
    except Exception as exc:  # a sheet's XML is parsed only as its rows are read
        raise ListError(_("The file is not a readable XLSX workbook.")) from exc
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ListError(_("The file is not text in UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)
    except csv.Error as exc:
        raise ListError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def guess_columns(headers: list[str], fields: list[str]) -> dict[str, str]:
    """Which column holds what, from the column names."""
    columns = {}
    by_key = {_header_key(h): h for h in headers}
    for f in fields:
        for name in HEADER_NAMES[f]:
            if name in by_key and by_key[name] not in columns.values():
                columns[f] = by_key[name]
                break
    return columns


# --- Matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


class Directory:
    """Everything a list is matched against, read in a fixed number of queries."""

    def __init__(self, *, networks: bool):
        self.jurisdictions = {j.pk: j for j in Jurisdiction.objects.all()}
        self.jurisdiction_keys: dict[str, Jurisdiction] = {}
        for j in self.jurisdictions.values():
            for text in (j.code, j.name, j.slug):
                self.jurisdiction_keys.setdefault(_key(text), j)
        institutions = list(Institution.objects.all())
        self.institutions = {i.pk: i for i in institutions}
        self.slugs: dict[str, Any] = {i.slug: i for i in institutions}
        self.former_slugs = {
            r.old_slug: self.institutions[r.institution_id]
            for r in InstitutionRedirect.objects.all()
        }
        self.qids: dict[str, Any] = {
            i.identifier: self.institutions[i.institution_id]
            for i in InstitutionIdentifier.objects.filter(scheme=IdentifierScheme.WIKIDATA)
        }
        self.names: dict[str, list] = defaultdict(list)
        self.acronyms: dict[str, list] = defaultdict(list)
        for i in institutions:
            self.names[_key(i.name)].append((i, _("name")))
            if i.acronym:
                self.acronyms[_key(i.acronym)].append(i)
        for n in InstitutionName.objects.all():
            self.names[_key(n.name)].append((self.institutions[n.institution_id], _("other name")))
        if networks:
            for n in Network.objects.all():
                self.slugs.setdefault(n.slug, n)
                if n.wikidata_id:
                    self.qids.setdefault(n.wikidata_id, n)
                self.names[_key(n.name)].append((n, _("name")))
                if n.acronym:
                    self.acronyms[_key(n.acronym)].append(n)

    def jurisdiction(self, text: str) -> Jurisdiction | None:
        return self.jurisdiction_keys.get(_key(text))

    @staticmethod
    def _in(candidates: list, jurisdiction: Jurisdiction | None) -> list:
        if jurisdiction is None:
            return candidates
        return [
            c
            for c in candidates
            if isinstance(c, Institution) and c.jurisdiction_id == jurisdiction.pk
        ]

    def match(
        self, values: dict[str, str], jurisdiction: Jurisdiction | None
    ) -> tuple[Any, str, RowError | None]:
        """(member, how it was matched, error); (None, "", None) when nothing matched."""
        slug = values.get(ListField.MEMBER, "")
        if slug:
            if slug.lower() in self.slugs:
                return self.slugs[slug.lower()], _("slug %(slug)s") % {"slug": slug}, None
            if slug.lower() in self.former_slugs:
                return (
                    self.former_slugs[slug.lower()],
                    _("former slug %(slug)s (merged)") % {"slug": slug},
                    None,
                )
            return None, "", None  # a new institution may take this slug
        qid = values.get(ListField.WIKIDATA, "").upper()
        if qid and qid in self.qids:
            return self.qids[qid], _("Wikidata %(qid)s") % {"qid": qid}, None
        name = values.get(ListField.NAME, "")
        if name:
            found = {}
            for candidate, how in self.names.get(_key(name), []):
                if self._in([candidate], jurisdiction):
                    found.setdefault(candidate, how)
            if len(found) == 1:
                ((candidate, how),) = found.items()
                return candidate, how, None
            if len(found) > 1:
                return None, "", self._ambiguous(ListField.NAME, found)
            elsewhere = {c for c, _how in self.names.get(_key(name), [])}
            if jurisdiction is not None and len(elsewhere) == 1:
                (candidate,) = elsewhere
                where = self.jurisdictions.get(getattr(candidate, "jurisdiction_id", None))
                return (
                    None,
                    "",
                    RowError(
                        0,
                        ListField.JURISDICTION,
                        _("the list says %(listed)s, but %(member)s belongs to %(actual)s")
                        % {
                            "listed": jurisdiction.code,
                            "member": candidate,
                            "actual": where.code if where else _("no jurisdiction"),
                        },
                    ),
                )
        acronym = values.get(ListField.ACRONYM, "")
        if acronym:
            found = dict.fromkeys(self._in(self.acronyms.get(_key(acronym), []), jurisdiction))
            if len(found) == 1:
                return next(iter(found)), _("acronym"), None
            if len(found) > 1:
                return None, "", self._ambiguous(ListField.ACRONYM, found)
        return None, "", None

    @staticmethod
    def _ambiguous(field_name: str, found) -> RowError:
        names = ", ".join(sorted(f"{c} [{c.slug}]" for c in found))
        return RowError(
            0,
            field_name,
            _("matches several records (%(names)s): add a slug or jurisdiction column")
            % {"names": names},
        )


# --- Rows ---------------------------------------------------------------------------------


@dataclass
class ListRow:
    """One row of the list, read, validated and matched."""

    number: int
    values: dict[str, str]
    member: Any = None  # Institution or Network
    matched_by: str = ""
    new_institution: dict | None = None
    role: str = Role.MEMBER
    label: str = ""
    date: datetime.date | None = None  # start (networks) or signed (memoranda)
    date_precision: str = DatePrecision.DAY
    tier: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def member_key(self) -> tuple[str, Any] | None:
        if self.member is not None:
            return ("n" if isinstance(self.member, Network) else "i", self.member.pk)
        if self.new_institution is not None:
            return ("new", self.new_institution["slug"])
        return None

    @property
    def member_display(self) -> str:
        if self.member is not None:
            return f"{self.member} [{self.member.slug}]"
        if self.new_institution is not None:
            return f"{self.new_institution['name']} [{self.new_institution['slug']}]"
        return self.values.get(ListField.NAME) or self.values.get(ListField.MEMBER, "")

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(RowError(self.number, str(field_name), message))


def _choice(text: str, choices, extra: dict | None = None) -> str | None:
    key = _key(text)
    for value, label in choices.choices:
        if key in (_key(value), _key(label), _key(value.replace("_", " "))):
            return value
    return (extra or {}).get(key)


def read_rows(
    table: Table,
    columns: dict[str, str],
    directory: Directory,
    *,
    for_network: bool,
    default_role: str = Role.MEMBER,
) -> list[ListRow]:
    """Validate and match every row; problems are collected on the rows."""
    rows = []
    for number, raw in table.rows:
        values = {f: _cell_text(table.value(raw, h)) for f, h in columns.items() if h}
        row = ListRow(number, values)
        _refuse_formulas(row, columns, table.name)
        jurisdiction = None
        if values.get(ListField.JURISDICTION):
            jurisdiction = directory.jurisdiction(values[ListField.JURISDICTION])
            if jurisdiction is None:
                row.error(
                    columns[ListField.JURISDICTION],
                    _("unknown jurisdiction '%(value)s'")
                    % {"value": values[ListField.JURISDICTION]},
                )
        if not any(values.get(f) for f in MEMBER_FIELDS):
            row.error(_("member"), _("the row names no member (no slug, QID, name or acronym)"))
        else:
            member, how, problem = directory.match(values, jurisdiction)
            if problem is not None:
                row.error(columns[problem.field], problem.message)
            elif member is not None:
                if not for_network and isinstance(member, Network):
                    row.error(
                        columns.get(ListField.NAME, _("member")),
                        _("a network cannot sign a memorandum"),
                    )
                if (
                    jurisdiction is not None
                    and isinstance(member, Institution)
                    and member.jurisdiction_id != jurisdiction.pk
                ):
                    row.error(
                        columns[ListField.JURISDICTION],
                        _("the list says %(listed)s, but %(member)s belongs to %(actual)s")
                        % {
                            "listed": jurisdiction.code,
                            "member": member,
                            "actual": directory.jurisdictions[member.jurisdiction_id].code
                            if member.jurisdiction_id
                            else _("no jurisdiction"),
                        },
                    )
                row.member, row.matched_by = member, how
            elif not row.errors:
                _new_institution(row, columns, directory, jurisdiction)
        if for_network:
            text = values.get(ListField.ROLE, "")
            role = _choice(text, Role, ROLE_WORDS) if text else default_role
            if role is None:
                row.error(columns[ListField.ROLE], _("unknown role '%(value)s'") % {"value": text})
            elif role not in STATUS_ROLES:
                row.error(
                    columns.get(ListField.ROLE, _("role")),
                    _("%(role)s is an office, not a membership status: edit offices in the admin")
                    % {"role": Role(role).label},
                )
            else:
                row.role = role
            row.label = values.get(ListField.LABEL, "")[:200]
            date_field = ListField.START
        else:
            row.tier = values.get(ListField.TIER, "")[:100]
            date_field = ListField.SIGNED
        raw_date = table.value(raw, columns.get(date_field))
        try:
            row.date, row.date_precision = parse_partial_date(raw_date)
        except ValidationError as error:
            row.error(columns[date_field], error.messages[0])
        rows.append(row)
    seen: dict[tuple, int] = {}
    for row in rows:
        key = row.member_key
        if key is None:
            continue
        if key in seen:
            row.error(
                _("member"),
                _("%(member)s is already on row %(row)s")
                % {"member": row.member_display, "row": seen[key]},
            )
        else:
            seen[key] = row.number
    return rows


def _refuse_formulas(row: ListRow, columns: dict[str, str], file_name: str) -> None:
    """A cell a spreadsheet would run as a formula is an error, not data to keep.

    Refused rather than cleaned: the curator sees the file, row and column, and nothing is
    changed behind their back. Numbers, dates, phone numbers and dashes ("-5", "+41 22 …",
    "-") are plain values (PLAIN_VALUE). Only mapped columns are checked: nothing else
    is kept.
    """
    for f, text in row.values.items():
        if text.startswith(FORMULA_STARTS) and not PLAIN_VALUE.fullmatch(text):
            row.error(
                columns[f],
                _(
                    "'%(value)s' in %(file)s starts with '%(start)s', which a spreadsheet "
                    "runs as a formula: remove the formula (or that first character) from "
                    "the list and upload it again"
                )
                % {
                    "value": text if len(text) <= 60 else text[:60] + "…",
                    "file": file_name or _("the file"),
                    "start": text[0],
                },
            )


def _new_institution(row: ListRow, columns, directory: Directory, jurisdiction) -> None:
    """A row that matches nothing: a new institution, if the row says enough."""
    values = row.values
    needed = {
        ListField.NAME: _("name"),
        ListField.JURISDICTION: _("jurisdiction"),
        ListField.BRANCH: _("branch"),
        ListField.WEBSITE: _("website"),
    }
    missing = [str(word) for f, word in needed.items() if not values.get(f)]
    what = (
        values.get(ListField.MEMBER)
        or values.get(ListField.NAME)
        or values.get(ListField.ACRONYM)
        or values.get(ListField.WIKIDATA)
    )
    field_name = columns.get(ListField.MEMBER) or columns.get(ListField.NAME) or _("member")
    if missing:
        row.error(
            field_name,
            _(
                "no institution matches '%(what)s'; to add it as a new institution give its "
                "%(missing)s"
            )
            % {"what": what, "missing": ", ".join(missing)},
        )
        return
    if jurisdiction is None:
        return  # already reported
    branch = _choice(values[ListField.BRANCH], Branch)
    if branch is None:
        row.error(
            columns[ListField.BRANCH],
            _("unknown branch '%(value)s'") % {"value": values[ListField.BRANCH]},
        )
    website = values[ListField.WEBSITE]
    try:
        validate_http_url(website)
    except ValidationError:
        row.error(
            columns[ListField.WEBSITE],
            _("'%(value)s' is not an http(s) address") % {"value": website},
        )
    qid = values.get(ListField.WIKIDATA, "").upper()
    if qid and not WIKIDATA_QID_RE.fullmatch(qid):
        row.error(
            columns[ListField.WIKIDATA], _("'%(value)s' is not a Wikidata QID") % {"value": qid}
        )
    slug = (
        values.get(ListField.MEMBER, "").lower()
        or slugify(
            f"{jurisdiction.code}-{values.get(ListField.ACRONYM) or values[ListField.NAME]}"
        )[:200]
    )
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        row.error(field_name, _("'%(slug)s' is not a slug") % {"slug": slug})
    elif slug in directory.slugs or slug in directory.former_slugs:
        row.error(
            field_name,
            _(
                "no record matches the name, but the slug %(slug)s is taken by %(other)s; if "
                "it is the same, give its slug in a slug column"
            )
            % {"slug": slug, "other": directory.slugs.get(slug) or directory.former_slugs[slug]},
        )
    if row.errors:
        return
    level = {
        JurisdictionKind.SUBDIVISION: Level.SUBNATIONAL,
        JurisdictionKind.UNION: Level.SUPRANATIONAL,
    }.get(jurisdiction.kind, Level.NATIONAL)
    row.new_institution = {
        "slug": slug,
        "name": values[ListField.NAME][:300],
        "acronym": values.get(ListField.ACRONYM, "")[:40],
        "branch": branch,
        "level": level,
        "jurisdiction": jurisdiction,
        "website": website,
        "wikidata": qid,
    }
    row.matched_by = _("new institution")


# --- The plan -----------------------------------------------------------------------------


class ActionKind(models.TextChoices):
    ADD = "add", gettext_lazy("Add")
    END = "end", gettext_lazy("End membership")
    ROLE = "role", gettext_lazy("Change role")
    UPDATE = "update", gettext_lazy("Update")
    WITHDRAW = "withdraw", gettext_lazy("Mark withdrawn")
    REJOIN = "rejoin", gettext_lazy("Signed again")
    CONFIRM = "confirm", gettext_lazy("Unchanged (confirmed)")
    ABSENT = "absent", gettext_lazy("Not on the list (left alone)")


@dataclass
class Action:
    """One change the list would make (or one record it confirms)."""

    kind: str
    member: str  # how the member is shown
    row: ListRow | None = None
    record: Any = None  # the existing Membership or Signatory, if any
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)

    @property
    def kind_display(self) -> str:
        return ActionKind(self.kind).label

    def fingerprint(self) -> list:
        return [
            self.kind,
            self.row.number if self.row else None,
            self.record.pk if self.record is not None else None,
            self.row.member_key if self.row else None,
            sorted((k, str(a), str(b)) for k, (a, b) in self.changes.items()),
        ]


@dataclass
class MemberListPlan:
    """What applying a list would do; nothing is written to compute it."""

    target: Network | Memorandum
    list_date: datetime.date
    headers: list[str]
    columns: dict[str, str]
    rows: list[ListRow]
    actions: list[Action]
    end_missing: bool
    problems: list[RowError] = field(default_factory=list)  # not tied to one row

    @property
    def for_network(self) -> bool:
        return isinstance(self.target, Network)

    @property
    def errors(self) -> list[RowError]:
        return [*self.problems, *(e for row in self.rows for e in row.errors)]

    @property
    def can_apply(self) -> bool:
        return not self.errors

    @property
    def new_institutions(self) -> list[dict]:
        return [r.new_institution for r in self.rows if r.new_institution and not r.errors]

    def count(self, kind: str) -> int:
        return sum(1 for a in self.actions if a.kind == kind)

    def counts(self) -> list[tuple[str, int]]:
        return [(k.label, self.count(k)) for k in ActionKind if self.count(k)]

    def by_kind(self) -> list[tuple[str, list[Action]]]:
        return [
            (k.label, [a for a in self.actions if a.kind == k]) for k in ActionKind if self.count(k)
        ]

    def fingerprint(self) -> str:
        """Identifies exactly this plan: the confirmation applies it only if unchanged."""
        data = {
            "target": [type(self.target).__name__, self.target.pk],
            "date": self.list_date.isoformat(),
            "columns": sorted(self.columns.items()),
            "end_missing": self.end_missing,
            "actions": [a.fingerprint() for a in self.actions],
            "errors": [str(e) for e in self.errors],
        }
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def plan_member_list(
    *,
    target: Network | Memorandum,
    table: Table,
    columns: dict[str, str] | None = None,
    list_date: datetime.date,
    end_missing: bool = True,
    default_role: str = Role.MEMBER,
) -> MemberListPlan:
    """Compare a list with the directory: the preview of `import_member_list`."""
    for_network = isinstance(target, Network)
    fields = NETWORK_FIELDS if for_network else MEMORANDUM_FIELDS
    if columns is None:
        columns = guess_columns(table.headers, fields)
    columns = {f: h for f, h in columns.items() if h and f in fields and h in table.headers}
    directory = Directory(networks=for_network)
    rows = read_rows(table, columns, directory, for_network=for_network, default_role=default_role)
    plan = MemberListPlan(target, list_date, table.headers, columns, rows, [], end_missing)
    if not any(columns.get(f) for f in MEMBER_FIELDS):
        plan.problems.append(
            RowError(
                1,
                _("columns"),
                _("no column names the members: map a slug, QID, name or acronym column"),
            )
        )
        return plan
    if for_network:
        _plan_network(plan)
    else:
        _plan_memorandum(plan)
    return plan


def _member_of(record) -> tuple[str, Any]:
    if isinstance(record, Signatory):
        return ("i", record.institution_id)
    if record.member_network_id:
        return ("n", record.member_network_id)
    return ("i", record.member_institution_id)


def _plan_network(plan: MemberListPlan) -> None:
    """Listed members are confirmed, added or change status; absent ones end (or are kept)."""
    network, on = plan.target, plan.list_date
    in_scope = Membership.objects.filter(network=network, role__in=STATUS_ROLES)
    # Held on the list's date, and not ended on it (by an earlier import of this list).
    held_ids = set(
        in_scope.as_of(on)
        .exclude(end_date__lte=on, end_date_precision=DatePrecision.DAY)
        .values_list("pk", flat=True)
    )
    current: dict[tuple, list[Membership]] = defaultdict(list)
    past: dict[tuple, list[Membership]] = defaultdict(list)
    for m in in_scope.select_related("member_institution", "member_network").order_by(
        "start_date", "pk"
    ):
        if m.pk in held_ids:
            current[_member_of(m)].append(m)
        elif m.start_date is None or m.start_date <= on:
            past[_member_of(m)].append(m)
    listed = set()
    for row in plan.rows:
        key = row.member_key
        if key is None or row.errors:
            continue
        listed.add(key)
        held = current.get(key, [])
        same = [m for m in held if m.role == row.role]
        others = [m for m in held if m.role != row.role]
        if same:
            m = same[0]
            changes = {}
            if row.label and row.label != m.label:
                changes["label"] = (m.label, row.label)
            if row.date and (row.date, row.date_precision) != (
                m.start_date,
                m.start_date_precision,
            ):
                changes["start_date"] = (m.start_display, _display_date(row))
            kind = ActionKind.UPDATE if changes else ActionKind.CONFIRM
            plan.actions.append(Action(kind, row.member_display, row, m, changes))
        elif others:
            # A new status: the old period ends and the new one starts on the list's date.
            m = others.pop(0)
            changes = {"role": (m.get_role_display(), Role(row.role).label), "date": ("", on)}
            plan.actions.append(Action(ActionKind.ROLE, row.member_display, row, m, changes))
        else:
            _check_new_period(row, past.get(key, []))
            if row.errors:
                continue
            changes = {"role": ("", Role(row.role).label)}
            if row.date:
                changes["start_date"] = ("", _display_date(row))
            plan.actions.append(Action(ActionKind.ADD, row.member_display, row, None, changes))
        for m in others:  # a second status the list no longer gives
            changes = {"role": (m.get_role_display(), ""), "end_date": ("", on)}
            plan.actions.append(Action(ActionKind.END, row.member_display, row, m, changes))
    for key, held in current.items():
        if key in listed:
            continue
        for m in held:
            member = f"{m.member} [{m.member.slug}]"
            if plan.end_missing:
                plan.actions.append(Action(ActionKind.END, member, None, m, {"end_date": ("", on)}))
            else:
                plan.actions.append(Action(ActionKind.ABSENT, member, None, m))


def _check_new_period(row: ListRow, past: list[Membership]) -> None:
    """A new period must not overlap an earlier one of the same member in the same role."""
    for m in past:
        if m.role != row.role:
            continue
        if row.date is None:
            row.error(
                _("start"),
                _(
                    "%(member)s was %(role)s until %(end)s: give the date it joined again in a "
                    "'member since' column"
                )
                % {
                    "member": row.member_display,
                    "role": m.get_role_display(),
                    "end": m.end_display,
                },
            )
            return
        if m.end_date is None or m.end_date >= row.date:
            row.error(
                _("start"),
                _("the period from %(start)s overlaps the earlier one ending %(end)s")
                % {"start": _display_date(row), "end": m.end_display or "?"},
            )
            return


def _display_date(row: ListRow) -> str:
    return format_partial_date(row.date, row.date_precision)


def _plan_memorandum(plan: MemberListPlan) -> None:
    """Listed institutions sign, sign again or change tier; absent ones withdraw (or stay)."""
    memorandum, on = plan.target, plan.list_date
    signatories = {
        s.institution_id: s
        for s in Signatory.objects.filter(memorandum=memorandum).select_related("institution")
    }
    listed = set()
    for row in plan.rows:
        key = row.member_key
        if key is None or row.errors:
            continue
        listed.add(key)
        s = signatories.get(row.member.pk) if row.member is not None else None
        changes = {}
        if row.tier and row.tier != (s.tier if s else ""):
            changes["tier"] = (s.tier if s else "", row.tier)
        if row.date and (
            s is None or (row.date, row.date_precision) != (s.signed_on, s.signed_on_precision)
        ):
            changes["signed_on"] = (s.signed_display if s else "", _display_date(row))
        if s is None:
            plan.actions.append(Action(ActionKind.ADD, row.member_display, row, None, changes))
        elif not s.is_current(on):
            changes["withdrawn_on"] = (s.withdrawn_on, "")
            plan.actions.append(Action(ActionKind.REJOIN, row.member_display, row, s, changes))
        else:
            kind = ActionKind.UPDATE if changes else ActionKind.CONFIRM
            plan.actions.append(Action(kind, row.member_display, row, s, changes))
    for institution_id, s in signatories.items():
        if ("i", institution_id) in listed or not s.is_current(on):
            continue
        member = f"{s.institution} [{s.institution.slug}]"
        if not plan.end_missing:
            plan.actions.append(Action(ActionKind.ABSENT, member, None, s))
        elif s.signed_on and s.signed_on > on:
            plan.problems.append(
                RowError(
                    0, _("date"), _("%(member)s signed after the list's date") % {"member": member}
                )
            )
        else:
            changes = {"withdrawn_on": ("", on)}
            plan.actions.append(Action(ActionKind.WITHDRAW, member, None, s, changes))
