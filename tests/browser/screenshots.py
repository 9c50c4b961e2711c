"""Save full-page screenshots of every page type at phone and desktop widths (docs/screenshots/).

Not a test: run it against a running site, e.g. after `make run`:

    .venv/bin/python -m tests.browser.screenshots --base-url http://127.0.0.1:8000

It finds one network, institution, jurisdiction, memorandum, meeting and comparison by
following the site's own links, starting from the Basel Committee (`/networks/bcbs/`).
Each page is shot whole, after its charts (graphs, maps, timelines) have been drawn; a
page whose image would pass MAX_BYTES is cut at CAP_HEIGHT pixels, and the script says
so. An address with a #fragment is shot from that part of the page down.

The admin's member-list import screen is shot only when a staff account is given, best
through the environment (it keeps the password out of the shell history and `ps`):

    SCREENSHOTS_ADMIN_USER=... SCREENSHOTS_ADMIN_PASSWORD=... \\
        .venv/bin/python -m tests.browser.screenshots --base-url http://127.0.0.1:8000

or with --admin-user and --admin-password. An account with an authenticator also needs
a current code: --admin-otp or SCREENSHOTS_ADMIN_OTP. Without an account, the admin shot
is left out and the others are made as usual.
"""

import argparse
import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
# A PNG larger than this is shot again, cut at CAP_HEIGHT pixels.
MAX_BYTES = 1_500_000
CAP_HEIGHT = 8000

# True once every chart the page's data allows has been drawn (static/js/visual.js draws
# a graph into a <canvas>, a map and a timeline into an <svg>; a chart without data is
# left as its table). The map waits for the world's outline, fetched after the page.
CHARTS_DRAWN = """() => {
  if (document.querySelector("figure[data-chart]") && typeof d3 === "undefined") return false;
  return [...document.querySelectorAll("figure[data-chart]")].every((figure) => {
    const block = document.getElementById(figure.dataset.source);
    const data = block ? JSON.parse(block.textContent) : null;
    const kind = figure.dataset.chart;
    if (kind === "timeline") {
      return !(data && data.length) || !!figure.querySelector(".timeline-canvas svg path");
    }
    if (kind.endsWith("map")) {
      return !data || !!figure.querySelector(".map-canvas svg path");
    }
    return !(data && data.nodes && data.nodes.length)
      || !!figure.querySelector(".graph-canvas canvas");
  });
}"""


def first_href(page: Page, url: str, selector: str) -> str | None:
    page.goto(url)
    links = page.locator(selector)
    if not links.count():
        return None
    # The link's own address, resolved against the page (some are "?query" only).
    return links.first.evaluate("link => link.pathname + link.search")


def page_paths(page: Page, base: str, network: str) -> dict[str, str]:
    """Paths of every public page type; a type the dataset has no record of is left out."""
    network_path = f"/networks/{network}/"
    institution = first_href(
        page,
        base + network_path,
        "table.members tbody tr:has(td[data-label='Jurisdiction'] a) th a",
    )
    jurisdiction = institution and first_href(
        page, base + institution, ".facts a[href^='/jurisdictions/']"
    )
    memorandum = first_href(page, base + "/memoranda/", ".results .result-title a")
    meeting = first_href(page, base + "/meetings/", ".results .result-title a")
    compare = first_href(page, base + "/compare/", "#compare-help a")
    paths = {
        "home": "/",
        "search": "/search/?q=Basel",
        "networks": "/networks/?function=harmonisation",
        "network": network_path,
        # Past the members table: the graph, member map, timeline and who is missing.
        "network-visuals": f"{network_path}#visuals-heading",
        "network-as-of": f"{network_path}?as_of=2000-01-01#members-heading",
        "lattice": "/lattice/",
        "institutions": "/institutions/",
        "institution": institution,
        "jurisdictions": "/jurisdictions/",
        "jurisdiction": jurisdiction,
        "jurisdiction-coverage": jurisdiction and f"{jurisdiction}#jurisdiction-coverage-heading",
        "compare": compare,
        "memoranda": "/memoranda/",
        "memorandum": memorandum,
        "meetings": "/meetings/",
        "meeting": meeting,
        "calendar": "/meetings/calendar/",
        "changes": "/changes/",
        "not-found": "/no-such-page/",
    }
    return {name: path for name, path in paths.items() if path}


