"""Data extension (Reconciliation Service API v0.2): the values of some properties for
reconciled records, among them membership of a network on a date."""

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import IdentifierScheme, Institution
from networks.models import Membership, Network
from sources.forms import AsOfField
from sources.partial_dates import iso_partial_date

from .index import INSTITUTION, JURISDICTION, NETWORK, type_names
from .service import QueryError

MAX_IDS = 500
MAX_PROPERTIES = 20

# The member_of family: one question ("a member of NETWORK on DATE?") in five columns,
# each with the same two settings.
MEMBER_OF = "member_of"
MEMBER_OF_FAMILY = (
    MEMBER_OF,
    "member_of_role",
    "member_of_since",
    "member_of_until",
    "member_of_source",
)
# member_of's answers: machine values, the same in every language, so that a
# spreadsheet's formulas and facets do not depend on the reader's language.
YES, POSSIBLY, NO = "yes", "possibly", "no"


def properties() -> list[dict]:
    """Every property data extension offers, with the types it applies to."""
    member_of = [INSTITUTION, NETWORK]
    return [
        {
            "id": "jurisdiction",
            "name": _("Jurisdiction"),
            "description": _("The country or jurisdiction of an institution."),
            "types": [INSTITUTION],
        },
        {
            "id": "branch",
            "name": _("Branch"),
            "description": _("What an institution does: central bank, regulator, court…"),
            "types": [INSTITUTION],
        },
        {
            "id": "website",
            "name": _("Website"),
            "description": _("Its own official website."),
            "types": [INSTITUTION, NETWORK],
        },
        {
            "id": "wikidata",
            "name": _("Wikidata QID"),
            "description": _("Its item in Wikidata, e.g. Q151580."),
            "types": [INSTITUTION, NETWORK],
        },
        {
            "id": "lei",
            "name": _("LEI"),
            "description": _("Its Legal Entity Identifier, when it has one."),
            "types": [INSTITUTION, NETWORK],
        },
        {
            "id": MEMBER_OF,
            "name": _("Member of network on date"),
            "description": _(
                "yes, possibly (start unknown, listed only by a later source) or no: whether "
                "it was a member of the network (setting: network) on the date (setting: "
                "date, today by default)."
            ),
            "types": member_of,
        },
        {
            "id": "member_of_role",
            "name": _("Member of network on date: role"),
            "description": _("Its role in the network on the date (same settings)."),
            "types": member_of,
        },
        {
            "id": "member_of_since",
            "name": _("Member of network on date: since"),
            "description": _("When that membership began, to the year, month or day."),
            "types": member_of,
        },
        {
            "id": "member_of_until",
            "name": _("Member of network on date: until"),
            "description": _("When that membership ended, if it has."),
            "types": member_of,
        },
        {
            "id": "member_of_source",
            "name": _("Member of network on date: source"),
            "description": _("The address of each source of that membership."),
            "types": member_of,
        },
    ]


def property_settings() -> list[dict]:
    """The settings of the member_of family (the manifest's `property_settings`)."""
    return [
        {
            "name": "network",
            "label": _("Network"),
            "type": "text",
            "default": "",
            "help_text": _("The network's slug (as in its page's address) or acronym, e.g. bcbs."),
        },
        {
            "name": "date",
            "label": _("On date"),
            "type": "text",
            "default": "",
            "help_text": _("YYYY-MM-DD; today when empty."),
        },
    ]


def propose(params: Any) -> dict:
    """The properties for a type (`type` required, `limit` optional)."""
    type_id = params.get("type", "")
    if type_id not in type_names():
        raise QueryError(_("Give a type: %(types)s.") % {"types": ", ".join(type_names())})
    chosen = [
        {"id": p["id"], "name": p["name"], "description": p["description"]}
        for p in properties()
        if type_id in p["types"]
    ]
    answer = {"type": type_id, "properties": chosen}
    if params.get("limit"):
        try:
            limit = int(params["limit"])
        except ValueError:
            raise QueryError(_("limit must be a positive integer.")) from None
        if limit < 1:
            raise QueryError(_("limit must be a positive integer."))
        answer["properties"] = chosen[:limit]
        answer["limit"] = limit
    return answer


def _network(settings: dict) -> Network:
    given = settings.get("network")
    if not isinstance(given, str) or not given.strip():
        raise QueryError(_("member_of needs the setting network (a network's slug or acronym)."))
    given = given.strip()
    found = list(Network.objects.filter(Q(slug=given) | Q(acronym__iexact=given))[:3])
    exact = [n for n in found if n.slug == given]
    if exact or len(found) == 1:
        return (exact or found)[0]
    raise QueryError(
        _("Unknown network: %(network)s. Give its slug, e.g. bcbs.") % {"network": given}
        if not found
        else _("The acronym %(network)s names several networks; give a slug.") % {"network": given}
    )


def _date(settings: dict) -> datetime.date:
    given = settings.get("date") or ""
    if not isinstance(given, str):
        raise QueryError(_("The date setting must be text, YYYY-MM-DD."))
    try:
        return AsOfField().clean(given.strip()) or timezone.localdate()
    except ValidationError as error:
        raise QueryError(_("date: %(error)s") % {"error": " ".join(error.messages)}) from None


