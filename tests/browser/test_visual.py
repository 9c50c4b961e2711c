"""The visual views in Chromium: each chart is drawn, its nodes and areas match the data
block it is drawn from, a node opens its page by mouse and by keyboard, the charts'
pages have no axe-core violation, and without JavaScript the tables remain."""

import json
import time

from playwright.sync_api import Page, expect

from .test_accessibility import axe_violations


def chart_data(page: Page, block_id: str):
    return json.loads(page.locator(f"#{block_id}").text_content())


def wait_for_chart(page: Page, figure: str) -> None:
    page.wait_for_selector(f"#{figure}.chart-drawn", timeout=15_000)


def node_position(page: Page, figure: str) -> dict:
    """Where the node farthest from any other is on screen (so that no neighbour
    overlaps it), and the page it leads to."""
    page.evaluate(f"document.querySelector('#{figure} .graph-canvas').scrollIntoView()")
    # Let the scroll event reach Cytoscape, which caches where its canvas is.
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(
        """figure => {
            const f = document.getElementById(figure);
            const canvas = f.querySelector('.graph-canvas');
            const box = canvas.getBoundingClientRect();
            const nodes = f.cy.nodes().filter(n => !n.isParent()).filter(n => {
                const p = n.renderedPosition();
                return p.x > 20 && p.y > 20 && p.x < box.width - 20 && p.y < box.height - 20
                    && box.top + p.y < window.innerHeight - 20;
            });
            let best = null, bestGap = -1;
            nodes.forEach(n => {
                const p = n.renderedPosition();
                let gap = Infinity;
                nodes.forEach(m => {
                    if (m === n) return;
                    const q = m.renderedPosition();
                    gap = Math.min(gap, Math.hypot(p.x - q.x, p.y - q.y));
                });
                if (gap > bestGap) { best = n; bestGap = gap; }
            });
            const p = best.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y, url: best.data('url'), id: best.id()};
        }""",
        figure,
    )


def test_the_network_page_draws_its_graph_map_and_timeline(page: Page):
    page.goto("/networks/bcbs/")
    wait_for_chart(page, "network-graph")
    graph = chart_data(page, "network-graph-data")
    drawn = page.evaluate("document.getElementById('network-graph').cy.nodes().length")
    assert drawn == len(graph["nodes"]) > 1
    assert page.locator("#network-graph tbody tr[data-node]").count() == len(graph["nodes"]) - 1

    wait_for_chart(page, "member-map")
    areas = chart_data(page, "member-map-data")
    on_map = {a["code"] for a in areas if a["numeric"]}
    shaded = page.locator("#member-map a.map-member")
    # (A country drawn in several pieces is one link per piece.)
    assert {shaded.nth(i).get_attribute("data-area") for i in range(shaded.count())} == on_map

    wait_for_chart(page, "member-timeline")
    years = chart_data(page, "timeline-data")
    points = [y for y in years if y["joined_count"] or y["left_count"]]
    expect(page.locator("#member-timeline circle.timeline-point")).to_have_count(len(points))

    # Who is missing, against another reference group, without JavaScript's help: the
    # comparison is folded under its answer, and stays open once a group is chosen.
    expect(page.locator("#id_coverage_group")).to_be_hidden()
    page.locator(".coverage-detail > summary").click()
    page.select_option("#id_coverage_group", "g7")
    page.locator(".coverage-form button").click()
    expect(page.locator("#id_coverage_group")).to_have_value("g7")
    expect(page.locator("#id_coverage_group")).to_be_visible()
    assert "G7" in page.locator(".coverage [role=status]").text_content()


def test_clicking_a_graph_node_opens_its_page(page: Page):
    page.goto("/networks/bcbs/")
    wait_for_chart(page, "network-graph")
    target = node_position(page, "network-graph")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(f"**{target['url']}")


def test_the_graph_is_usable_by_keyboard(page: Page):
    page.goto("/networks/bcbs/")
    wait_for_chart(page, "network-graph")
    canvas = page.locator("#network-graph .graph-canvas")
    canvas.focus()
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate("document.getElementById('network-graph').cy.$(':selected').data('url')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{chosen}")


