"""The visual views: graph, map, timeline, coverage and lattice data, their API twins,
their exports and their query counts (pinned, the same for a small and a large world)."""

import datetime
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from institutions.models import Branch, Level
from networks.models import Dimension, Network
from tests.factories import make_institution, make_jurisdiction, make_membership, make_network
from tests.shared_rows import shared_rows
from visuals import coverage, graphs

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_g20_reference_group_holds_the_nineteen_member_states():
    codes = {country.code for country in coverage.group_members("g20")}
    assert len(codes) == 19
    assert {"DE", "FR", "IT", "US", "GB", "ZA"} <= codes
    assert "NL" not in codes  # in the G20 only through the EU
    assert len(coverage.group_members("un")) == 193


def test_the_world_bank_income_groups_split_the_classified_un_member_states():
    groups = ["income-high", "income-upper-middle", "income-lower-middle", "income-low"]
    members = {g: {c.code for c in coverage.group_members(g)} for g in groups}
    # Each classified state is in exactly one income group, and every one is a UN member.
    assert sum(len(codes) for codes in members.values()) == len(set().union(*members.values()))
    un = {c.code for c in coverage.group_members("un")}
    assert set().union(*members.values()) <= un
    assert len(un - set().union(*members.values())) < 5  # the few left unclassified
    assert {"US", "DE", "JP"} <= members["income-high"]
    assert "IN" in members["income-lower-middle"]
    assert "AF" in members["income-low"]
    result = coverage.coverage({"US", "AF"}, "income-low")
    assert [c.code for c in result["covered"]] == ["AF"]
    assert "US" not in {c.code for c in result["missing"]}


def test_coverage_splits_a_group_into_members_and_absentees():
    result = coverage.coverage({"US", "GB", "DE"}, "g7")
    assert [c.code for c in result["covered"]] == ["DE", "GB", "US"]
    assert {c.code for c in result["missing"]} == {"CA", "FR", "IT", "JP"}
    europe = next(row for row in coverage.region_summary({"DE"}) if row["region"] == "europe")
    assert europe["covered"] == 1 and europe["missing"] == europe["total"] - 1


@pytest.fixture
def vertical_network():
    eu = make_jurisdiction(code="EU", name="European Union", kind="union", region="", subregion="")
    de = make_jurisdiction(code="DE", name="Germany")
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    network = make_network(slug="courts", dimension=Dimension.VERTICAL)
    ecj = make_institution(
        slug="ecj", jurisdiction=eu, level=Level.SUPRANATIONAL, branch=Branch.JUDICIARY
    )
    bverfg = make_institution(slug="bverfg", jurisdiction=de, branch=Branch.JUDICIARY)
    conseil = make_institution(slug="conseil", jurisdiction=fr, branch=Branch.JUDICIARY)
    make_membership(network=network, member_institution=ecj, start_date=D(1952, 1, 1))
    make_membership(network=network, member_institution=bverfg, start_date=D(1990, 1, 1))
    make_membership(
        network=network,
        member_institution=conseil,
        start_date=D(1995, 1, 1),
        end_date=D(2000, 6, 1),
        end_reason="withdrawn",
    )
    return network


def test_the_graph_puts_the_supranational_body_above_its_national_counterparts(
    vertical_network,
):
    rows = graphs.network_memberships(vertical_network)
    graph = graphs.network_graph(vertical_network, rows, D(2020, 1, 1))
    tiers = {node["slug"]: node["tier"] for node in graph["nodes"]}
    assert graph["vertical"] is True
    assert tiers == {"courts": 0, "ecj": 1, "bverfg": 2}
    assert {edge["target"] for edge in graph["edges"]} == {"n-courts"}
    # On an earlier date the departed member is back in the graph.
    earlier = graphs.network_graph(vertical_network, rows, D(1998, 1, 1))
    assert "i-conseil" in {node["id"] for node in earlier["nodes"]}


