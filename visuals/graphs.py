"""Graph, map and timeline data for the visual views, each from one or two queries.

The same dictionaries feed the HTML pages (json_script + an accessible table) and the
API (api/visual.py). Nothing here runs a query per node: memberships are read once and
the graph is assembled in Python.
"""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import pycountry
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from institutions.models import Institution, Level
from networks.models import Dimension, HeldPeriod, Membership, Network, Sector
from sources.partial_dates import iso_partial_date

# Vertical networks are drawn in tiers: the network, then supranational bodies above
# their national counterparts, then subnational ones.
LEVEL_TIER = {
    Level.INTERNATIONAL: 1,
    Level.SUPRANATIONAL: 1,
    Level.NATIONAL: 2,
    Level.SUBNATIONAL: 3,
}


def institution_node(institution: Institution) -> dict:
    jurisdiction = institution.jurisdiction
    return {
        "id": f"i-{institution.slug}",
        "kind": "institution",
        "slug": institution.slug,
        "label": institution.acronym or institution.name,
        "name": institution.name,
        "url": institution.get_absolute_url(),
        "branch": institution.branch,
        "branch_label": str(institution.get_branch_display()),
        "level": institution.level,
        "level_label": str(institution.get_level_display()),
        "jurisdiction": jurisdiction.code if jurisdiction else "",
        "jurisdiction_name": jurisdiction.name if jurisdiction else "",
        "tier": LEVEL_TIER.get(institution.level, 2),
    }


def network_node(network: Network, **extra) -> dict:
    return {
        "id": f"n-{network.slug}",
        "kind": "network",
        "slug": network.slug,
        "label": network.acronym or network.name,
        "name": network.name,
        "url": network.get_absolute_url(),
        "sector": network.sector,
        "dimension": network.dimension,
        "tier": 0,
        **extra,
    }


def network_memberships(
    network: Network, on: datetime.date | None = None, limit: int | None = None
):
    """A network's memberships (all, or those held on `on`; the first `limit`), members
    joined: one query."""
    rows = network.memberships.all() if on is None else network.memberships.as_of(on)
    rows = rows.select_related(
        "member_institution__jurisdiction__parent", "member_network"
    ).order_by("start_date", "id")
    return list(rows[:limit] if limit is not None else rows)


@dataclass(frozen=True)
class Span(HeldPeriod):
    """A membership's dates only, with its member's and network's founding and
    dissolution: enough to tell when it was held (`held_on`), cheap to load."""

    pk: int
    start_date: datetime.date | None
    start_date_precision: str
    end_date: datetime.date | None
    end_date_precision: str
    member_founded_on: datetime.date | None
    member_dissolved_on: datetime.date | None
    network_founded_on: datetime.date | None
    network_dissolved_on: datetime.date | None


def membership_spans(network: Network) -> list[Span]:
    """The dates of all a network's memberships: one query, no model instances (a
    network with thousands of memberships over its history stays cheap)."""
    fields = ("pk", "start_date", "start_date_precision", "end_date", "end_date_precision")
    # The member is an institution or a network: its dates from whichever it is.
    lifetime = [
        Coalesce(f"member_institution__{field}", f"member_network__{field}")
        for field in ("founded_on", "dissolved_on")
    ]
    rows = network.memberships.order_by("start_date", "pk").values_list(*fields, *lifetime)
    return [Span(*values, network.founded_on, network.dissolved_on) for values in rows]


def member_codes(areas: list[dict]) -> set[str]:
    """ISO 3166-1 codes of the states the members belong to, from `network_map`'s areas
    (a subdivision counts for its state; international bodies for none)."""
    return {area["code"] for area in areas}


def network_graph(network: Network, rows: list[Membership], on: datetime.date) -> dict:
    """The network and its members on the date, as nodes and edges."""
    nodes = [network_node(network)]
    edges = []
    seen = set()
    for row in rows:
        if not row.held_on(on):
            continue
        if row.member_institution:
            node = institution_node(row.member_institution)
        else:
            node = network_node(row.member_network, tier=1)
        if node["id"] not in seen:
            seen.add(node["id"])
            nodes.append(node)
        edges.append(
            {
                "id": f"m-{row.pk}",
                "source": node["id"],
                "target": nodes[0]["id"],
                "role": row.role,
                "role_label": str(row.get_role_display()),
                "weight": 1,
            }
        )
    return {
        "as_of": on.isoformat(),
        "vertical": network.dimension == "vertical",
        **_graph(nodes, edges),
    }


