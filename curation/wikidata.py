"""Suggestions from Wikidata: read a dump or a query result, propose, let a curator decide.

`read_file` reads the items of a Wikidata JSON dump (the entity format of
https://www.wikidata.org/wiki/Wikidata:Database_download#JSON_dumps_(recommended): one
entity a line between "[" and "]"; `Special:EntityData`'s {"entities": {...}} also does)
or a SPARQL query result in the W3C SPARQL 1.1 JSON results format (see the README for
the variables it reads). `propose` turns them into `Suggestion` rows, and writes nothing
else: candidate institutions, institutions' QIDs and memberships (P463 "member of", with
its P580 start and P582 end qualifiers). A curator accepts (`accept_suggestion`: the
record is written in a change set, citing the item's Wikidata page, and can be undone
like any edit) or rejects (`reject_suggestion`) each. A suggestion already made, whatever
became of it, is not made again.
"""

from __future__ import annotations

import bz2
import dataclasses
import datetime
import gzip
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from curation.models import (
    WIKIDATA_ITEM_URL,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from curation.services import _list_source
from institutions.models import (
    IdentifierScheme,
    Institution,
    InstitutionIdentifier,
    InstitutionName,
    InstitutionRedirect,
    Level,
)
from networks.models import Membership, Network
from sources.history import recording
from sources.identifiers import WIKIDATA_QID_RE
from sources.models import ChangeKind, ChangeSet, Source, validate_http_url
from sources.names import normalise
from sources.partial_dates import DatePrecision, iso_partial_date, parse_partial_date

# Wikidata's time precisions (https://www.wikidata.org/wiki/Help:Dates#Precision): the
# three the directory can hold. Finer ones (hour, minute, second) are cut to the day;
# coarser ones (decade, century…) are not kept at all.
PRECISIONS = {9: DatePrecision.YEAR, 10: DatePrecision.MONTH, 11: DatePrecision.DAY}
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
TIME_RE = re.compile(r"([+-])(\d{1,16})-(\d{2})-(\d{2})T")
ENTITY_URI_RE = re.compile(r"https?://www\.wikidata\.org/entity/(Q[1-9][0-9]*)")
MEMBER_OF, START, END, WEBSITE = "P463", "P580", "P582", "P856"
PUBLISHER = "Wikidata"


class WikidataFileError(Exception):
    """The file cannot be read as a dump or a query result; nothing was proposed."""

    def __init__(self, file_name: str, where: str, message: str):
        self.file_name, self.where = file_name, where
        super().__init__(f"{file_name}: {where}: {message}" if where else f"{file_name}: {message}")


class SuggestionRefused(Exception):
    """The suggestion was not accepted; nothing was written."""


@dataclass
class WikidataDate:
    """A date as precise as Wikidata's precision field, or unknown (with why)."""

    value: datetime.date | None = None
    precision: str = DatePrecision.DAY
    note: str = ""
    # Wikidata states the date (a qualifier is there), whether or not it could be kept: an
    # end stated as "unknown value" or too vaguely still says the membership ended.
    stated: bool = False

    @property
    def iso(self) -> str:
        return iso_partial_date(self.value, self.precision) or ""


@dataclass
class MemberOf:
    """One P463 statement: the network's item, its id, its start and end."""

    network: str
    statement: str = ""
    start: WikidataDate = field(default_factory=WikidataDate)
    end: WikidataDate = field(default_factory=WikidataDate)


@dataclass
class WikidataItem:
    """What the suggestions need from one item."""

    qid: str
    label: str = ""
    website: str = ""
    member_of: list[MemberOf] = field(default_factory=list)

    @property
    def url(self) -> str:
        return WIKIDATA_ITEM_URL.format(qid=self.qid)


# --- Reading -------------------------------------------------------------------------------


def wikidata_date(value: Any, *, file_name: str, where: str) -> WikidataDate:
    """A Wikidata time value ({"time": "+2004-00-00T00:00:00Z", "precision": 9, ...}) as
    a partial date, through the project's one partial-date parser."""
    if not isinstance(value, dict) or "time" not in value or "precision" not in value:
        raise WikidataFileError(file_name, where, _("a time value needs time and precision"))
    match = TIME_RE.match(str(value["time"]))
    try:
        precision = int(value["precision"])
    except (TypeError, ValueError):
        precision = None
    if match is None or precision is None:
        raise WikidataFileError(
            file_name, where, _("'%(value)s' is not a Wikidata time") % {"value": value["time"]}
        )
    sign, year, month, day = match.groups()
    if value.get("calendarmodel", GREGORIAN) != GREGORIAN:
        return WikidataDate(note=_("not in the Gregorian calendar"))
    if precision < 9:
        return WikidataDate(note=_("known only to a decade or less precisely"))
    if sign == "-" or int(year) > 9999 or int(year) < 1:
        return WikidataDate(note=_("year out of range"))
    parts = [f"{int(year):04d}", month, day][: min(precision, 11) - 8]
    try:
        parsed, kept = parse_partial_date("-".join(parts))
    except ValidationError as exc:
        raise WikidataFileError(file_name, where, " ".join(exc.messages)) from None
    return WikidataDate(parsed, kept)


def read_file(path: str | Path) -> list[WikidataItem]:
    """The items of a dump (.json, or compressed .json.gz or .json.bz2 as Wikimedia
    publishes them) or of a SPARQL result file, told apart by their shape. Only items with
    a P463 statement are kept: nothing is proposed for the others.

    Raises WikidataFileError naming the file and the item (or line, or result row).
    """
    path = Path(path)
    name = path.name
    try:
        with _open(path) as handle:
            first, second = handle.readline(), handle.readline()
            if first.strip() == "[" and _is_json_object(second):
                # The dump's own layout, one entity a line: read a line at a time (a
                # dump is large) and name a broken line.
                lines = itertools.chain([second], handle)
                return [item for item in _read_dump_lines(name, lines) if item.member_of]
            text = first + second + handle.read()
    except (OSError, EOFError) as exc:
        raise WikidataFileError(name, "", getattr(exc, "strerror", None) or str(exc)) from None
    except UnicodeDecodeError:
        raise WikidataFileError(name, "", _("not UTF-8 text")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WikidataFileError(
            name,
            _("line %(line)s") % {"line": exc.lineno},
            _("not JSON: %(error)s") % {"error": exc.msg},
        ) from None
    if isinstance(data, dict) and "results" in data and "head" in data:
        return _read_sparql(name, data)
    if isinstance(data, dict) and isinstance(data.get("entities"), dict):
        entities = list(data["entities"].values())
    elif isinstance(data, list):
        entities = data
    else:
        raise WikidataFileError(
            name,
            "",
            _("neither a Wikidata JSON dump (a list of entities) nor a SPARQL JSON result"),
        )
    items = (
        _read_entity(name, entity, _("entity %(n)s") % {"n": number})
        for number, entity in enumerate(entities, 1)
    )
    return [item for item in items if item is not None and item.member_of]


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line.strip().rstrip(",")), dict)
    except json.JSONDecodeError:
        return False


