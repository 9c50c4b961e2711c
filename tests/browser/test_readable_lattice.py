"""A lattice a person can read (issue #18), at a desktop's and a phone's width: no two
graph labels overlap and each is drawn at 12 px or more, focusing on a network shows it
and its neighbours only, the matrix's cells are the graph's shared-member counts, every
chart has a key in HTML, and axe-core finds nothing on these pages."""

import pytest
from playwright.sync_api import Page

from .test_accessibility import axe_violations
from .test_visual import chart_data, wait_for_chart

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}

# Every visible label, as Cytoscape measures it on screen, and the size it is drawn at.
LABELS = """figure => {
    const cy = document.getElementById(figure).cy;
    return cy.nodes('.labelled').map(n => {
        const box = n.renderedBoundingBox({includeLabels: true, includeNodes: false,
                                           includeOverlays: false});
        return {id: n.id(), px: parseFloat(n.style('font-size')) * cy.zoom(),
                x1: box.x1, y1: box.y1, x2: box.x2, y2: box.y2,
                inside: box.x1 >= 0 && box.y1 >= 0
                    && box.x2 <= cy.width() && box.y2 <= cy.height()};
    });
}"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]
    ]


def check_labels(page: Page, figure: str) -> list[dict]:
    labels = page.evaluate(LABELS, figure)
    assert labels, f"{figure}: no label shown"
    assert not overlapping(labels), f"{figure}: labels overlap: {overlapping(labels)}"
    small = [(label["id"], round(label["px"], 1)) for label in labels if label["px"] < 12]
    assert not small, f"{figure}: labels under 12 px: {small}"
    assert all(label["inside"] for label in labels), f"{figure}: a label is cut by the canvas"
    return labels


def most_linked(graph: dict) -> tuple[str, set[str]]:
    """The network with the most neighbours in the lattice's graph, and its neighbours."""
    neighbours: dict[str, set[str]] = {node["id"]: set() for node in graph["nodes"]}
    for edge in graph["edges"]:
        neighbours[edge["source"]].add(edge["target"])
        neighbours[edge["target"]].add(edge["source"])
    focus = max(sorted(neighbours), key=lambda node: len(neighbours[node]))
    return focus, neighbours[focus]