def test_the_map_areas_are_links_reachable_by_keyboard(page: Page):
    page.goto("/networks/bcbs/")
    wait_for_chart(page, "member-map")
    first = page.locator("#member-map a.map-member").first
    href = first.get_attribute("href")
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")


def test_the_lattice_renders_every_network_quickly_and_nodes_navigate(page: Page):
    started = time.monotonic()
    page.goto("/lattice/")
    wait_for_chart(page, "lattice-graph")
    elapsed = time.monotonic() - started
    graph = chart_data(page, "lattice-data")
    drawn = page.evaluate(
        "(() => { const cy = document.getElementById('lattice-graph').cy;"
        " return [cy.nodes('[kind = \"network\"]').length, cy.edges().length]; })()"
    )
    assert drawn == [len(graph["nodes"]), len(graph["edges"])]
    assert elapsed < 10, f"the lattice took {elapsed:.1f}s to draw"
    # A network selected in the lattice is shown with its neighbours; selected again
    # there, it opens its page.
    target = node_position(page, "lattice-graph")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(f"**/lattice/?focus={target['id'].removeprefix('n-')}")
    wait_for_chart(page, "lattice-graph")
    page.evaluate("document.querySelector('#lattice-graph .graph-canvas').scrollIntoView()")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.evaluate(
        "(() => { const cy = document.getElementById('lattice-graph').cy;"
        " cy.center(cy.$('[focus = \"yes\"]')); })()"
    )
    centre = page.evaluate(
        """() => { const cy = document.getElementById('lattice-graph').cy;
            const box = cy.container().getBoundingClientRect();
            const focus = cy.$('[focus = "yes"]'), p = focus.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y, url: focus.data('url')}; }"""
    )
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_url(f"**{centre['url']}")


def test_the_home_page_maps_the_jurisdictions_in_networks(page: Page):
    page.goto("/")
    wait_for_chart(page, "jurisdiction-map")
    rows = chart_data(page, "jurisdiction-map-data")
    shaded = page.locator("#jurisdiction-map a.map-member")
    codes = {shaded.nth(i).get_attribute("data-area") for i in range(shaded.count())}
    expected = {row["code"] for row in rows if row["numeric"]}
    assert codes <= expected
    # Territories too small for the 1:50m world map (Gibraltar) have no shape to shade;
    # they are still in the table.
    for code in expected - codes:
        assert page.locator(f'#jurisdiction-map svg [data-area="{code}"]').count() == 0, code
    assert len(codes) >= len(expected) - 5


def test_compare_sets_jurisdictions_side_by_side(page: Page):
    page.goto("/compare/")
    page.fill("#compare-1", "Germany")
    page.fill("#compare-2", "FR")
    page.locator(".compare-form button").click()
    expect(page.locator("table.compare thead th")).to_have_count(3)


def test_the_institution_page_draws_its_ego_graph(page: Page):
    page.goto("/networks/bcbs/")
    member = page.locator("#network-graph tbody tr[data-node^='i-'] a").first.get_attribute("href")
    page.goto(member)
    wait_for_chart(page, "ego-graph")
    graph = chart_data(page, "ego-graph-data")
    assert page.evaluate("document.getElementById('ego-graph').cy.nodes().length") == len(
        graph["nodes"]
    )
    assert any(node["slug"] == "bcbs" for node in graph["nodes"])


def test_the_chart_pages_have_no_accessibility_violation(page: Page):
    problems = []
    charts = ("/", "/networks/bcbs/", "/lattice/", "/lattice/?dimension=vertical")
    for path in (*charts, "/compare/?jurisdictions=DE,FR", "/compare/?jurisdictions=DE"):
        page.goto(path)
        if path in charts:
            page.wait_for_selector(".chart-drawn", timeout=15_000)
        # Open the tables too, so that axe checks them.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        problems += [f"{path}: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_without_javascript_the_tables_remain(playwright_browser, live_server, dataset):
    context = playwright_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/networks/bcbs/")
    assert page.locator("#network-graph .graph-canvas").is_hidden()
    assert page.locator("#network-graph tbody tr[data-node]").count() > 0
    assert page.locator(".coverage-regions tbody tr").count() == 5
    context.close()