def _read_dump_lines(name: str, lines: Iterable[str]) -> Iterator[WikidataItem]:
    for number, line in enumerate(lines, 2):
        text = line.strip().rstrip(",")
        if not text or text == "]":
            continue
        where = _("line %(line)s") % {"line": number}
        try:
            entity = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WikidataFileError(
                name, where, _("not JSON: %(error)s") % {"error": exc.msg}
            ) from None
        item = _read_entity(name, entity, where)
        if item is not None:
            yield item


def _read_entity(name: str, entity: Any, where: str) -> WikidataItem | None:
    """An item of the dump; None for what is not an item (properties, lexemes)."""
    if not isinstance(entity, dict):
        raise WikidataFileError(name, where, _("an entity must be a JSON object"))
    qid = entity.get("id", "")
    if entity.get("type", "item") != "item" or not str(qid).startswith("Q"):
        return None
    if not WIKIDATA_QID_RE.fullmatch(str(qid)):
        raise WikidataFileError(name, where, _("'%(id)s' is not a QID") % {"id": qid})
    where = f"{qid} ({where})"
    claims = entity.get("claims", {})
    if not isinstance(claims, dict):
        raise WikidataFileError(name, where, _("claims must be a JSON object"))
    item = WikidataItem(qid=qid, label=_label(entity))
    for statement in _statements(claims, WEBSITE):
        value = _main_value(name, where, statement)
        if isinstance(value, str) and _is_http_url(value):
            item.website = value
            break
    for statement in _statements(claims, MEMBER_OF):
        statement_id = str(statement.get("id", ""))
        at = f"{where} {statement_id or MEMBER_OF}"
        value = _main_value(name, at, statement)
        if value is None:  # "no value" or "unknown value": nothing to propose
            continue
        network = value.get("id") if isinstance(value, dict) else None
        if not network or not WIKIDATA_QID_RE.fullmatch(str(network)):
            raise WikidataFileError(name, at, _("P463's value must be an item"))
        item.member_of.append(
            MemberOf(
                network=network,
                statement=statement_id,
                start=_qualifier_date(name, at, statement, START),
                end=_qualifier_date(name, at, statement, END),
            )
        )
    return item