def parse_query(query: Any) -> tuple[list[str], list[tuple[str, dict]]]:
    if not isinstance(query, dict):
        raise QueryError(_("extend must be a JSON object with ids and properties."))
    ids, props = query.get("ids"), query.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise QueryError(_("extend: ids must be a list of identifiers."))
    if not isinstance(props, list) or not props:
        raise QueryError(_("extend: properties must be a list of properties."))
    if len(ids) > MAX_IDS or len(props) > MAX_PROPERTIES:
        raise QueryError(
            _("extend: at most %(ids)s ids and %(properties)s properties.")
            % {"ids": MAX_IDS, "properties": MAX_PROPERTIES},
            status=413,
        )
    known = {p["id"] for p in properties()}
    parsed = []
    for item in props:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise QueryError(_("extend: each property needs an id."))
        if item["id"] not in known:
            raise QueryError(_("extend: unknown property %(id)s.") % {"id": item["id"]})
        settings = item.get("settings") or {}
        if not isinstance(settings, dict):
            raise QueryError(_("extend: settings must be an object."))
        parsed.append((item["id"], settings))
    return list(dict.fromkeys(ids)), parsed


def _memberships(network: Network, on: datetime.date, institutions, networks) -> dict:
    """By member id: the memberships in `network` that may be held on `on` (the one
    rule, `Membership.as_of`), with their status that day and their sources."""
    held = (
        Membership.objects.as_of(on)
        .with_known_from()
        .filter(network=network)
        .filter(
            Q(member_institution__in=[i.pk for i in institutions])
            | Q(member_network__in=[n.pk for n in networks])
        )
        .select_related("network", "member_institution", "member_network")
        .prefetch_related("sources")
        .order_by("start_date", "pk")
    )
    by_member = defaultdict(list)
    for membership in held:
        by_member[membership.member.slug].append(membership)
    return by_member


def _member_values(prop: str, memberships: list[Membership], on: datetime.date) -> list[dict]:
    if prop == MEMBER_OF:
        statuses = {m.status_on(on) for m in memberships}
        answer = YES if "confirmed" in statuses else POSSIBLY if statuses else NO
        return [{"str": answer}]
    values = []
    for m in memberships:
        if prop == "member_of_role":
            role = str(m.get_role_display())
            values.append(f"{role} ({m.label})" if m.label else role)
        elif prop == "member_of_since" and m.start_date:
            values.append(iso_partial_date(m.start_date, m.start_date_precision))
        elif prop == "member_of_until" and m.end_date:
            values.append(iso_partial_date(m.end_date, m.end_date_precision))
        elif prop == "member_of_source":
            values.extend(source.url for source in m.sources.all())
    return [{"str": value} for value in dict.fromkeys(values)]


def extend(query: Any) -> dict:
    """The data extension response for a query (parsed here): `meta` and `rows`."""
    ids, props = parse_query(query)
    names = {p["id"]: p["name"] for p in properties()}
    institutions = {
        i.slug: i
        for i in Institution.objects.filter(slug__in=ids)
        .select_related("jurisdiction")
        .prefetch_related("identifiers")
    }
    networks = {n.slug: n for n in Network.objects.filter(slug__in=ids)}

    # One query per distinct (network, date) asked: columns that share settings share it.
    asked: dict[tuple, dict] = {}
    answers: dict[int, tuple] = {}
    named: dict[str, Network] = {}
    for index, (prop, settings) in enumerate(props):
        if prop in MEMBER_OF_FAMILY:
            given = settings.get("network")
            network = named.get(given) if isinstance(given, str) else None
            if network is None:
                network = named[given] = _network(settings)
            on = _date(settings)
            key = (network.pk, on)
            if key not in asked:
                asked[key] = _memberships(network, on, institutions.values(), networks.values())
            answers[index] = (asked[key], on)

    type_label = type_names()
    meta = []
    for prop, _settings in props:
        column = {"id": prop, "name": str(names[prop])}
        if prop == "jurisdiction":
            column["type"] = {"id": JURISDICTION, "name": type_label[JURISDICTION]}
        meta.append(column)

    rows = {}
    for entity_id in ids:
        record = institutions.get(entity_id) or networks.get(entity_id)
        row = {}
        for index, (prop, _settings) in enumerate(props):
            if record is None:
                # A jurisdiction, or an id the directory does not know: no values.
                row[prop] = []
            elif prop in MEMBER_OF_FAMILY:
                by_member, on = answers[index]
                row[prop] = _member_values(prop, by_member.get(entity_id, []), on)
            else:
                row[prop] = _record_values(prop, record)
        rows[entity_id] = row
    return {"meta": meta, "rows": rows}


def _record_values(prop: str, record: Institution | Network) -> list[dict]:
    is_institution = isinstance(record, Institution)
    if prop == "jurisdiction":
        j = record.jurisdiction if is_institution else None
        return [{"id": j.code, "name": j.name}] if j else []
    if prop == "branch":
        return [{"str": str(record.get_branch_display())}] if is_institution else []
    if prop == "website":
        return [{"str": record.website}] if record.website else []
    if prop == "wikidata":
        return [{"str": qid} for qid in record.wikidata_ids()]
    if prop == "lei":
        if not is_institution:
            return [{"str": record.lei}] if record.lei else []
        return [
            {"str": i.identifier}
            for i in record.identifiers.all()
            if i.scheme == IdentifierScheme.LEI
        ]
    return []