def test_the_timeline_counts_members_per_year_with_joins_and_departures(vertical_network):
    rows = graphs.network_memberships(vertical_network)
    spans = graphs.membership_spans(vertical_network)
    points = {p["year"]: p for p in graphs.network_timeline(spans, today=D(2024, 5, 1))}
    assert points == {p["year"]: p for p in graphs.network_timeline(rows, today=D(2024, 5, 1))}
    assert points[1952]["members"] == 1
    assert points[1995]["members"] == 3
    assert [e["name"] for e in points[2000]["left"]] == [str(rows[2].member_institution)]
    assert points[2001]["members"] == 2
    assert max(points) == 2024


def test_the_timeline_agrees_with_the_as_of_rule_on_every_year_end():
    """The one-pass count against the definition: members held on each 31 December,
    those with a recorded start and the others apart, within the lifetimes of the
    members and the network."""
    import random

    from sources.partial_dates import DatePrecision

    randomly = random.Random(7)
    network = make_network(slug="many", founded_on=D(1955, 1, 1), founded_on_precision="year")
    precisions = list(DatePrecision.values)
    for n in range(120):
        start = D(randomly.randint(1950, 2023), randomly.randint(1, 12), 1)
        end, precision = None, randomly.choice(precisions)
        if randomly.random() < 0.6:
            end = start + datetime.timedelta(days=randomly.randint(400, 9000))
            end = {"year": end.replace(month=1, day=1), "month": end.replace(day=1)}.get(
                precision, end
            )
            end = end if end < D(2024, 4, 30) else None
        # Some members founded or dissolved (synthetic dates), some undated.
        founded = D(randomly.randint(1940, 2020), 1, 1) if n % 3 == 0 else None
        dissolved = (
            D(randomly.randint(2021, 2023), randomly.randint(1, 12), 1) if n % 11 == 0 else None
        )
        make_membership(
            network=network,
            member_institution=make_institution(
                slug=f"m{n}",
                founded_on=founded,
                founded_on_precision="year",
                dissolved_on=dissolved,
            ),
            start_date=None if n % 5 == 0 else start,
            end_date=end,
            end_date_precision=precision if end else "day",
        )
    rows = graphs.network_memberships(network)
    today = D(2024, 5, 1)
    timeline = graphs.network_timeline(rows, today=today)
    # The lighter rows the pages read give the same timeline.
    assert graphs.network_timeline(graphs.membership_spans(network), today=today) == timeline
    assert any(point["unknown_start"] for point in timeline)
    for point in timeline:
        on = min(D(point["year"], 12, 31), today)
        held = [row for row in rows if row.held_on(on)]
        assert point["members"] == sum(1 for row in held if row.start_date), point["year"]
        assert point["unknown_start"] == sum(1 for row in held if not row.start_date)
        assert point["joined_count"] == sum(
            1 for row in rows if row.start_date and row.start_date.year == point["year"]
        )
        assert len(point["joined"]) == min(point["joined_count"], graphs.TIMELINE_NAMES)


def test_a_later_as_of_carries_the_timeline_on_and_an_earlier_one_changes_nothing():
    network = make_network()
    today = D(2024, 5, 1)
    make_membership(network=network, start_date=D(2020, 1, 1))
    make_membership(network=network, start_date=D(2021, 3, 1), end_date=D(2026, 6, 30))
    make_membership(network=network, start_date=D(2027, 1, 1), start_date_precision="year")
    spans = graphs.membership_spans(network)
    history = graphs.network_timeline(spans, today=today)
    assert [p["year"] for p in history] == [2020, 2021, 2022, 2023, 2024]
    assert graphs.network_timeline(spans, today=today, as_of=D(2001, 1, 1)) == history
    later = graphs.network_timeline(spans, today=today, as_of=D(2028, 3, 1))
    assert later[: len(history) - 1] == history[:-1]
    assert [(p["year"], p["members"]) for p in later[-4:]] == [
        (2025, 2),
        (2026, 1),  # one left in June 2026
        (2027, 2),  # one joins in 2027
        (2028, 2),  # on 1 March 2028
    ]
    assert [e["date"] for e in later[-2]["joined"]] == ["2027"]
    # Only joins after the last day shown: nothing to draw yet.
    future_only = make_network()
    make_membership(network=future_only, start_date=D(2030, 1, 1))
    assert graphs.network_timeline(graphs.membership_spans(future_only), today=today) == []