def _label(entity: dict) -> str:
    labels = entity.get("labels") or {}
    for language in ("en", "mul", *sorted(labels)):
        value = labels.get(language)
        if isinstance(value, dict) and value.get("value"):
            return str(value["value"])[:300]
    return ""


def _statements(claims: dict, prop: str) -> list[dict]:
    """The property's statements, deprecated ones left out (Wikidata's own advice)."""
    statements = claims.get(prop, [])
    if not isinstance(statements, list):
        return []
    return [s for s in statements if isinstance(s, dict) and s.get("rank") != "deprecated"]


def _main_value(name: str, where: str, statement: dict) -> Any:
    snak = statement.get("mainsnak")
    if not isinstance(snak, dict):
        raise WikidataFileError(name, where, _("a statement needs its mainsnak"))
    return _snak_value(name, where, snak)


def _snak_value(name: str, where: str, snak: dict) -> Any:
    if snak.get("snaktype", "value") != "value":
        return None
    datavalue = snak.get("datavalue")
    if not isinstance(datavalue, dict) or "value" not in datavalue:
        raise WikidataFileError(name, where, _("a value snak needs its datavalue"))
    return datavalue["value"]


def _qualifier_date(name: str, where: str, statement: dict, prop: str) -> WikidataDate:
    qualifiers = statement.get("qualifiers") or {}
    snaks = qualifiers.get(prop) or [] if isinstance(qualifiers, dict) else []
    for snak in snaks:
        value = _snak_value(name, f"{where} {prop}", snak) if isinstance(snak, dict) else None
        if value is not None:
            date = wikidata_date(value, file_name=name, where=f"{where} {prop}")
            return dataclasses.replace(date, stated=True)
        if isinstance(snak, dict) and snak.get("snaktype") == "somevalue":
            return WikidataDate(note=_("an unknown date"), stated=True)
    return WikidataDate()


def _is_http_url(value: str) -> bool:
    """A website worth proposing: an http(s) URL that fits the field (500 characters)."""
    if len(value) > Suggestion._meta.get_field("website").max_length:
        return False
    try:
        validate_http_url(value)
    except ValidationError:
        return False
    return True


