"""axe-core finds no WCAG 2.1 A/AA violation on any page type, at desktop and phone
widths, and no page is wider than a phone's screen.

axe-core is vendored (tests/browser/vendor/, MPL-2.0). It is evaluated in the page
through the DevTools protocol rather than added as a <script> element: the site's strict
Content-Security-Policy (script-src 'self') rightly refuses inline scripts, and these
tests keep it switched on so that a CSP violation shows up as a console error.

The dataset fixture gives published links every check state; only a broken link is
marked (#18), so the pages axe checks show that mark and never another.
"""

import pytest
from playwright.sync_api import Page

from .conftest import AXE
from .screenshots import page_paths

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# The link checker's marks: only a broken link's is shown (#18); the others' states stay
# in the admin. Each list must match what the pages show.
LINK_CHECK_MARKS = ["broken"]
HIDDEN_LINK_CHECK_MARKS = ["ok", "failing", "unchecked"]
# Page types beyond those the screenshots show.
EXTRA_PATHS = {
    "institutions": "/institutions/",
    "networks-invalid-filter": "/networks/?dimension=sideways",
    "search-no-hits": "/search/?q=zzyzx",
}


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    # resultTypes: every rule still runs on every node, but axe describes in full (a
    # selector per node, its slowest step) only the violations, the one result type read
    # here; passes and incomplete results keep one node each. Half the time of a run on
    # the real dataset's long pages, which is most of the browser tests' time.
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


# One test per width: two shorter tests share the parallel workers better than one long one.
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_no_page_has_an_accessibility_violation_or_overflows_a_phone(
    dataset, live_server, page, width_name
):
    paths = {**page_paths(page, live_server.url, "bcbs"), **EXTRA_PATHS}
    # The screenshots show some pages twice, from a section down (`#…`): check each once.
    unique = {}
    for name, path in paths.items():
        unique.setdefault(path.split("#", 1)[0], name)
    paths = {name: path for path, name in unique.items()}
    problems = []
    marks_seen = set()
    width, height = WIDTHS[width_name]
    page.set_viewport_size({"width": width, "height": height})
    for name, path in paths.items():
        page.goto(path)
        problems += [f"{name} ({width_name}) {path}: {v}" for v in axe_violations(page)]
        marks_seen |= {
            m
            for m in LINK_CHECK_MARKS + HIDDEN_LINK_CHECK_MARKS
            if page.locator(f".link-check-{m}").count()
        }
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{name} ({width_name}) {path}: {scroll_width}px wide")
    assert not problems, "\n".join(problems)
    assert marks_seen == set(LINK_CHECK_MARKS), f"link-check marks shown: {marks_seen}"
