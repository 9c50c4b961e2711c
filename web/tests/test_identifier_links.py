"""The institution and network pages list their identifiers with links to the registers
(Wikidata, GLEIF) and give them in their JSON-LD (`sameAs`, `leiCode`). Synthetic test
data only: arbitrary QIDs, and LEIs with made-up characters and computed check digits."""

import json
import re

import pytest

from institutions.models import IdentifierScheme, InstitutionIdentifier
from sources.identifiers import lei_check_digits
from tests.factories import make_institution, make_network

pytestmark = pytest.mark.django_db

LEI_A = "LATTICETESTWEB0001" + lei_check_digits("LATTICETESTWEB0001")
LEI_B = "LATTICETESTWEB0002" + lei_check_digits("LATTICETESTWEB0002")


def json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def identifiers_list(html: str) -> str:
    """The "Identifiers" entry of the page's facts."""
    match = re.search(r"<dt>Identifiers</dt><dd>(.*?)</dd>", html, re.S)
    assert match, "no Identifiers entry"
    return match.group(1)


def test_a_network_page_links_its_qid_and_its_lei(client):
    make_network(slug="net", wikidata_id="Q201", lei=LEI_A)
    html = client.get("/networks/net/").content.decode()
    entry = identifiers_list(html)
    assert '<a href="https://www.wikidata.org/wiki/Q201" rel="noopener">Q201</a>' in entry
    assert f'<a href="https://search.gleif.org/#/record/{LEI_A}" rel="noopener">{LEI_A}</a>' in (
        entry
    )
    assert "Legal Entity Identifier (LEI)" in entry
    data = json_ld(html)
    assert data["leiCode"] == LEI_A
    assert "https://www.wikidata.org/wiki/Q201" in data["sameAs"]


def test_a_network_page_without_identifiers_has_no_entry(client):
    make_network(slug="plain")
    html = client.get("/networks/plain/").content.decode()
    assert "<dt>Identifiers</dt>" not in html
    assert "leiCode" not in json_ld(html)


def test_a_network_with_only_an_lei_lists_only_it(client):
    make_network(slug="net", lei=LEI_A)
    entry = identifiers_list(client.get("/networks/net/").content.decode())
    assert "wikidata.org" not in entry
    assert f"https://search.gleif.org/#/record/{LEI_A}" in entry


def test_an_institution_page_links_its_qid_and_its_lei(client):
    institution = make_institution(slug="inst")
    for scheme, value in ((IdentifierScheme.WIKIDATA, "Q101"), (IdentifierScheme.LEI, LEI_B)):
        InstitutionIdentifier.objects.create(
            institution=institution, scheme=scheme, identifier=value
        )
    html = client.get("/institutions/inst/").content.decode()
    entry = identifiers_list(html)
    assert '<a href="https://www.wikidata.org/wiki/Q101" rel="noopener">Q101</a>' in entry
    assert f'<a href="https://search.gleif.org/#/record/{LEI_B}" rel="noopener">{LEI_B}</a>' in (
        entry
    )
    data = json_ld(html)
    assert data["leiCode"] == LEI_B
    assert "https://www.wikidata.org/wiki/Q101" in data["sameAs"]


def test_the_entry_has_no_inline_style_or_script(client):
    make_network(slug="net", wikidata_id="Q201", lei=LEI_A)
    entry = identifiers_list(client.get("/networks/net/").content.decode())
    assert "style=" not in entry
    assert "<script" not in entry


@pytest.mark.parametrize("page", ["/networks/", "/institutions/"])
def test_a_list_filtered_by_identifier_keeps_the_filter_when_a_facet_is_chosen(client, page):
    html = client.get(page, {"wikidata": "Q42", "lei": LEI_A}).content.decode()
    assert '<input type="hidden" name="wikidata" value="Q42">' in html
    assert f'<input type="hidden" name="lei" value="{LEI_A}">' in html