def _read_sparql(name: str, data: dict) -> list[WikidataItem]:
    """A SPARQL JSON result: one row per statement, variables `item` (required),
    `itemLabel`, `website`, `network`, `statement`, `start` with `startPrecision` and `end`
    with `endPrecision` (wikibase:timeValue and wikibase:timePrecision of the qualifier)."""
    bindings = (
        data.get("results", {}).get("bindings") if isinstance(data["results"], dict) else None
    )
    if not isinstance(bindings, list):
        raise WikidataFileError(name, "", _("a SPARQL result needs results.bindings"))
    items: dict[str, WikidataItem] = {}
    for number, row in enumerate(bindings, 1):
        where = _("result %(n)s") % {"n": number}
        if not isinstance(row, dict):
            raise WikidataFileError(name, where, _("a result row must be a JSON object"))
        qid = _sparql_entity(name, where, row, "item")
        if qid is None:
            raise WikidataFileError(name, where, _("the row has no item"))
        where = f"{qid} ({where})"
        item = items.setdefault(qid, WikidataItem(qid=qid))
        label = _sparql_text(row, "itemLabel")
        # The label service falls back to the QID itself when an item has no label.
        if label and label != qid and not item.label:
            item.label = label[:300]
        website = _sparql_text(row, "website")
        if website and not item.website and _is_http_url(website):
            item.website = website
        network = _sparql_entity(name, where, row, "network")
        if network is None:
            continue
        statement = _sparql_text(row, "statement")
        at = f"{where} {statement.rsplit('/', 1)[-1] or MEMBER_OF}"
        member_of = MemberOf(
            network=network,
            statement=statement,
            start=_sparql_date(name, at, row, "start"),
            end=_sparql_date(name, at, row, "end"),
        )
        if member_of not in item.member_of:
            item.member_of.append(member_of)
    return list(items.values())


def _sparql_text(row: dict, variable: str) -> str:
    value = row.get(variable)
    return str(value.get("value", "")) if isinstance(value, dict) else ""


def _sparql_entity(name: str, where: str, row: dict, variable: str) -> str | None:
    value = _sparql_text(row, variable)
    if not value:
        return None
    match = ENTITY_URI_RE.fullmatch(value)
    if match is None:
        raise WikidataFileError(
            name,
            where,
            _("%(variable)s '%(value)s' is not a Wikidata item's address")
            % {"variable": variable, "value": value},
        )
    return match.group(1)


def _sparql_date(name: str, where: str, row: dict, variable: str) -> WikidataDate:
    value = _sparql_text(row, variable)
    if not value:
        return WikidataDate()
    if row[variable].get("type") != "literal":
        # "unknown value": the query service gives a blank node (or a generated IRI).
        return WikidataDate(note=_("an unknown date"), stated=True)
    precision = _sparql_text(row, f"{variable}Precision")
    if not precision:
        # Without it a year would read as 1 January: never more precise than Wikidata.
        raise WikidataFileError(
            name,
            where,
            _("%(variable)s is given without %(variable)sPrecision (wikibase:timePrecision)")
            % {"variable": variable},
        )
    time = value if value.startswith(("+", "-")) else f"+{value}"
    # The query service gives wikibase:timeValue in the Gregorian calendar.
    date = wikidata_date(
        {"time": time, "precision": precision}, file_name=name, where=f"{where} {variable}"
    )
    return dataclasses.replace(date, stated=True)


# --- Proposing ---------------------------------------------------------------------------


@dataclass
class Proposal:
    """What a run proposed, and what it left out and why (for the command's summary)."""

    suggestions: list[Suggestion] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)

    def count(self, kind: str) -> int:
        return sum(1 for s in self.suggestions if s.kind == kind)

    def summary(self, *, dry_run: bool = False) -> str:
        made = ", ".join(f"{self.count(kind)} {label}" for kind, label in SuggestionKind.choices)
        text = (_("Would propose: %(made)s.") if dry_run else _("Proposed: %(made)s.")) % {
            "made": made
        }
        left = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()) if n)
        return f"{text} {_('Not proposed: %(left)s.') % {'left': left}}" if left else text


