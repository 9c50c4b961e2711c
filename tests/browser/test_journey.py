"""A visitor's way through the site, in real Chromium against the live server.

Search "Basel", open the Basel Committee, look at its members on an earlier date and
what changed since, follow a member to its institution page and on to its country, then
filter the networks list by facets and share the address.
"""

import re

from playwright.sync_api import Page, expect

EARLIER = "2005-01-01"


def member_names(page: Page) -> set[str]:
    return set(page.locator("table.members tbody th a:not(.site)").all_inner_texts())


def test_a_visitor_goes_from_a_search_to_a_network_a_member_and_its_country(page, dataset):
    page.goto("/")
    page.get_by_label("Search networks, institutions, countries, memoranda and meetings").fill(
        "Basel"
    )
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Basel$"))
    networks = page.locator(".hit-group").filter(
        has=page.get_by_role("heading", name="Networks", exact=True)
    )
    expect(networks.locator(".kind").first).to_have_text("Network")
    networks.get_by_role("link", name=re.compile("Basel Committee")).first.click()

    expect(page).to_have_url(re.compile(r"/networks/bcbs/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Basel Committee")
    expect(page.get_by_role("heading", name="Members today")).to_be_visible()
    today = member_names(page)
    assert today

    # The "as of" control: a date, and the list changes.
    page.get_by_label("Show the members on").fill(EARLIER)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(rf"as_of={EARLIER}"))
    expect(page.get_by_role("heading", name=re.compile(r"^Members on "))).to_be_visible()
    then = member_names(page)
    assert then and then != today
    changes = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile("^What changed since"))
    )
    joined = today - then
    assert joined
    for name in list(joined)[:3]:
        expect(changes.get_by_role("link", name=name, exact=True).first).to_be_visible()
    page.get_by_role("link", name="Back to today").click()
    expect(page.get_by_role("heading", name="Members today")).to_be_visible()

    # A member with a country: its own website is linked, and its page is one click away.
    row = (
        page.locator("table.members tbody tr")
        .filter(has=page.locator("td[data-label='Jurisdiction'] a"))
        .first
    )
    member = row.locator("th a:not(.site)").inner_text()
    website = row.locator("th a.site")
    expect(website).to_have_attribute("href", re.compile(r"^https?://"))
    row.locator("th a:not(.site)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.split(" (")[0])
    memberships = page.locator("#memberships-heading ~ .table-wrap").first
    expect(memberships.get_by_role("link", name=re.compile("^Basel Committee"))).to_be_visible()

    page.locator(".facts dt:has-text('Jurisdiction') + dd a").click()
    expect(page).to_have_url(re.compile(r"/jurisdictions/[a-z0-9-]+/$"))
    expect(page.get_by_role("heading", name=re.compile("institutions by branch"))).to_be_visible()
    block = page.locator(".institution-block").filter(
        has=page.get_by_role("link", name=member, exact=True)
    )
    expect(block.get_by_role("link", name="BCBS")).to_be_visible()
    # The membership's source: a numbered note, and the note links to the document.
    note = block.locator("td[data-label='Source'] a").first.get_attribute("href")
    assert re.fullmatch(r"#note-\d+", note)
    expect(page.locator(f"{note} a").first).to_have_attribute("href", re.compile(r"^https?://"))


def test_a_visitor_filters_the_networks_list_by_facets_and_shares_the_address(page, dataset):
    page.goto("/networks/")
    total = page.locator(".result").count()
    page.get_by_label(re.compile(r"^Harmonisation \d+$")).check()
    page.get_by_label(re.compile(r"^Global \d+$")).check()
    page.get_by_role("button", name="Apply").click()

    # The state lives in the address; empty fields are left out of it.
    expect(page).to_have_url(re.compile(r"function=harmonisation"))
    expect(page).to_have_url(re.compile(r"reach=global"))
    assert "search=" not in page.url and "ordering=" not in page.url
    results = page.locator(".result")
    expect(results.filter(has_text="Basel Committee")).to_have_count(1)
    assert 0 < results.count() <= total
    for i in range(results.count()):
        badges = results.nth(i).locator(".badges")
        expect(badges).to_contain_text("Harmonisation")
        expect(badges).to_contain_text("Global")

    # Someone opening the shared address sees the same list, with the boxes ticked.
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.get_by_label(re.compile(r"^Harmonisation \d+$"))).to_be_checked()
    expect(other.locator(".result")).to_have_count(results.count())
    other.close()

    # One click removes a filter.
    page.get_by_role("link", name=re.compile("Function: Harmonisation")).click()
    expect(page).not_to_have_url(re.compile("function="))
    expect(page).to_have_url(re.compile("reach=global"))


def test_the_pages_work_without_javascript(dataset, live_server, playwright_browser):
    context = playwright_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/networks/bcbs/")
    page.get_by_label("Show the members on").fill(EARLIER)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(rf"as_of={EARLIER}"))
    expect(page.get_by_role("heading", name=re.compile("^What changed since"))).to_be_visible()

    page.goto("/networks/")
    page.get_by_label(re.compile(r"^Harmonisation \d+$")).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"function=harmonisation"))
    expect(page.locator(".result").filter(has_text="Basel Committee")).to_have_count(1)
    context.close()
