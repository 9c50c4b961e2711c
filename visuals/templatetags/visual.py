"""The visual views on detail pages: graph, member map, timeline, coverage, connections.

An inclusion tag rather than view context, so that the detail views stay untouched:
each tag reads the memberships once (visuals/graphs.py) and renders an accessible
table that static/js/visual.js turns into a chart.
"""

import datetime

from django import template

from networks.models import Network
from visuals import coverage as cov
from visuals import graphs

register = template.Library()

# The most member nodes a network page draws (the largest real network has far fewer).
GRAPH_NODE_LIMIT = 300
# Networks listed per sector and column in a jurisdiction's "Networks it is not in".
GAPS_SHOWN = 12


@register.inclusion_tag("includes/network_visuals.html", takes_context=True)
def network_visuals(context, network: Network, as_of: datetime.date) -> dict:
    """A constant handful of queries: the memberships' dates, the members on the date
    (when drawn), the member jurisdictions, the named joiners and leavers, and the
    networks sharing its members."""
    request = context["request"]
    group = request.GET.get("group")
    if group not in cov.GROUPS:
        group = cov.DEFAULT_GROUP
    spans = graphs.membership_spans(network)
    held = sum(1 for span in spans if span.held_on(as_of))
    # Beyond a few hundred nodes a drawing is unreadable and the page heavy: very large
    # networks offer the graph as downloads (the members table above lists them all).
    # The query runs either way, cut at one past the limit, so that the page's query
    # count does not depend on the network's size.
    rows = graphs.network_memberships(network, on=as_of, limit=GRAPH_NODE_LIMIT + 1)
    drawn = len(rows) <= GRAPH_NODE_LIMIT
    graph = graphs.network_graph(network, rows, as_of) if drawn else None
    map_rows = graphs.network_map(network, as_of)
    codes = graphs.member_codes(map_rows)
    timeline = graphs.network_timeline(spans, as_of=as_of)
    return {
        "network": network,
        "as_of": as_of,
        "as_of_param": as_of.isoformat(),
        "graph": graph,
        "graph_member_count": held,
        "graph_node_limit": GRAPH_NODE_LIMIT,
        "graph_members": sorted(
            graph["nodes"][1:], key=lambda n: (n["tier"], n.get("jurisdiction_name", ""), n["name"])
        )
        if drawn
        else [],
        "map_rows": map_rows,
        "timeline": timeline,
        # The chart draws counts only; the names are in the table beside it.
        "timeline_chart": [
            {
                key: point[key]
                for key in ("year", "members", "unknown_start", "joined_count", "left_count")
            }
            for point in timeline
        ],
        "timeline_max": max((p["members"] + p["unknown_start"] for p in timeline), default=0),
        "coverage": cov.coverage(codes, group),
        "missing_caveat": cov.missing_caveat(network),
        "regions": cov.region_summary(codes),
        "groups": list(cov.GROUPS.items()),
        "group": group,
        # A reader who chose a group sees the comparison open (#18).
        "group_chosen": "group" in request.GET,
        "sources_note": cov.sources_note(),
        "connected": graphs.connected_networks(network, as_of),
    }


@register.inclusion_tag("includes/institution_ego_graph.html")
def institution_ego_graph(institution) -> dict:
    """Two queries: the institution's memberships, and those of its networks."""
    from django.utils import timezone

    graph = graphs.ego_graph(institution, timezone.localdate())
    return {
        "institution": institution,
        "graph": graph,
        "networks": [n for n in graph["nodes"] if n["kind"] == "network"],
        "peers": [n for n in graph["nodes"][1:] if n["kind"] == "institution"],
    }


@register.inclusion_tag("includes/jurisdiction_map.html")
def jurisdiction_map() -> dict:
    """One query: the number of networks per jurisdiction today."""
    return {"rows": cov.jurisdiction_network_counts()}


@register.inclusion_tag("includes/jurisdiction_coverage.html")
def jurisdiction_coverage(jurisdiction) -> dict:
    """Three queries: the networks it is in, every active network with members, and the
    regions regional networks draw their members from."""
    sectors = cov.jurisdiction_gaps(jurisdiction)
    # A page lists a bounded number per cell, the largest networks first; the rest are a
    # link away (the network list for the sector, and the API's full answer).
    for sector in sectors:
        for key in ("in", "absent"):
            networks = sorted(sector[key], key=lambda n: (-n["members"], n["label"]))
            sector[f"{key}_shown"] = networks[:GAPS_SHOWN]
            sector[f"{key}_more"] = max(len(networks) - GAPS_SHOWN, 0)
    return {"jurisdiction": jurisdiction, "sectors": sectors}