class _Directory:
    """The directory as the matching sees it: networks and institutions by QID,
    institutions by normalised name (and other names)."""

    def __init__(self):
        self.networks = {
            n.wikidata_id: n
            for n in Network.objects.exclude(wikidata_id="").only(
                "pk", "name", "acronym", "wikidata_id"
            )
        }
        # The memberships of those networks, with their dates: one query, so that
        # proposing costs the same few queries however many statements a file holds.
        self.held = set(
            Membership.objects.filter(network__in=self.networks.values()).values_list(
                "network_id", "member_institution_id", "member_network_id", "start_date", "end_date"
            )
        )
        self.by_qid: dict[str, Institution] = {}
        self.qid_of: dict[int, str] = {}
        for identifier in InstitutionIdentifier.objects.filter(
            scheme=IdentifierScheme.WIKIDATA
        ).select_related("institution"):
            self.by_qid[identifier.identifier] = identifier.institution
            self.qid_of[identifier.institution_id] = identifier.identifier
        self.by_name: dict[str, set[int]] = {}
        institutions = {i.pk: i for i in Institution.objects.only("pk", "name", "acronym", "slug")}
        self.institutions = institutions
        names = [(i.pk, i.name) for i in institutions.values()]
        names += list(InstitutionName.objects.values_list("institution_id", "name"))
        for pk, name in names:
            self.by_name.setdefault(normalise(name), set()).add(pk)

    def named(self, label: str) -> list[Institution]:
        key = normalise(label) if label else ""
        # An empty key (a label of punctuation only) matches nothing, never everything.
        return [self.institutions[pk] for pk in sorted(self.by_name.get(key, ()))] if key else []


def propose(
    items: Iterable[WikidataItem], *, as_of: datetime.date, file_name: str, dry_run: bool = False
) -> Proposal:
    """Suggestions for the items: writes `Suggestion` rows only, never a record.

    An item is matched to an institution by its QID first (an identifier of scheme
    wikidata), else by its label, equal after normalising (accents, case, punctuation) to
    one institution's name or other name; a network only by `Network.wikidata_id`. Only
    P463 statements whose network is in the directory count: an unmatched item with one
    becomes a candidate institution; an item matched by name, a QID for that
    institution; each statement, a membership. What is already in the directory, or was
    proposed before (accepted, rejected or pending), is not proposed.
    """
    directory = _Directory()
    proposal = Proposal()
    known = set(Suggestion.objects.values_list("key", flat=True))
    for item in items:
        for suggestion in _item_suggestions(item, directory, proposal, as_of, file_name):
            if suggestion.key in known:
                proposal.skipped[_("already proposed")] += 1
                continue
            known.add(suggestion.key)
            proposal.suggestions.append(suggestion)
    if not dry_run:
        for suggestion in proposal.suggestions:
            # Field by field; the database holds the constraints, and the related records
            # were just loaded (checking them here would cost queries a suggestion).
            suggestion.full_clean(
                exclude=["institution", "network", "jurisdiction", "decided_by", "change_set"],
                validate_unique=False,
                validate_constraints=False,
            )
        with transaction.atomic():
            Suggestion.objects.bulk_create(proposal.suggestions, batch_size=500)
    return proposal


def _item_suggestions(
    item: WikidataItem, directory: _Directory, proposal: Proposal, as_of, file_name
) -> Iterator[Suggestion]:
    statements = [m for m in item.member_of if m.network in directory.networks]
    proposal.skipped[_("statements about networks not in the directory")] += len(
        item.member_of
    ) - len(statements)
    if not statements:
        return
    common = {
        "entity": item.qid,
        "label": item.label,
        "source_url": item.url,
        "as_of": as_of,
        "file_name": file_name[:255],
    }
    member_network = directory.networks.get(item.qid)
    institution = directory.by_qid.get(item.qid)
    if member_network is None and institution is None:
        named = directory.named(item.label)
        if len(named) > 1:
            proposal.skipped[_("items whose label names several institutions")] += 1
            return
        if named and directory.qid_of.get(named[0].pk):
            # Its name matches an institution that has another QID: two items, or a
            # mistake on one side; a curator looks, not this command.
            proposal.skipped[_("items named like an institution with another QID")] += 1
            return
        if named:
            institution = named[0]
            yield Suggestion(
                kind=SuggestionKind.IDENTIFIER,
                key=f"identifier:{item.qid}:{institution.pk}",
                institution=institution,
                **common,
            )
        else:
            yield Suggestion(
                kind=SuggestionKind.INSTITUTION,
                key=f"institution:{item.qid}",
                website=item.website,
                **common,
            )
    for member_of in statements:
        network = directory.networks[member_of.network]
        if member_network is not None and member_network.pk == network.pk:
            continue
        member = (
            {"member_network": member_network}
            if member_network
            else {"member_institution": institution}
        )
        if (member_network or institution) and _held(directory, network, member, member_of):
            proposal.skipped[_("memberships already in the directory")] += 1
            continue
        if member_of.end.stated and member_of.end.value is None:
            # Proposed without its end, it would read as a membership held today.
            proposal.skipped[_("memberships that ended on a date not kept")] += 1
            continue
        # Why a date Wikidata gives is not kept, e.g. "P580: known only to a decade…".
        notes = [
            _("%(property)s not kept: %(why)s") % {"property": prop, "why": date.note}
            for prop, date in ((START, member_of.start), (END, member_of.end))
            if date.note
        ]
        yield Suggestion(
            kind=SuggestionKind.MEMBERSHIP,
            key=(
                f"membership:{item.qid}:{member_of.network}:"
                f"{member_of.start.iso}:{member_of.end.iso}"
            ),
            statement=member_of.statement[:200],
            network_entity=member_of.network,
            network=network,
            institution=institution,
            start_date=member_of.start.value,
            start_date_precision=member_of.start.precision,
            end_date=member_of.end.value,
            end_date_precision=member_of.end.precision,
            note="\n".join(notes),
            **common,
        )


