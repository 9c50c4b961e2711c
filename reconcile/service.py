"""Reconciliation queries and suggestions (Reconciliation Service API v0.2): a batch read,
checked, matched against the records once loaded, and answered."""

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from . import matching
from .index import INSTITUTION, TYPE_IDS, load_entries, type_descriptions, type_names

# The most queries one batch may hold (the manifest's `batchSize`; more answers 413).
MAX_BATCH = 100
DEFAULT_LIMIT = 10
# Longer than any name in the directory; a longer query only costs more to score.
MAX_QUERY_LENGTH = 150
MAX_LIMIT = 100
# Query properties a reconciliation query may constrain candidates by (institutions only).
QUERY_PROPERTIES = ("jurisdiction", "branch")
# A query given only properties, no name: every record meeting them, at this score.
PROPERTIES_ONLY_SCORE = 50.0
SUGGEST_PAGE = 10
_QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict"}


class QueryError(ValueError):
    """A request the service refuses; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def read_json(text: str, what: str) -> Any:
    """The JSON in `text`; QueryError when it is not JSON, or holds a NUL character
    (PostgreSQL refuses text containing one, as ops/nul.py says of the query string)."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        raise QueryError(_("%(what)s is not valid JSON.") % {"what": what}) from None
    except RecursionError:
        raise QueryError(_("%(what)s is nested too deeply.") % {"what": what}) from None
    if _depth(value) > MAX_DEPTH:
        raise QueryError(_("%(what)s is nested too deeply.") % {"what": what})
    if _holds_nul(value):
        raise QueryError(_("%(what)s contains a NUL character.") % {"what": what})
    return value


# A batch is {id: {query, type, limit, properties: [{pid, v}]}}: v may be an object
# ({"id": …}), so five levels; any deeper is not a reconciliation query.
MAX_DEPTH = 6


def _depth(value: Any) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


@dataclass
class Query:
    """One reconciliation query of a batch, checked."""

    text: str
    types: list[str]
    limit: int
    # Property id -> the normalised values any one of which a candidate must have.
    constraints: dict[str, set[str]]


def _types(value: Any, key: str) -> list[str]:
    types = [value] if isinstance(value, str) else value
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise QueryError(
            _("Query %(key)s: type must be a type id or a list of them.") % {"key": key}
        )
    unknown = [t for t in types if t not in TYPE_IDS]
    if unknown:
        raise QueryError(
            _("Query %(key)s: unknown type %(type)s; the types are %(types)s.")
            % {"key": key, "type": unknown[0], "types": ", ".join(TYPE_IDS)}
        )
    return types


def _constraints(value: Any, key: str) -> dict[str, set[str]]:
    if not isinstance(value, list):
        raise QueryError(_("Query %(key)s: properties must be a list.") % {"key": key})
    constraints: dict[str, set[str]] = {}
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise QueryError(
                _("Query %(key)s: each property needs a pid and a value v.") % {"key": key}
            )
        pid = item["pid"]
        if pid not in QUERY_PROPERTIES:
            raise QueryError(
                _("Query %(key)s: unknown property %(pid)s; a query may give %(pids)s.")
                % {"key": key, "pid": pid, "pids": ", ".join(QUERY_PROPERTIES)}
            )
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        keys = set()
        for v in values:
            # A reconciled value ({"id": "DE", "name": "Germany"}) is matched by its id.
            v = v.get("id") if isinstance(v, dict) else v
            if isinstance(v, bool) or not isinstance(v, str | int | float):
                raise QueryError(
                    _("Query %(key)s: the value of %(pid)s must be text or an entity.")
                    % {"key": key, "pid": pid}
                )
            if normalised := matching.normalise(str(v)):
                keys.add(normalised)
        # An empty cell constrains nothing.
        if keys:
            constraints.setdefault(pid, set()).update(keys)
    return constraints


def parse_batch(batch: Any) -> dict[str, Query]:
    """The batch as `Query` objects by their keys; QueryError when it is malformed."""
    if not isinstance(batch, dict):
        raise QueryError(_("queries must be a JSON object of queries by their keys."))
    if len(batch) > MAX_BATCH:
        raise QueryError(
            _("A batch holds at most %(max)s queries.") % {"max": MAX_BATCH}, status=413
        )
    queries = {}
    for key, raw in batch.items():
        if not isinstance(raw, dict):
            raise QueryError(_("Query %(key)s must be an object.") % {"key": key})
        extra = set(raw) - _QUERY_FIELDS
        if extra:
            raise QueryError(
                _("Query %(key)s: unknown field %(field)s.")
                % {"key": key, "field": sorted(extra)[0]}
            )
        text = raw.get("query", "")
        if not isinstance(text, str):
            raise QueryError(_("Query %(key)s: query must be text.") % {"key": key})
        # A name, not a document: difflib's time grows with the square of the length.
        if len(text) > MAX_QUERY_LENGTH:
            raise QueryError(
                _("Query %(key)s: a query is at most %(max)s characters.")
                % {"key": key, "max": MAX_QUERY_LENGTH}
            )
        limit = raw.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise QueryError(_("Query %(key)s: limit must be a positive integer.") % {"key": key})
        constraints = _constraints(raw.get("properties", []), key)
        if not text.strip() and not constraints:
            raise QueryError(
                _("Query %(key)s: give a query, or properties to match.") % {"key": key}
            )
        types = _types(raw["type"], key) if "type" in raw else list(TYPE_IDS)
        queries[key] = Query(
            text=text.strip(),
            types=types,
            limit=min(limit, MAX_LIMIT),
            constraints=constraints,
        )
    return queries