def _graph(nodes: list[dict], edges: list[dict]) -> dict:
    return {"nodes": nodes, "edges": edges}


def member_state() -> dict:
    """Annotations naming a membership's member state (`state_code`, `state_name`,
    `state_slug`): a subdivision's institutions count for their state."""
    j = "member_institution__jurisdiction"
    return {
        f"state_{field}": Coalesce(f"{j}__parent__{field}", f"{j}__{field}")
        for field in ("code", "name", "slug")
    }


def map_areas(rows) -> list[dict]:
    """Map areas from rows grouped by `member_state()` with a `count`."""
    return [
        {
            "code": row["state_code"],
            "name": row["state_name"],
            "url": reverse("institutions:jurisdiction-detail", kwargs={"slug": row["state_slug"]}),
            "numeric": iso_numeric(row["state_code"]),
            "count": row["count"],
        }
        for row in rows
    ]


def network_map(network: Network, on: datetime.date) -> list[dict]:
    """Member jurisdictions on the date with their number of member institutions (a
    subdivision's institutions count for its state): one grouped query."""
    return map_areas(
        Membership.objects.as_of(on)
        .filter(network=network, member_institution__jurisdiction__isnull=False)
        .values(**member_state())
        .annotate(count=Count("pk"))
        .order_by("state_name", "state_code")
    )


def iso_numeric(code: str) -> str:
    """ISO 3166-1 numeric code, which world-atlas uses as its feature ids."""
    country = pycountry.countries.get(alpha_2=code)
    return country.numeric if country else ""


# Names listed per year and direction on the timeline; the counts are always complete.
TIMELINE_NAMES = 10