def _held(directory: _Directory, network: Network, member: dict, member_of: MemberOf) -> bool:
    """The directory records this membership already, with the same dates."""
    institution, member_network = member.get("member_institution"), member.get("member_network")
    return (
        network.pk,
        institution.pk if institution else None,
        member_network.pk if member_network else None,
        member_of.start.value,
        member_of.end.value,
    ) in directory.held


# --- Deciding ------------------------------------------------------------------------------


def accept_suggestion(*, suggestion: Suggestion, user: Any = None) -> ChangeSet:
    """Write what the suggestion proposes as one change set citing the item's Wikidata
    page (dated as the dump or query was), and mark it accepted.

    Raises SuggestionRefused (writing nothing) when it was decided already, when what it
    needs is missing (a new institution's jurisdiction and branch; a membership's member
    not yet in the directory) or when the record would be invalid.
    """
    try:
        with transaction.atomic():
            suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
            if not suggestion.pending:
                raise SuggestionRefused(
                    _("This suggestion was already %(status)s.")
                    % {"status": suggestion.get_status_display().lower()}
                )
            reason = _("Accepted a suggestion from Wikidata: %(suggestion)s") % {
                "suggestion": suggestion
            }
            with recording(kind=ChangeKind.EDIT, reason=reason, user=user) as rec:
                source = _list_source(
                    suggestion.source_url,
                    f"{PUBLISHER}: {suggestion.label or suggestion.entity} ({suggestion.entity})",
                    PUBLISHER,
                    suggestion.as_of,
                )
                rec.source = source
                ACCEPT[suggestion.kind](suggestion, source)
            suggestion.status = SuggestionStatus.ACCEPTED
            suggestion.decided_at = timezone.now()
            suggestion.decided_by = user if getattr(user, "is_authenticated", False) else None
            suggestion.change_set = rec.change_set
            suggestion.save()
            return rec.change_set
    except ValidationError as exc:
        raise SuggestionRefused(" ".join(exc.messages)) from exc
    except IntegrityError as exc:
        raise SuggestionRefused(_("The database refused it: %(error)s") % {"error": exc}) from exc