def sign_in(page: Page, base: str, user: str, password: str, otp: str) -> None:
    """Sign in to the admin; raises if the site refuses the account."""
    page.goto(base + "/admin/login/?next=/admin/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    if otp and page.locator("#id_otp_token").count():
        page.fill("#id_otp_token", otp)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state()
    if "/admin/login/" in page.url:
        raise SystemExit(f"The admin refused to sign in {user!r}; no admin screenshots made.")


def admin_paths(page: Page, base: str, network: str) -> dict[str, str]:
    """The signed-in admin's member-list import screen for the network."""
    page.goto(f"{base}/admin/networks/network/?q={network}")
    for href in page.locator("#result_list tbody th a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    ):
        match = re.match(r"(/admin/networks/network/[^/]+/)change/", href)
        if not match:
            continue
        page.goto(base + match.group(1) + "change/")
        if page.locator("#id_slug").input_value() == network:
            return {"admin-import": match.group(1) + "import-list/"}
    return {}


def shoot(page: Page, url: str, target: Path, width: int) -> str:
    """Save the page from url (whole, or from its #fragment down); returns a note."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
    # Cytoscape paints on the next animation frames.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(300)
    full = page.evaluate("document.documentElement.scrollHeight")
    top = 0
    if "#" in url:
        anchor = page.locator("#" + url.split("#", 1)[1])
        top = max(0, int(anchor.bounding_box()["y"] + page.evaluate("scrollY")) - 16)
        page.evaluate("window.scrollTo(0, 0)")
    height = full - top
    page.screenshot(
        path=target, full_page=True, clip={"x": 0, "y": top, "width": width, "height": height}
    )
    if target.stat().st_size <= MAX_BYTES or height <= CAP_HEIGHT:
        return f"{height} px"
    page.screenshot(
        path=target,
        full_page=True,
        clip={"x": 0, "y": top, "width": width, "height": CAP_HEIGHT},
    )
    return f"cut at {CAP_HEIGHT} of {height} px"


def shoot_all(browser: Browser, base: str, out: Path, paths: dict, storage=None) -> None:
    for device, (width, height) in WIDTHS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, storage_state=storage
        )
        page = context.new_page()
        for name, path in paths.items():
            target = out / f"{name}-{device}.png"
            note = shoot(page, base + path, target, width)
            print(f"{target}  {target.stat().st_size // 1024} KB, {note}")
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    parser.add_argument("--network", default="bcbs", help="slug of the network to show")
    parser.add_argument(
        "--admin-user",
        default=os.environ.get("SCREENSHOTS_ADMIN_USER", ""),
        help="staff account for the admin screenshot (or SCREENSHOTS_ADMIN_USER)",
    )
    parser.add_argument(
        "--admin-password",
        default=os.environ.get("SCREENSHOTS_ADMIN_PASSWORD", ""),
        help="its password (better: SCREENSHOTS_ADMIN_PASSWORD)",
    )
    parser.add_argument(
        "--admin-otp",
        default=os.environ.get("SCREENSHOTS_ADMIN_OTP", ""),
        help="its authenticator code, if it has one (or SCREENSHOTS_ADMIN_OTP)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        shoot_all(browser, base, args.out, page_paths(page, base, args.network))
        if args.admin_user and args.admin_password:
            sign_in(page, base, args.admin_user, args.admin_password, args.admin_otp)
            storage = page.context.storage_state()
            shoot_all(browser, base, args.out, admin_paths(page, base, args.network), storage)
        else:
            print("No admin account given: the admin screenshot is left out.")
        browser.close()


if __name__ == "__main__":
    main()