def drawn_networks(page: Page) -> set[str]:
    return set(
        page.evaluate(
            "document.getElementById('lattice-graph').cy.nodes('[kind = \"network\"]')"
            ".map(n => n.id())"
        )
    )


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_the_lattices_labels_never_overlap_and_stay_readable_when_zoomed(page: Page, width_name):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width_name], strict=True)))
    page.goto("/lattice/")
    wait_for_chart(page, "lattice-graph")
    graph = chart_data(page, "lattice-data")
    # Every network is drawn, in a box of its sector.
    assert drawn_networks(page) == {node["id"] for node in graph["nodes"]}
    sectors = page.evaluate(
        "document.getElementById('lattice-graph').cy.nodes('[kind = \"sector\"]').length"
    )
    assert sectors == len({node["sector"] for node in graph["nodes"]})
    check_labels(page, "lattice-graph")
    # Zoomed in (with the buttons, as a reader would), the names are placed again:
    # still apart, still whole, still 12 px or more.
    for _ in range(2):
        page.get_by_role("button", name="Zoom in").click()
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    check_labels(page, "lattice-graph")
    page.get_by_role("button", name="Show all").click()
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    check_labels(page, "lattice-graph")


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_selecting_a_network_shows_it_and_its_neighbours_only(page: Page, width_name):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width_name], strict=True)))
    page.goto("/lattice/")
    wait_for_chart(page, "lattice-graph")
    focus, neighbours = most_linked(chart_data(page, "lattice-data"))
    slug = focus.removeprefix("n-")
    # Click the network where it is drawn.
    page.evaluate("document.querySelector('#lattice-graph .graph-canvas').scrollIntoView()")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    spot = page.evaluate(
        """id => {
            const cy = document.getElementById('lattice-graph').cy;
            const node = cy.getElementById(id);
            cy.center(node);
            const box = cy.container().getBoundingClientRect();
            const p = node.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        focus,
    )
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_url(f"**/lattice/?focus={slug}")
    wait_for_chart(page, "lattice-graph")
    assert drawn_networks(page) == {focus} | neighbours
    labels = check_labels(page, "lattice-graph")
    assert focus in {label["id"] for label in labels}, "the network in focus is not named"
    # Without the graph, the page says the same: its neighbours, in a table.
    rows = page.locator(".lattice-neighbours tbody tr")
    assert {rows.nth(i).get_attribute("data-node") for i in range(rows.count())} == neighbours
    # And the way back.
    page.get_by_role("link", name="Show every network").click()
    wait_for_chart(page, "lattice-graph")
    assert len(drawn_networks(page)) == len(chart_data(page, "lattice-data")["nodes"])


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_the_matrix_counts_the_graphs_shared_members(page: Page, width_name):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width_name], strict=True)))
    graph = page.request.get("/api/v1/lattice/").json()
    page.goto("/lattice/")
    page.get_by_role("link", name="Matrix of shared members").click()
    page.wait_for_url("**/lattice/?view=matrix")
    cells = page.evaluate(
        """() => [...document.querySelectorAll('table.matrix tbody tr')].flatMap(tr =>
            [...tr.querySelectorAll('td')].filter(td => td.textContent.trim()).map(td =>
                [tr.dataset.node, td.dataset.column, Number(td.textContent)]))"""
    )
    drawn = {(row, column): count for row, column, count in cells}
    expected = {}
    for edge in graph["edges"]:
        if edge["kind"] == "overlap":
            expected[edge["source"], edge["target"]] = edge["weight"]
            expected[edge["target"], edge["source"]] = edge["weight"]
    assert drawn == expected
    # Grouped by sector: one row group per sector, its rows all of that sector.
    sectors = {node["id"]: node["sector"] for node in graph["nodes"]}
    groups = page.evaluate(
        """() => [...document.querySelectorAll('table.matrix tbody')].map(body =>
            [...body.querySelectorAll('tr')].map(tr => tr.dataset.node))"""
    )
    assert all(len({sectors[node] for node in group}) == 1 for group in groups)
    assert len({sectors[group[0]] for group in groups}) == len(groups)
    assert page.locator("#lattice-matrix .chart-legend li").count() >= 2


def chart_pages(page: Page) -> list[str]:
    page.goto("/networks/bcbs/")
    institution = page.locator("#network-graph tbody tr[data-node^='i-'] a").first
    return [
        "/",
        "/networks/bcbs/",
        institution.get_attribute("href"),
        "/lattice/",
        "/lattice/?focus=bcbs",
        "/lattice/?view=matrix",
    ]


# axe-core on the pages this change made; the network and institution pages are checked
# whole by test_accessibility.py (slow on their long tables; not repeated here).
AXE_PATHS = {"/", "/lattice/", "/lattice/?focus=bcbs", "/lattice/?view=matrix"}


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_every_chart_has_a_key_its_graph_labels_are_readable_and_axe_finds_nothing(
    page: Page, width_name
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width_name], strict=True)))
    problems = []
    for path in chart_pages(page):
        page.goto(path)
        if page.locator("figure[data-chart]").count():
            page.wait_for_selector(".chart-drawn", timeout=15_000)
            page.wait_for_function(
                "[...document.querySelectorAll('figure[data-chart]')].every(f =>"
                " f.classList.contains('chart-drawn'))",
                timeout=15_000,
            )
        # Every chart drawn, and the matrix (a table, drawn without JavaScript).
        for figure in page.locator("figure.chart-drawn, figure.lattice-matrix").all():
            name = figure.get_attribute("id")
            if not figure.locator(".chart-legend li").count():
                problems.append(f"{path} #{name}: no key")
            if figure.evaluate("f => !!f.cy"):
                labels = page.evaluate(LABELS, name)
                small = [label["id"] for label in labels if label["px"] < 12]
                if not labels or small or overlapping(labels):
                    problems.append(f"{path} #{name}: labels {len(labels)}, small {small}")
        if path in AXE_PATHS:
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems += [f"{path} ({width_name}): {v}" for v in axe_violations(page)]
        # The matrix and the graphs scroll inside their boxes, never the page sideways.
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > WIDTHS[width_name][0]:
            problems.append(f"{path} ({width_name}): {wide} px wide")
    assert not problems, "\n".join(problems)