def test_the_member_map_counts_institutions_per_jurisdiction(vertical_network):
    areas = {row["code"]: row for row in graphs.network_map(vertical_network, D(1998, 1, 1))}
    assert set(areas) == {"EU", "DE", "FR"}
    assert areas["DE"]["numeric"] == "276"
    assert areas["EU"]["numeric"] == ""


def test_the_lattice_weighs_links_by_shared_members_and_shows_networks_in_networks():
    a, b, c = (make_network(slug=slug) for slug in ("a", "b", "c"))
    shared = [make_institution() for _ in range(3)]
    for institution in shared:
        make_membership(network=a, member_institution=institution)
        make_membership(network=b, member_institution=institution)
    make_membership(network=c, member_network=a)
    graph = graphs.lattice(list(Network.objects.order_by("slug")), D.today())
    edges = {(e["source"], e["target"], e["kind"]): e["weight"] for e in graph["edges"]}
    assert edges == {("n-a", "n-b", "overlap"): 3, ("n-a", "n-c", "member"): 1}


def test_the_ego_graph_ranks_peers_by_shared_networks():
    me, close, far = (make_institution(slug=slug) for slug in ("me", "close", "far"))
    one, two = make_network(slug="one"), make_network(slug="two")
    for network in (one, two):
        make_membership(network=network, member_institution=me)
        make_membership(network=network, member_institution=close)
    make_membership(network=one, member_institution=far)
    graph = graphs.ego_graph(me, D.today())
    peers = [n for n in graph["nodes"] if n["kind"] == "institution"][1:]
    assert [(p["slug"], p["shared"]) for p in peers] == [("close", 2), ("far", 1)]


def test_graphs_export_as_graphml_and_gexf(vertical_network):
    graph = graphs.network_graph(
        vertical_network, graphs.network_memberships(vertical_network), D(2020, 1, 1)
    )
    graphml = ET.fromstring(graphs.to_graphml(graph))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graphml.findall(".//g:node", ns)) == 3
    assert len(graphml.findall(".//g:edge", ns)) == 2
    gexf = ET.fromstring(graphs.to_gexf(graph))
    assert len(gexf.findall(".//{http://gexf.net/1.3}node")) == 3


# --- API ----------------------------------------------------------------------------------


def test_the_api_answers_each_view(client, vertical_network):
    base = "/api/v1/networks/courts/"
    graph = client.get(base + "graph/?as_of=2020-01-01").json()
    assert len(graph["nodes"]) == 3
    assert client.get(base + "map/?as_of=1998-01-01").json()["jurisdictions"][0]["code"]
    assert client.get(base + "timeline/").json()["years"][0]["year"] == 1952
    cover = client.get(base + "coverage/?group=eu&as_of=1998-01-01").json()
    assert {c["code"] for c in cover["covered"]} == {"DE", "FR"}
    assert cover["total"] == 27
    high = client.get(base + "coverage/?group=income-high").json()
    assert high["group_label"] == "World Bank income group: high"
    assert {c["code"] for c in high["covered"]} == {"DE"}  # France left in 2000
    page = client.get("/networks/courts/?group=income-high").content.decode()
    assert 'value="income-high" selected' in page
    assert client.get("/api/v1/institutions/ecj/ego-graph/").status_code == 200
    assert client.get("/api/v1/lattice/?dimension=vertical").json()["nodes"][0]["slug"] == "courts"


