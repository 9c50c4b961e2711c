"""Small fixes after #18: an old-style `?jurisdiction=DE` link shows the filter it applies,
and the "Cite this" box fits a phone (its long address may break)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_institution, make_jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    germany = make_jurisdiction(code="DE", name="Germany", slug="germany")
    france = make_jurisdiction(code="FR", name="France", slug="france", subregion="")
    return {
        "de": make_institution(name="German agency", jurisdiction=germany),
        "fr": make_institution(name="French agency", jurisdiction=france),
    }


def chips(html: str) -> list[tuple[str, str]]:
    """(link, text) of each active-filter chip."""
    found = re.findall(r'<a class="chip" href="([^"]*)">([^<]*)<', html)
    return [(href.replace("&amp;", "&"), text.strip()) for href, text in found]


@pytest.mark.parametrize("given", ["DE", "de", "germany", "Germany", "DEU"])
def test_a_jurisdiction_given_by_code_or_in_any_case_shows_its_chip(client, places, given):
    html = client.get("/institutions/", {"jurisdiction": given, "branch": "regulator"}).content
    html = html.decode()
    assert "German agency" in html and "French agency" not in html
    # Named as the facet names it, and its link takes away exactly what the address gave.
    assert ("?branch=regulator", "Country or jurisdiction: Germany") in chips(html)


def test_the_chip_of_a_name_given_as_the_facet_gives_it_is_unchanged(client, places):
    html = client.get("/institutions/", {"jurisdiction": "Germany"}).content.decode()
    assert chips(html) == [("/institutions/", "Country or jurisdiction: Germany")]


def test_an_unknown_jurisdiction_shows_an_error_and_no_chip(client, places):
    html = client.get("/institutions/", {"jurisdiction": "Atlantis"}).content.decode()
    assert "Unknown jurisdiction: Atlantis" in html
    assert not [text for _, text in chips(html) if text.startswith("Country")]


def test_the_cite_box_lets_its_long_address_break():
    """The citation's address is one long word: on a 390 px screen it made the "Cite
    this" box, and the page, wider than the screen (the browser test measures it:
    tests/browser/test_dates_and_counts.py)."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "lattice.css").read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    assert any(
        re.search(r"(^|[\s,])\.cite\b", selector) and "overflow-wrap: anywhere" in body
        for selector, body in rules
    ), "no rule lets the text of .cite break anywhere"