def _meets(entry: matching.Entry, constraints: dict[str, set[str]]) -> bool:
    return all(entry.properties.get(pid, frozenset()) & keys for pid, keys in constraints.items())


def _candidate(scored: matching.Scored, names: dict[str, str], *, match: bool) -> dict:
    entry = scored.entry
    candidate = {
        "id": entry.id,
        "name": entry.name,
        "score": scored.score,
        "match": match,
        "type": [{"id": entry.type, "name": names[entry.type]}],
        # Which kind of name matched: clients may weigh them their own way.
        "features": [{"id": f"{scored.kind}_match", "value": True}],
    }
    if entry.description:
        candidate["description"] = entry.description
    return candidate


def reconcile(batch: Any) -> dict[str, dict]:
    """The reconciliation result batch for a query batch (parsed here)."""
    queries = parse_batch(batch)
    wanted = {t for query in queries.values() for t in query.types}
    index = matching.Index(load_entries(wanted))
    names = type_names()
    results = {}
    for key, query in queries.items():

        def allowed(entry: matching.Entry, query: Query = query) -> bool:
            return entry.type in query.types and _meets(entry, query.constraints)

        if query.text:
            ranked = index.rank(query.text, allowed)
        else:
            ranked = [
                matching.Scored(entry, PROPERTIES_ONLY_SCORE, "properties")
                for entry in sorted(index.entries, key=lambda e: e.name)
                if allowed(entry)
            ]
        match = matching.is_match(ranked)
        results[key] = {
            "result": [
                _candidate(scored, names, match=match and i == 0)
                for i, scored in enumerate(ranked[: query.limit])
            ]
        }
    return results


def _page(params: Any) -> tuple[str, int]:
    prefix = params.get("prefix", "")
    try:
        cursor = int(params.get("cursor") or 0)
    except ValueError:
        raise QueryError(_("cursor must be a whole number.")) from None
    if cursor < 0:
        raise QueryError(_("cursor must be a whole number."))
    return prefix, cursor


def suggest_entities(params: Any) -> dict:
    """Records whose name, acronym or other name begins with the prefix (or has a word
    that does), best first: the whole name, then its beginning, then a word's."""
    prefix, cursor = _page(params)
    prefix = prefix[:MAX_QUERY_LENGTH]
    types = _types(params.getlist("type"), "suggest") if params.getlist("type") else TYPE_IDS
    key = matching.normalise(prefix)
    if not key:
        return {"result": []}
    found = []
    for entry in load_entries(set(types)):
        ranks = [0] if prefix == entry.id else []
        for name in entry.keys:
            if name == key:
                ranks.append(1)
            elif name.startswith(key):
                ranks.append(2)
            elif f" {key}" in f" {name}":
                ranks.append(3)
        if ranks:
            found.append((min(ranks), entry.name, entry.id, entry))
    found.sort(key=lambda item: item[:3])
    names = type_names()
    result = []
    for *_sort, entry in found[cursor : cursor + SUGGEST_PAGE]:
        item = {
            "id": entry.id,
            "name": entry.name,
            "notable": [{"id": entry.type, "name": names[entry.type]}],
        }
        if entry.description:
            item["description"] = entry.description
        result.append(item)
    return {"result": result}


def _by_prefix(items: list[dict], prefix: str, cursor: int) -> dict:
    """The items whose id, or a word of whose name, begins with the prefix."""
    key = matching.normalise(prefix)
    chosen = [
        item
        for item in items
        if matching.normalise(item["id"]).startswith(key)
        or f" {key}" in f" {matching.normalise(item['name'])}"
    ]
    return {"result": chosen[cursor : cursor + SUGGEST_PAGE]}


def all_types() -> list[dict]:
    names, descriptions = type_names(), type_descriptions()
    return [{"id": t, "name": names[t], "description": descriptions[t]} for t in TYPE_IDS]


def suggest_types(params: Any) -> dict:
    prefix, cursor = _page(params)
    return _by_prefix(all_types(), prefix, cursor)


def query_properties() -> list[dict]:
    """The properties a reconciliation query may give (the property suggest lists them)."""
    return [
        {
            "id": "jurisdiction",
            "name": _("Jurisdiction"),
            "description": _("Of an institution: its country or jurisdiction, by code or name."),
        },
        {
            "id": "branch",
            "name": _("Branch"),
            "description": _("Of an institution: central bank, regulator, judiciary…"),
        },
    ]


def suggest_properties(params: Any) -> dict:
    prefix, cursor = _page(params)
    return _by_prefix(query_properties(), prefix, cursor)


def default_types() -> list[dict]:
    names = type_names()
    # Institutions first: most lists are lists of agencies.
    order = [INSTITUTION, *(t for t in TYPE_IDS if t != INSTITUTION)]
    return [{"id": t, "name": names[t]} for t in order]