def test_the_api_exports_graphml_and_gexf(client, vertical_network):
    response = client.get("/api/v1/networks/courts/graph/?format=graphml")
    assert response["Content-Type"].startswith("application/graphml+xml")
    ET.fromstring(response.content)
    response = client.get("/api/v1/lattice/?format=gexf")
    assert response["Content-Type"].startswith("application/gexf+xml")


@pytest.mark.parametrize(
    "url,parameter",
    [
        ("/api/v1/networks/courts/coverage/?group=mars", "group"),
        ("/api/v1/networks/courts/graph/?as_of=yesterday", "as_of"),
        ("/api/v1/lattice/?sector=", "sector"),
        ("/api/v1/lattice/?function=magic&format=graphml", "function"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, vertical_network, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert parameter in response.json()["error"]["fields"]


def test_an_unknown_slug_is_a_404(client):
    assert client.get("/api/v1/networks/nope/graph/").status_code == 404
    assert client.get("/api/v1/institutions/nope/ego-graph/").status_code == 404


# --- Pages ----------------------------------------------------------------------------------


def test_the_network_page_shows_graph_map_timeline_and_coverage(client, vertical_network):
    html = client.get("/networks/courts/?as_of=1998-01-01&group=eu").content.decode()
    for marker in (
        'id="network-graph-data"',
        'data-area="FR"',
        'id="timeline-data"',
        'id="coverage-heading"',
        "2 of 27",
    ):
        assert marker in html


def test_the_lattice_page_filters_and_lists_networks(client, vertical_network):
    make_network(slug="horizontal-one")
    html = client.get(reverse("networks:lattice") + "?dimension=vertical").content.decode()
    assert 'data-node="n-courts"' in html and "horizontal-one" not in html
    assert client.get(reverse("networks:lattice") + "?dimension=sideways").status_code == 200


def test_the_jurisdiction_map_counts_networks_per_state_subdivisions_included():
    de = make_jurisdiction(code="DE", name="Germany")
    bavaria = make_jurisdiction(
        code="DE-BY", name="Bavaria", kind="subdivision", parent=de, slug="bavaria"
    )
    for jurisdiction, network in ((de, make_network()), (bavaria, make_network())):
        make_membership(
            network=network, member_institution=make_institution(jurisdiction=jurisdiction)
        )
    rows = coverage.jurisdiction_network_counts()
    assert [(r["code"], r["count"], r["numeric"]) for r in rows] == [("DE", 2, "276")]


def test_a_jurisdiction_sees_the_networks_of_its_sectors_it_is_absent_from():
    de = make_jurisdiction(code="DE", name="Germany")
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    bank_de = make_institution(jurisdiction=de)
    bank_fr = make_institution(jurisdiction=fr)
    both = make_network(slug="both", sector="finance")
    only_fr = make_network(slug="only-fr", sector="finance")
    other_sector = make_network(slug="trade", sector="trade")
    for network, institution in (
        (both, bank_de),
        (both, bank_fr),
        (only_fr, bank_fr),
        (other_sector, bank_fr),
    ):
        make_membership(network=network, member_institution=institution)
    (finance,) = coverage.jurisdiction_gaps(de)
    assert [n["slug"] for n in finance["in"]] == ["both"]
    assert [n["slug"] for n in finance["absent"]] == ["only-fr"]


def test_compare_sets_states_side_by_side(client):
    de = make_jurisdiction(code="DE", name="Germany")
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    shared = make_network(slug="shared", acronym="SH")
    for jurisdiction in (de, fr):
        make_membership(
            network=shared,
            member_institution=make_institution(
                jurisdiction=jurisdiction, branch=Branch.CENTRAL_BANK
            ),
        )
    data = client.get("/api/v1/compare/?jurisdictions=de,FR").json()
    assert [j["code"] for j in data["jurisdictions"]] == ["DE", "FR"]
    assert data["shared_networks"] == ["shared"]
    assert data["jurisdictions"][0]["branches"][0]["branch"] == "central_bank"
    html = client.get("/compare/?jurisdictions=DE,FR").content.decode()
    assert 'class="shared-network"' in html
    error = client.get("/api/v1/compare/?jurisdictions=DE,XX").json()["error"]
    assert "jurisdictions" in error["fields"]
    assert (
        "Unknown jurisdiction: XX" in client.get("/compare/?jurisdictions=DE,XX").content.decode()
    )


def test_the_compare_page_takes_names_as_well_as_codes(client):
    make_jurisdiction(code="DE", name="Germany")
    make_jurisdiction(code="FR", name="France", slug="france")
    make_jurisdiction(code="CI", name="Côte d'Ivoire", slug="cote-divoire")
    by_name = client.get("/compare/", {"jurisdictions": "germany, France"})
    assert [j["code"] for j in by_name.context["result"]["jurisdictions"]] == ["DE", "FR"]
    accents = client.get("/compare/", {"jurisdictions": "Cote d'Ivoire,DE"})
    assert [j["code"] for j in accents.context["result"]["jurisdictions"]] == ["CI", "DE"]
    # Two ways of naming one jurisdiction are one jurisdiction.
    same = client.get("/compare/", {"jurisdictions": "Germany,DE"}).content.decode()
    assert "Give two or three jurisdictions." in same
    unknown = client.get("/compare/", {"jurisdictions": "Germany,Atlantis"}).content.decode()
    assert "Unknown jurisdiction: Atlantis." in unknown


def test_compare_shows_the_bodies_that_existed_on_the_date(client):
    de = make_jurisdiction(code="DE", name="Germany")
    make_jurisdiction(code="FR", name="France")
    make_institution(
        jurisdiction=de, slug="de-old-fiu", founded_on=D(1992, 1, 1), dissolved_on=D(2017, 6, 26)
    )
    make_institution(jurisdiction=de, slug="de-new-fiu", founded_on=D(2017, 6, 26))

    def slugs(query: str) -> set[str]:
        data = client.get(f"/api/v1/compare/?jurisdictions=DE,FR{query}").json()
        germany = data["jurisdictions"][0]
        return {i["slug"] for b in germany["branches"] for i in b["institutions"]}

    assert slugs("") == {"de-new-fiu"}
    assert slugs("&as_of=2010-01-01") == {"de-old-fiu"}
    assert slugs("&as_of=1990-01-01") == set()


# --- Query counts ---------------------------------------------------------------------------

PINNED = {
    "/api/v1/networks/n0/graph/": 2,  # network, its memberships (+members)
    "/api/v1/networks/n0/map/": 2,
    "/api/v1/networks/n0/timeline/": 2,
    "/api/v1/networks/n0/coverage/?group=un": 2,
    "/api/v1/institutions/i0/ego-graph/": 3,  # institution, its memberships, its peers'
    "/api/v1/lattice/": 2,  # networks, memberships
    "/lattice/": 2,
    "/lattice/?focus=n0": 2,  # the focus and its neighbours: from the same two queries
    "/lattice/?view=matrix": 2,
    "/lattice/?view=matrix&focus=n0": 2,
    "/api/v1/jurisdiction-map/": 1,
    # jurisdiction, its networks, members per network of its sectors, those sectors'
    # active networks, regional networks' member regions
    "/api/v1/jurisdictions/de/coverage/": 5,
    "/api/v1/compare/?jurisdictions=DE,FR": 3,  # jurisdictions, institutions, memberships
    "/compare/?jurisdictions=DE,FR": 4,  # and the names the boxes suggest (#18)
}


def build_world(size: int) -> None:
    make_jurisdiction(code="DE", name="Germany")
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    institutions = [make_institution(slug=f"i{n}") for n in range(size)]
    institutions += [make_institution(jurisdiction=fr) for n in range(size)]
    networks = [make_network(slug=f"n{n}") for n in range(size)]
    for network in networks:
        for institution in institutions:
            make_membership(network=network, member_institution=institution)
    if size > 1:
        make_membership(network=networks[0], member_network=networks[1])


class TestQueryCounts:
    @pytest.fixture(scope="class", params=[1, 8], ids=["size-1", "size-8"])
    @classmethod
    def world(cls, request, django_db_setup, django_db_blocker):
        """Each world built once for every URL (tests/shared_rows.py)."""
        with shared_rows(django_db_blocker):
            yield build_world(request.param)

    @pytest.mark.parametrize("url", list(PINNED))
    def test_visual_query_counts_do_not_grow_with_rows(
        self, world, client, django_assert_num_queries, url
    ):
        with django_assert_num_queries(PINNED[url]):
            assert client.get(url).status_code == 200


def test_a_network_too_large_to_draw_offers_its_graph_as_downloads(
    client, vertical_network, monkeypatch
):
    from visuals.templatetags import visual

    monkeypatch.setattr(visual, "GRAPH_NODE_LIMIT", 1)
    page = client.get("/networks/courts/?as_of=1998-01-01").content.decode()
    assert 'id="network-graph-data"' not in page
    assert "3 members on this date: more than the 1 this page draws legibly." in page
    assert "/api/v1/networks/courts/graph/?as_of=1998-01-01&amp;format=graphml" in page
    monkeypatch.setattr(visual, "GRAPH_NODE_LIMIT", 3)
    assert (
        'id="network-graph-data"'
        in client.get("/networks/courts/?as_of=1998-01-01").content.decode()
    )


def test_a_jurisdiction_page_lists_a_bounded_number_of_absences(client, monkeypatch):
    from visuals.templatetags import visual

    monkeypatch.setattr(visual, "GAPS_SHOWN", 2)
    de = make_jurisdiction(code="DE", name="Germany")
    fr = make_jurisdiction(code="FR", name="France", subregion="western_europe")
    bank_de = make_institution(jurisdiction=de, slug="bank-de")
    make_membership(
        network=make_network(slug="in-de", sector="finance"), member_institution=bank_de
    )
    for n, size in enumerate((1, 3, 2)):
        network = make_network(slug=f"away-{n}", acronym=f"AWAY{n}", sector="finance")
        for m in range(size):
            make_membership(
                network=network,
                member_institution=make_institution(jurisdiction=fr, slug=f"fr-{n}-{m}"),
            )
    page = client.get(de.get_absolute_url()).content.decode()
    cell = page[page.index('id="jurisdiction-coverage-heading"') :]
    # The two largest absences, then a count of the rest.
    assert "AWAY1" in cell and "AWAY2" in cell and "AWAY0" not in cell
    assert "and 1 more" in cell


def test_a_regional_network_of_other_regions_is_not_one_a_jurisdiction_is_missing(client):
    brazil = make_jurisdiction(
        code="BR", name="Brazil", region="americas", subregion="latin_america_caribbean"
    )
    germany = make_jurisdiction(code="DE", name="Germany")
    argentina = make_jurisdiction(
        code="AR", name="Argentina", region="americas", subregion="latin_america_caribbean"
    )
    global_body = make_network(slug="global", sector="finance", reach="global")
    european = make_network(slug="european", sector="finance", reach="regional")
    american = make_network(slug="american", sector="finance", reach="regional")
    make_membership(network=global_body, member_institution=make_institution(jurisdiction=brazil))
    make_membership(network=european, member_institution=make_institution(jurisdiction=germany))
    make_membership(network=american, member_institution=make_institution(jurisdiction=argentina))
    (finance,) = coverage.jurisdiction_gaps(brazil)
    assert [n["slug"] for n in finance["in"]] == ["global"]
    assert [n["slug"] for n in finance["absent"]] == ["american"]  # open to it: same region
    assert [n["slug"] for n in finance["other_regions"]] == ["european"]
    html = client.get(brazil.get_absolute_url()).content.decode()
    assert "Not counted: 1 regional network whose members all come from other regions." in html
