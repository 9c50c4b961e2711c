"""#18, everything reachable, in Chromium at 1280 and 390 px: the navigation leads to the
lattice, compare and the changes; compare takes typed names with their suggestions; the
institutions list filters by country name and by network; networks are named in full
with their acronym; typology words are explained; axe-core finds nothing on these pages.
"""

import re

from playwright.sync_api import Page, expect

from .test_accessibility import axe_violations


def assert_no_violations(page: Page) -> None:
    problems = axe_violations(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= page.width, f"{page.url} is {scroll_width}px wide"


def test_the_navigation_leads_to_the_lattice_compare_and_the_changes(sized):
    page = sized
    for label, path, heading in [
        ("Lattice", "/lattice/", "lattice"),
        ("Compare", "/compare/", "Compare"),
        ("Changes", "/changes/", "hange"),
    ]:
        page.goto("/")
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label)
        # Visible, inside the screen and big enough to tap, at either width.
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.width, (label, box)
        assert box["height"] >= 20, (label, box)
        link.click()
        page.wait_for_url(f"**{path}")
        expect(page.locator("h1")).to_contain_text(re.compile(heading, re.IGNORECASE))
        current = page.get_by_role("navigation", name="Main").get_by_role("link", name=label)
        expect(current).to_have_attribute("aria-current", "page")


def test_compare_takes_typed_names_with_suggestions(sized):
    page = sized
    page.goto("/compare/")
    first, second = page.get_by_label("First"), page.get_by_label("Second")
    # Each box suggests the jurisdictions by name.
    expect(first).to_have_attribute("list", "jurisdiction-names")
    options = page.locator("datalist#jurisdiction-names option")
    names = options.evaluate_all("options => options.map(o => o.value)")
    assert "Germany" in names and "France" in names
    first.fill("germany")  # any case
    second.fill("FR")  # or a code
    page.get_by_role("button", name="Compare").click()
    table = page.locator("table.compare")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("Germany")
    expect(table.locator("thead")).to_contain_text("France")
    # The boxes now say what was compared.
    expect(page.get_by_label("First")).to_have_value("Germany")
    expect(page.get_by_label("Second")).to_have_value("France")
    # Every network the table names, in full, with its acronym where it has one.
    key = page.locator("ul.network-key li")
    assert key.count() >= 1
    assert_no_violations(page)
    # A name that is no jurisdiction: a message naming it, not an error page.
    page.get_by_label("Second").fill("Atlantis")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#compare-error")).to_contain_text("Unknown jurisdiction: Atlantis")
    expect(page.get_by_label("Second")).to_have_attribute("aria-invalid", "true")
    assert_no_violations(page)


def test_the_institutions_sidebar_filters_by_country_name_and_by_network(sized):
    page = sized
    page.goto("/institutions/")
    panel = page.locator("details.filter-panel")
    if panel.get_attribute("open") is None:  # folded on a phone
        panel.locator("summary").click()
    country = page.get_by_label("Country or jurisdiction")
    expect(country).to_be_visible()
    expect(country).to_have_attribute("list", "facet-jurisdiction-options")
    suggested = page.locator("#facet-jurisdiction-options option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "Germany" in suggested
    network = page.get_by_label("Network", exact=True)
    expect(network).to_be_visible()
    labels = network.locator("option").all_inner_texts()[1:]
    assert labels, "no network to filter by"
    # Networks by full name, with the acronym beside it when they have one.
    assert any(re.search(r"\w \(\w+\) \(\d+\)$", label) for label in labels), labels
    assert_no_violations(page)
    country.fill("germany")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"jurisdiction=germany"))
    results = page.locator("ol.results .result-meta")
    assert results.count() >= 1
    for text in results.all_inner_texts():
        assert "Germany" in text, text
    expect(page.get_by_label("Country or jurisdiction")).to_have_value("germany")


def test_names_are_full_and_disambiguated(sized, dataset):
    page = sized
    page.goto("/meetings/")
    if page.locator("details.filter-panel").get_attribute("open") is None:
        page.locator("details.filter-panel summary").click()
    labels = page.get_by_label("Network", exact=True).locator("option").all_inner_texts()[1:]
    # Never an acronym alone: each label is longer than one word, or a one-word name.
    assert all(" " in label for label in labels), labels
    if dataset == "real":
        # NAFTA's and USMCA's Free Trade Commissions share "FTC", as does the US
        # Federal Trade Commission: compare spells those out.
        page.goto("/compare/?jurisdictions=US,CA,MX")
        table = page.locator("table.compare")
        expect(table.get_by_role("link", name="USMCA Free Trade Commission").first).to_be_visible()
        assert table.get_by_role("link", name="FTC", exact=True).count() == 0
        assert_no_violations(page)


def test_typology_words_are_explained(sized):
    page = sized
    page.goto("/networks/")
    page.locator("ol.results h2 a").first.click()
    # Under a network's badges: what its own words mean (folded).
    help_ = page.locator("details.typology-help").first
    help_.locator("summary").click()
    expect(help_.locator("dd").first).to_be_visible()
    assert_no_violations(page)
    # And the whole typology, one link away: the folded glossary opens at the link.
    help_.get_by_role("link", name="The whole typology").click()
    page.wait_for_url("**/networks/#typology-terms")
    glossary = page.locator("#typology")
    expect(glossary).to_have_attribute("open", "")
    for word in ("Horizontal", "Counterpart officials of different states", "Harmonisation"):
        expect(glossary.get_by_text(word).first).to_be_visible()
    expect(glossary).to_contain_text("Plurilateral")
    assert_no_violations(page)


def test_counts_say_who_observes(sized, dataset):
    page = sized
    page.goto("/")
    memberships = page.locator(".counts div").filter(has_text="Memberships")
    expect(memberships).to_be_visible()
    assert_no_violations(page)
    if dataset == "real":
        expect(memberships).to_contain_text("observers")
        page.goto("/networks/?search=Financial+Action+Task+Force")
        expect(page.locator("ol.results").first).to_contain_text(re.compile(r"\d+ observers?"))
