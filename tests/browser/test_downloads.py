"""Every download on a network page, clicked in real Chromium, gives the file it names:
the member list as CSV and XLSX (every member in the table, on the date shown) and the
citation as BibTeX, RIS and CSL-JSON (#17)."""

import csv
import io
import json
from pathlib import Path

import bibtexparser
from openpyxl import load_workbook
from playwright.sync_api import Page

# A network of each dataset, and a date on which it had members.
NETWORK = {"real": ("bcbs", "2012-06-30"), "synthetic": ("bcbs", "2020-06-30")}


def download(page: Page, link) -> tuple[str, Path]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path())


def test_each_download_on_a_network_page_gives_its_file(page, dataset):
    slug, on = NETWORK[dataset]
    page.goto(f"/networks/{slug}/?as_of={on}")
    links = page.locator("table.members tbody th a:not(.site)")  # not the websites
    shown = {links.nth(n).get_attribute("href") for n in range(links.count())}
    assert shown

    downloads = page.locator("p.downloads")
    name, path = download(page, downloads.get_by_role("link", name="CSV", exact=True))
    assert name == f"{slug}-members-{on}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Every member the table shows is in the file (by its page's address).
    assert shown <= {"/" + row["member_page"].split("/", 3)[3] for row in rows}
    assert all(row["status_on_date"] in ("confirmed", "possible") for row in rows)
    assert all(row["source_urls"].startswith("http") for row in rows)

    name, path = download(page, downloads.get_by_role("link", name="XLSX", exact=True))
    assert name == f"{slug}-members-{on}.xlsx"
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active
    header, *cells = [[value or "" for value in row] for row in sheet.iter_rows(values_only=True)]
    assert [dict(zip(header, row, strict=True)) for row in cells] == rows

    page.get_by_text("Cite this", exact=True).click()
    cite = page.locator("details.cite")
    name, path = download(page, cite.get_by_role("link", name="BibTeX"))
    assert name == f"lattice-{slug}-{on}.bib"
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == 1
    name, path = download(page, cite.get_by_role("link", name="RIS"))
    assert path.read_bytes().startswith(b"TY  - DATA\r\n")
    name, path = download(page, cite.get_by_role("link", name="CSL-JSON"))
    (item,) = json.loads(path.read_text(encoding="utf-8"))
    assert item["URL"].endswith(f"/networks/{slug}/?as_of={on}")