def reject_suggestion(*, suggestion: Suggestion, user: Any = None) -> None:
    """Mark it rejected: nothing is written, and it is not proposed again."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if not suggestion.pending:
            raise SuggestionRefused(
                _("This suggestion was already %(status)s.")
                % {"status": suggestion.get_status_display().lower()}
            )
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.decided_at = timezone.now()
        suggestion.decided_by = user if getattr(user, "is_authenticated", False) else None
        suggestion.save()


def _institution_with(qid: str) -> Institution | None:
    identifier = (
        InstitutionIdentifier.objects.filter(scheme=IdentifierScheme.WIKIDATA, identifier=qid)
        .select_related("institution")
        .first()
    )
    return identifier.institution if identifier else None


def _accept_institution(suggestion: Suggestion, source: Source) -> None:
    existing = _institution_with(suggestion.entity)
    if existing is not None:
        raise SuggestionRefused(
            _("%(qid)s is already the QID of %(institution)s.")
            % {"qid": suggestion.entity, "institution": existing}
        )
    missing = [] if suggestion.branch else [_("branch")]
    level = suggestion.level or Level.NATIONAL
    if suggestion.jurisdiction_id is None and level not in (
        Level.INTERNATIONAL,
        Level.SUPRANATIONAL,
    ):
        missing.append(_("jurisdiction"))
    if missing:
        raise SuggestionRefused(
            _("Choose its %(fields)s first.") % {"fields": ", ".join(str(m) for m in missing)}
        )
    name = suggestion.label or suggestion.entity
    prefix = suggestion.jurisdiction.code if suggestion.jurisdiction_id else ""
    # A name in another script slugifies to nothing: the address is then the code and
    # the QID ("ru-q123"), never the jurisdiction code alone.
    words = slugify(name)
    slug = (
        slugify(f"{prefix} {name}".strip())[:200]
        if words
        else slugify(f"{prefix} {suggestion.entity}".strip())
    )
    if (
        Institution.objects.filter(slug=slug).exists()
        or InstitutionRedirect.objects.filter(old_slug=slug).exists()
    ):
        raise SuggestionRefused(
            _(
                "The address %(slug)s is taken: if it is the same institution, reject this and "
                "accept its QID instead."
            )
            % {"slug": slug}
        )
    institution = Institution(
        name=name,
        slug=slug,
        branch=suggestion.branch,
        level=level,
        jurisdiction=suggestion.jurisdiction,
        website=suggestion.website,
    )
    institution.full_clean()
    institution.save()
    institution.sources.add(source)
    identifier = InstitutionIdentifier(
        institution=institution, scheme=IdentifierScheme.WIKIDATA, identifier=suggestion.entity
    )
    identifier.full_clean()
    identifier.save()


def _accept_identifier(suggestion: Suggestion, source: Source) -> None:
    if suggestion.institution is None:
        raise SuggestionRefused(_("The institution it names is no longer in the directory."))
    existing = _institution_with(suggestion.entity)
    if existing is not None:
        raise SuggestionRefused(
            _("%(qid)s is already the QID of %(institution)s.")
            % {"qid": suggestion.entity, "institution": existing}
        )
    identifier = InstitutionIdentifier(
        institution=suggestion.institution,
        scheme=IdentifierScheme.WIKIDATA,
        identifier=suggestion.entity,
    )
    identifier.full_clean()
    identifier.save()


def _accept_membership(suggestion: Suggestion, source: Source) -> None:
    network = (
        Network.objects.filter(wikidata_id=suggestion.network_entity).first() or suggestion.network
    )
    if network is None:
        raise SuggestionRefused(
            _("No network in the directory has the QID %(qid)s.")
            % {"qid": suggestion.network_entity}
        )
    member_network = Network.objects.filter(wikidata_id=suggestion.entity).first()
    # By its QID only: an institution matched by name becomes the member once a curator
    # has accepted that it is the item (its QID suggestion), never on the name alone.
    institution = None if member_network else _institution_with(suggestion.entity)
    if member_network is None and institution is None:
        raise SuggestionRefused(
            _(
                "%(qid)s is not in the directory yet: accept it as a new institution (or its "
                "QID for an institution) first."
            )
            % {"qid": suggestion.entity}
        )
    membership = Membership(
        network=network,
        member_institution=institution,
        member_network=member_network,
        start_date=suggestion.start_date,
        start_date_precision=suggestion.start_date_precision,
        end_date=suggestion.end_date,
        end_date_precision=suggestion.end_date_precision,
    )
    membership.full_clean()
    membership.save()
    membership.sources.add(source)


ACCEPT = {
    SuggestionKind.INSTITUTION: _accept_institution,
    SuggestionKind.IDENTIFIER: _accept_identifier,
    SuggestionKind.MEMBERSHIP: _accept_membership,
}