def network_timeline(
    rows: list[Membership] | list[Span],
    today: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> list[dict]:
    """Per year since the first recorded start or end: members at the year's end (the
    last year: on its last day shown), and who joined and left during it (the first
    TIMELINE_NAMES of each, with counts; their names in one more query).

    Only known events are drawn: `members` counts the memberships whose start is
    recorded; those whose start is unknown are counted apart, as `unknown_start`, in the
    years they may have been held (from the founding of their member and network, as
    far as known; never from the first year drawn, which would invent a founding cliff).
    Both respect the member's and network's founding and dissolution (`held_on`).

    The timeline is the history up to today; an `as_of` date after today carries it on
    to that date, so that joins and departures already recorded for later are shown.
    An earlier `as_of` changes nothing: the history stays whole.

    One pass over the rows: each membership adds one to the years it was held at their
    end (a difference array), so a network with thousands of members over decades costs
    rows + years, not rows x years.
    """
    today = today or timezone.localdate()
    last = max(today, as_of) if as_of else today
    starts = [row.start_date.year for row in rows if row.start_date]
    ends = [row.end_date.year for row in rows if row.end_date]
    if not rows or not (starts or ends):
        return []
    first = min(starts + ends)
    if first > last.year:
        return []  # only joins recorded after the last day shown
    # Per series (start recorded or not): +1 from the first year-end it is held at, -1
    # after the last.
    delta: dict[bool, Counter] = {True: Counter(), False: Counter()}
    joined, left = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.start_date:
            joined[row.start_date.year].append(row)
        if row.end_date:
            left[row.end_date.year].append(row)
        first_day, last_day = row.first_day()[0], row.last_day()[0]
        # Held at the end of every year from the year it first counts (or the first year
        # drawn) to the year it last counts on 31 December.
        low = max(first_day.year, first) if first_day else first
        high = last.year
        if last_day is not None:
            high = min(
                high,
                last_day.year if last_day.month == 12 and last_day.day == 31 else last_day.year - 1,
            )
        if low <= high:
            delta[row.start_date is not None][low] += 1
            delta[row.start_date is not None][high + 1] -= 1
    # The members named on the timeline (TIMELINE_NAMES per year and direction).
    named = _named_members(
        {
            row.pk
            for year_rows in (*joined.values(), *left.values())
            for row in year_rows[:TIMELINE_NAMES]
        },
    )
    points, known, unknown = [], 0, 0
    for year in range(first, last.year + 1):
        known += delta[True][year]
        unknown += delta[False][year]
        points.append(
            {
                "year": year,
                "members": known,
                "unknown_start": unknown,
                "joined_count": len(joined[year]),
                "left_count": len(left[year]),
                "joined": [
                    _event(named[r.pk], r.start_date, r.start_date_precision)
                    for r in joined[year][:TIMELINE_NAMES]
                ],
                "left": [
                    _event(named[r.pk], r.end_date, r.end_date_precision)
                    for r in left[year][:TIMELINE_NAMES]
                ],
            }
        )
    # The last year's point counts the members on the last day, not at 31 December.
    held = [row for row in rows if row.held_on(last)]
    points[-1]["members"] = sum(1 for row in held if row.start_date)
    points[-1]["unknown_start"] = sum(1 for row in held if not row.start_date)
    return points


def _named_members(pks: set[int]) -> dict[int, tuple[str, str, str]]:
    """(member name, member page, role) per membership, in one query of plain values (no
    model instances; a timeline can name hundreds)."""
    if not pks:
        return {}
    # One reverse() per kind of page, not one per member.
    pages = {
        kind: reverse(f"{app}:{kind}-detail", kwargs={"slug": "-slug-"})
        for app, kind in (("institutions", "institution"), ("networks", "network"))
    }
    member_fields = [
        f"{prefix}__{field}"
        for prefix in ("member_institution", "member_network")
        for field in ("name", "acronym", "slug")
    ]
    named = {}
    values = Membership.objects.filter(pk__in=pks).values_list("pk", "role", *member_fields)
    for pk, role, i_name, i_acronym, i_slug, n_name, n_acronym, n_slug in values:
        kind, name, acronym, slug = (
            ("institution", i_name, i_acronym, i_slug)
            if i_slug
            else ("network", n_name, n_acronym, n_slug)
        )
        label = f"{name} ({acronym})" if acronym else name
        named[pk] = (label, pages[kind].replace("-slug-", slug), role)
    return named


def _event(member: tuple[str, str, str], date: datetime.date, precision: str) -> dict:
    name, url, role = member
    return {"name": name, "url": url, "date": iso_partial_date(date, precision), "role": role}


def connected_networks(network: Network, on: datetime.date, limit: int = 12) -> list[dict]:
    """Networks sharing member institutions with this one on the date: one query."""
    members = Membership.objects.as_of(on).filter(network=network, member_institution__isnull=False)
    rows = (
        Membership.objects.as_of(on)
        .filter(member_institution__in=members.values("member_institution"))
        .exclude(network=network)
        .values("network__slug", "network__name", "network__acronym")
        .annotate(shared=Count("member_institution", distinct=True))
        .order_by("-shared", "network__name")[:limit]
    )
    return [
        {
            "slug": row["network__slug"],
            "name": row["network__name"],
            "label": row["network__acronym"] or row["network__name"],
            "url": Network(slug=row["network__slug"]).get_absolute_url(),
            "shared": row["shared"],
        }
        for row in rows
    ]


def lattice(networks: list[Network], on: datetime.date) -> dict:
    """Networks linked by shared member institutions (weight = how many), and networks
    that are members of other networks. Two queries in all: networks, memberships."""
    by_id = {network.pk: network for network in networks}
    rows = (
        Membership.objects.as_of(on)
        .filter(network__in=list(by_id))
        .order_by("pk")  # networks-in-networks edges in a stable order
        .values_list("network_id", "member_institution_id", "member_network_id")
    )
    networks_of: dict[int, set[int]] = defaultdict(set)
    member_counts: Counter = Counter()
    member_of = []
    for network_id, institution_id, member_network_id in rows:
        if institution_id:
            networks_of[institution_id].add(network_id)
            member_counts[network_id] += 1
        elif member_network_id in by_id:
            member_of.append((member_network_id, network_id))
            member_counts[network_id] += 1
    overlap: Counter = Counter()
    for network_ids in networks_of.values():
        for pair in itertools.combinations(sorted(network_ids), 2):
            overlap[pair] += 1
    # Labels translated once, not per node (get_FOO_display is slow in bulk).
    sector_labels = {value: str(label) for value, label in Sector.choices}
    dimension_labels = {value: str(label) for value, label in Dimension.choices}
    nodes = [
        network_node(
            network,
            members=member_counts[network.pk],
            sector_label=sector_labels.get(network.sector, network.sector),
            dimension_label=dimension_labels.get(network.dimension, network.dimension),
        )
        for network in networks
    ]
    node_id = {network.pk: f"n-{network.slug}" for network in networks}
    edges = [
        {
            "id": f"o-{a}-{b}",
            "source": node_id[a],
            "target": node_id[b],
            "kind": "overlap",
            "weight": weight,
        }
        for (a, b), weight in sorted(overlap.items(), key=lambda item: (-item[1], item[0]))
    ]
    edges += [
        {
            "id": f"p-{member}-{parent}",
            "source": node_id[member],
            "target": node_id[parent],
            "kind": "member",
            "weight": 1,
        }
        for member, parent in member_of
    ]
    return {"as_of": on.isoformat(), **_graph(nodes, edges)}


def ego_graph(institution: Institution, on: datetime.date, limit: int = 10) -> dict:
    """The institution, its networks on the date, and the institutions it shares the
    most networks with. Two queries: its memberships, and its networks' memberships."""
    own = list(
        Membership.objects.as_of(on)
        .filter(member_institution=institution)
        .select_related("network")
        .order_by("network__name")
    )
    centre = institution_node(institution)
    centre["tier"] = 0
    networks = {row.network_id: row.network for row in own}
    co = (
        Membership.objects.as_of(on)
        .filter(network_id__in=list(networks), member_institution__isnull=False)
        .exclude(member_institution=institution)
        .select_related("member_institution__jurisdiction")
    )
    shared: dict[int, set[int]] = defaultdict(set)
    others: dict[int, Institution] = {}
    for row in co:
        shared[row.member_institution_id].add(row.network_id)
        others[row.member_institution_id] = row.member_institution
    top = sorted(shared, key=lambda pk: (-len(shared[pk]), others[pk].name))[:limit]
    nodes = [centre] + [network_node(n, tier=1) for n in networks.values()]
    edges = [
        {
            "id": f"m-{row.pk}",
            "source": centre["id"],
            "target": f"n-{row.network.slug}",
            "kind": "member",
            "weight": 1,
        }
        for row in own
    ]
    for pk in top:
        node = institution_node(others[pk])
        node["tier"] = 2
        node["shared"] = len(shared[pk])
        nodes.append(node)
        edges += [
            {
                "id": f"c-{pk}-{network_id}",
                "source": node["id"],
                "target": f"n-{networks[network_id].slug}",
                "kind": "member",
                "weight": 1,
            }
            for network_id in sorted(shared[pk])
        ]
    return {"as_of": on.isoformat(), **_graph(nodes, edges)}


# --- Exports for Gephi and networkx -------------------------------------------------------

NODE_KEYS = ("label", "name", "kind", "url", "branch", "jurisdiction", "sector", "dimension")


def to_graphml(graph: dict) -> bytes:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    for key in NODE_KEYS:
        ET.SubElement(
            root, "key", id=key, attrib={"for": "node", "attr.name": key, "attr.type": "string"}
        )
    ET.SubElement(
        root,
        "key",
        id="weight",
        attrib={"for": "edge", "attr.name": "weight", "attr.type": "double"},
    )
    body = ET.SubElement(root, "graph", id="G", edgedefault="undirected")
    for node in graph["nodes"]:
        element = ET.SubElement(body, "node", id=node["id"])
        for key in NODE_KEYS:
            if node.get(key):
                ET.SubElement(element, "data", key=key).text = str(node[key])
    for edge in graph["edges"]:
        element = ET.SubElement(
            body, "edge", id=edge["id"], source=edge["source"], target=edge["target"]
        )
        ET.SubElement(element, "data", key="weight").text = str(edge.get("weight", 1))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_gexf(graph: dict) -> bytes:
    root = ET.Element("gexf", xmlns="http://gexf.net/1.3", version="1.3")
    body = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    attributes = ET.SubElement(body, "attributes", attrib={"class": "node"})
    keys = [key for key in NODE_KEYS if key != "label"]
    for index, key in enumerate(keys):
        ET.SubElement(attributes, "attribute", id=str(index), title=key, type="string")
    nodes = ET.SubElement(body, "nodes")
    for node in graph["nodes"]:
        element = ET.SubElement(nodes, "node", id=node["id"], label=str(node["label"]))
        values = ET.SubElement(element, "attvalues")
        for index, key in enumerate(keys):
            if node.get(key):
                ET.SubElement(
                    values, "attvalue", attrib={"for": str(index), "value": str(node[key])}
                )
    edges = ET.SubElement(body, "edges")
    for edge in graph["edges"]:
        ET.SubElement(
            edges,
            "edge",
            id=edge["id"],
            source=edge["source"],
            target=edge["target"],
            weight=str(edge.get("weight", 1)),
        )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def lattice_networks(query: dict) -> tuple[list[Network], datetime.date]:
    """The networks the lattice draws on a date, narrowed by sector, dimension or function
    (the page and the API read the same query)."""
    on = query.get("as_of") or timezone.localdate()
    networks = Network.objects.active(on).order_by("name")
    if query.get("sector"):
        networks = networks.filter(sector=query["sector"])
    if query.get("dimension"):
        networks = networks.filter(dimension=query["dimension"])
    if query.get("function"):
        networks = networks.with_function(query["function"])
    return list(networks), on


# --- The lattice as a matrix, and one network's neighbourhood ------------------------------

# The matrix's shades: fixed ranges of shared members (most pairs share a few, some
# dozens), the same in every view, so that a shade means one thing on every page.
MATRIX_BINS = ((1, 1), (2, 4), (5, 9), (10, 19), (20, None))
MATRIX_LEVELS = len(MATRIX_BINS)


def matrix_level(count: int) -> int:
    """The shade (1 to MATRIX_LEVELS) of a count of shared members; 0 for none."""
    return sum(1 for low, _ in MATRIX_BINS if count >= low)


def lattice_neighbours(graph: dict, node_id: str) -> list[dict]:
    """The networks linked to one node of `lattice`'s graph, the most shared members
    first: each with `shared` (member institutions in common) and how it is linked
    (`member_of`: it is a member of the node; `has_member`: the node is its member)."""
    nodes = {node["id"]: node for node in graph["nodes"]}
    found: dict[str, dict] = {}
    for edge in graph["edges"]:
        if node_id not in (edge["source"], edge["target"]):
            continue
        other = edge["target"] if edge["source"] == node_id else edge["source"]
        entry = found.setdefault(
            other, {**nodes[other], "shared": 0, "member_of": False, "has_member": False}
        )
        if edge["kind"] == "overlap":
            entry["shared"] = edge["weight"]
        elif edge["source"] == other:
            entry["member_of"] = True
        else:
            entry["has_member"] = True
    return sorted(found.values(), key=lambda n: (-n["shared"], n["name"].casefold()))


def shared_matrix(graph: dict, keep: set[str] | None = None) -> dict:
    """`lattice`'s graph as a networks x networks matrix of shared member institutions,
    grouped by sector (the largest sector first, names in order within one) so that a
    sector's block sits on the diagonal. Networks sharing no member with another shown
    are listed apart (`isolated`), not drawn as empty rows. `keep`: the node ids to show
    (a focus and its neighbours); all by default. Rows come in `groups`, one per sector,
    in the columns' order. Each cell has a `level` of 1 to MATRIX_LEVELS for its
    shading (MATRIX_BINS); `levels` names those the counts shown reach."""
    nodes = [n for n in graph["nodes"] if keep is None or n["id"] in keep]
    shown = {n["id"] for n in nodes}
    weight: dict[tuple[str, str], int] = {}
    for edge in graph["edges"]:
        if edge["kind"] == "overlap" and edge["source"] in shown and edge["target"] in shown:
            weight[edge["source"], edge["target"]] = weight[edge["target"], edge["source"]] = edge[
                "weight"
            ]
    linked = {source for source, _ in weight}
    sizes = Counter(n["sector"] for n in nodes if n["id"] in linked)
    order = sorted(
        (n for n in nodes if n["id"] in linked),
        key=lambda n: (-sizes[n["sector"]], n["sector_label"], n["name"].casefold()),
    )
    top = max(weight.values(), default=0)
    rows = [
        {
            **node,
            "cells": [
                {
                    "column": other["id"],
                    "self": other["id"] == node["id"],
                    "weight": weight.get((node["id"], other["id"]), 0),
                    "level": matrix_level(weight.get((node["id"], other["id"]), 0)),
                }
                for other in order
            ],
        }
        for node in order
    ]
    # A sector's rows together, as the table's row groups and column groups.
    groups: list[dict] = []
    for row in rows:
        if not groups or groups[-1]["sector"] != row["sector"]:
            groups.append({"sector": row["sector"], "label": row["sector_label"], "rows": []})
        groups[-1]["rows"].append(row)
    # The shading's key: the range of counts each level stands for.
    levels = [
        {"level": level, "low": low, "high": high}
        for level, (low, high) in enumerate(MATRIX_BINS, start=1)
        if low <= top
    ]
    return {
        "columns": order,
        "groups": groups,
        "levels": levels,
        "isolated": [n for n in nodes if n["id"] not in linked],
    }
