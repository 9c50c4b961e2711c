"""Measure how tall each page type is at desktop and phone widths (issue #18's before/after).

Not a test: run it against a running site, e.g. after `make run`:

    .venv/bin/python -m tests.browser.heights --base-url http://127.0.0.1:8000 --save after.json
    .venv/bin/python -m tests.browser.heights --compare before.json after.json

The pages are fixed addresses (the screenshot pages plus the largest networks and
jurisdictions), so two runs on two versions of the site measure the same records. A page
the site does not have (404) is reported as such rather than measured. The height is the
document's scroll height once the page's charts are drawn.
"""

import argparse
import json
from pathlib import Path

from playwright.sync_api import sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS
from .screenshots import CHARTS_DRAWN, WIDTHS

PATHS = {
    "home": "/",
    "search": "/search/?q=Basel",
    "networks": "/networks/",
    "network BCBS": "/networks/bcbs/",
    "network FATF": "/networks/fatf/",
    "network ICN": "/networks/icn/",
    "network IPU": "/networks/ipu/",
    "network BIS": "/networks/bis/",
    "network BCBS on 2000-01-01": "/networks/bcbs/?as_of=2000-01-01",
    "lattice": "/lattice/",
    "institutions": "/institutions/",
    "institution Bundesbank": "/institutions/de-bundesbank/",
    "institution SEC": "/institutions/us-sec/",
    "jurisdictions": "/jurisdictions/",
    "jurisdiction US": "/jurisdictions/united-states/",
    "jurisdiction DE": "/jurisdictions/germany/",
    "jurisdiction BR": "/jurisdictions/brazil/",
    "memoranda": "/memoranda/",
    "memorandum IOSCO MMoU": "/memoranda/iosco-mmou/",
    "meetings": "/meetings/",
    "calendar": "/meetings/calendar/",
    "compare": "/compare/?jurisdictions=DE,FR",
    "changes": "/changes/",
}


def measure(base: str) -> dict[str, dict[str, int | None]]:
    heights: dict[str, dict[str, int | None]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PATHS.items():
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    heights.setdefault(name, {})[device] = None
                    continue
                page.wait_for_load_state("networkidle")
                page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
                value = page.evaluate("document.documentElement.scrollHeight")
                heights.setdefault(name, {})[device] = value
            page.close()
        browser.close()
    return heights


def table(before: dict, after: dict | None = None) -> str:
    devices = list(WIDTHS)
    if after is None:
        rows = ["| page | " + " | ".join(f"{d} px" for d in devices) + " |"]
        rows.append("|---|" + "---:|" * len(devices))
        for name, by_device in before.items():
            rows.append(f"| {name} | " + " | ".join(str(by_device.get(d)) for d in devices) + " |")
        return "\n".join(rows)
    header = " | ".join(f"{d} before | {d} after | ratio" for d in devices)
    rows = [f"| page | {header} |", "|---|" + "---:|---:|---:|" * len(devices)]
    for name in after:
        cells = []
        for d in devices:
            old, new = before.get(name, {}).get(d), after[name].get(d)
            ratio = f"{new / old:.2f}" if old and new else "n/a"
            cells += [str(old), str(new), ratio]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--save", type=Path, help="write the heights to this JSON file")
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="compare two runs"
    )
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text("utf-8")) for p in args.compare)
        print(table(before, after))
        return
    heights = measure(args.base_url.rstrip("/"))
    if args.save:
        args.save.write_text(json.dumps(heights, indent=1), "utf-8")
    print(table(heights))


if __name__ == "__main__":
    main()
