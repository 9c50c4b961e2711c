"""Save screenshots of every page type at phone and desktop widths (docs/screenshots/).

Not a test: run it against a running site, e.g. after `make run`:

    .venv/bin/python -m tests.browser.screenshots --base-url http://127.0.0.1:8000

It finds one network, institution, jurisdiction, memorandum and meeting by following the
site's own links, starting from the Basel Committee (`/networks/bcbs/`).
"""

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
MAX_HEIGHT = {"phone": 1600, "desktop": 1100}


def first_href(page: Page, url: str, selector: str) -> str | None:
    page.goto(url)
    links = page.locator(selector)
    return links.first.get_attribute("href") if links.count() else None


def page_paths(page: Page, base: str, network: str) -> dict[str, str]:
    """Paths of every page type; a type the dataset has no record of is left out."""
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
    paths = {
        "home": "/",
        "search": "/search/?q=Basel",
        "networks": "/networks/?function=harmonisation",
        "network": network_path,
        "network-as-of": f"{network_path}?as_of=2000-01-01#members-heading",
        "institution": institution,
        "jurisdiction": jurisdiction,
        "jurisdictions": "/jurisdictions/",
        "memoranda": "/memoranda/",
        "memorandum": memorandum,
        "meetings": "/meetings/",
        "meeting": meeting,
        "calendar": "/meetings/calendar/",
        "not-found": "/no-such-page/",
    }
    return {name: path for name, path in paths.items() if path}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs/screenshots", type=Path)
    parser.add_argument("--network", default="bcbs", help="slug of the network to show")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.base_url.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        paths = page_paths(page, base, args.network)
        for device, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            shot = context.new_page()
            for name, path in paths.items():
                shot.goto(base + path)
                full = shot.evaluate("document.documentElement.scrollHeight")
                # An address with #fragment is shown from that part of the page down.
                top = 0
                if "#" in path:
                    anchor = shot.locator("#" + path.split("#", 1)[1])
                    top = max(0, int(anchor.bounding_box()["y"] + shot.evaluate("scrollY")) - 16)
                target = args.out / f"{name}-{device}.png"
                shot.screenshot(
                    path=target,
                    full_page=True,
                    clip={
                        "x": 0,
                        "y": top,
                        "width": width,
                        "height": min(full - top, MAX_HEIGHT[device]),
                    },
                )
                print(target)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
