"""The visual views on detail pages: graph, member map, timeline, coverage, connections.

An inclusion tag rather than view context, so that the detail views stay untouched:
each tag reads the memberships once (networks/graphs.py) and renders an accessible
table that static/js/visual.js turns into a chart.
"""

import datetime

from django import template

from networks import coverage as cov
from networks import graphs
from networks.models import Network

register = template.Library()


@register.inclusion_tag("includes/network_visuals.html", takes_context=True)
def network_visuals(context, network: Network, as_of: datetime.date) -> dict:
    """Two queries: the network's memberships, and the networks sharing its members."""
    request = context["request"]
    group = request.GET.get("group")
    if group not in cov.GROUPS:
        group = cov.DEFAULT_GROUP
    rows = graphs.network_memberships(network)
    graph = graphs.network_graph(network, rows, as_of)
    held = [row for row in rows if graphs.held(row, as_of)]
    codes = graphs.member_codes(held)
    timeline = graphs.network_timeline(rows)
    return {
        "network": network,
        "as_of": as_of,
        "as_of_param": as_of.isoformat(),
        "graph": graph,
        "graph_members": sorted(
            graph["nodes"][1:], key=lambda n: (n["tier"], n.get("jurisdiction_name", ""), n["name"])
        ),
        "map_rows": graphs.network_map(rows, as_of),
        "timeline": timeline,
        "timeline_max": max((p["members"] for p in timeline), default=0),
        "coverage": cov.coverage(codes, group),
        "regions": cov.region_summary(codes),
        "groups": list(cov.GROUPS.items()),
        "group": group,
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
    """Two queries: the networks it is in, and every active network with members."""
    return {"jurisdiction": jurisdiction, "sectors": cov.jurisdiction_gaps(jurisdiction)}
