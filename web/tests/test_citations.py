""" "Cite this" (sources/citations.py, web/citations.py): BibTeX, RIS and CSL-JSON of a
record, read back with bibtexparser and citeproc-py, and the page metadata reference
managers read."""

import datetime
import json
import re

import bibtexparser
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.utils import timezone

from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_memorandum,
    make_network,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return make_network(
        name="Basel Committee on Banking Supervision {& friends}",
        acronym="BCBS",
        slug="bcbs",
        founded_on=datetime.date(1974, 12, 1),
    )


def test_a_network_on_a_past_date_is_cited_in_bibtex(client, network):
    response = client.get("/networks/bcbs/cite.bib", {"as_of": "2010-01-01"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "lattice-bcbs-2010-01-01"
    fields = {field.key: field.value for field in entry.fields}
    # Braces and the ampersand escaped, so TeX reads the title as it is.
    assert fields["title"] == (
        r"Basel Committee on Banking Supervision \{\& friends\} (BCBS): members on 2010-01-01"
    )
    assert fields["year"] == "2010" and fields["date"] == "2010-01-01"
    assert fields["url"] == "http://testserver/networks/bcbs/?as_of=2010-01-01"
    assert fields["urldate"] == timezone.localdate().isoformat()


def test_the_csl_json_renders_with_citeproc(client, network):
    response = client.get("/networks/bcbs/cite.json", {"as_of": "2010-01-01"})
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("lattice-bcbs-2010-01-01")]))
    (reference,) = [str(item) for item in bibliography.bibliography()]
    assert "Lattice (2010)" in reference
    assert "members on 2010-01-01" in reference
    assert "http://testserver/networks/bcbs/?as_of=2010-01-01" in reference


def test_ris_has_one_tagged_field_a_line(client, network):
    text = client.get("/networks/bcbs/cite.ris", {"as_of": "2010-01-01"}).content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "TY  - DATA" and lines[-2] == "ER  -" and lines[-1] == ""
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - ?.*", line) for line in lines[:-1])
    assert (
        "DA  - 2010/01/01" in lines
        and "UR  - http://testserver/networks/bcbs/?as_of=2010-01-01" in lines
    )


def test_every_kind_of_record_page_offers_its_citation_and_metadata(client):
    jurisdiction = make_jurisdiction(code="FR", name="France")
    records = [
        make_network(slug="fatf", name="FATF"),
        make_institution(
            slug="amf", name="Autorité des marchés financiers", jurisdiction=jurisdiction
        ),
        jurisdiction,
        make_memorandum(slug="mmou", title="IOSCO MMoU"),
        make_meeting(slug="plenary-2024", title="Plenary 2024"),
    ]
    for record in records:
        page = record.get_absolute_url()
        html = client.get(page).content.decode()
        today = timezone.localdate().isoformat()
        assert f'<link rel="cite-as" href="http://testserver{page}">' in html, page
        assert '<meta name="citation_title" content="' in html, page
        assert f'<meta name="DC.date" content="{today}">' in html, page
        for extension in ("bib", "ris", "json"):
            assert f'href="{page}cite.{extension}" download' in html, page
            assert client.get(f"{page}cite.{extension}").status_code == 200, (page, extension)


def test_the_network_page_cites_the_date_it_shows(client, network):
    html = client.get("/networks/bcbs/", {"as_of": "2010-01-01"}).content.decode()
    assert 'href="/networks/bcbs/cite.bib?as_of=2010-01-01" download' in html
    assert '<link rel="cite-as" href="http://testserver/networks/bcbs/?as_of=2010-01-01">' in html
    assert client.get("/networks/bcbs/cite.bib", {"as_of": "2010-13-01"}).status_code == 400
    assert client.get("/networks/nope/cite.bib").status_code == 404


def test_the_api_detail_links_the_citation_files(client, network):
    data = client.get("/api/v1/networks/bcbs/", {"as_of": "2010-01-01"}).json()
    assert data["citation"]["bibtex"] == "http://testserver/networks/bcbs/cite.bib?as_of=2010-01-01"
    assert client.get(data["citation"]["ris"]).status_code == 200
    institution = make_institution(slug="amf", name="AMF")
    data = client.get(f"/api/v1/institutions/{institution.slug}/").json()
    assert data["citation"]["csl_json"] == "http://testserver/institutions/amf/cite.json"


def test_the_files_name_the_latest_release(client, network):
    from curation.models import Release

    assert "version" not in client.get("/networks/bcbs/cite.json").json()[0]
    Release.objects.create(
        version="2026-12-01.1",
        created_at=timezone.now(),
        change_set_high_water=0,
        content_version="synthetic",
        files=[],
        counts={},
    )
    (item,) = client.get("/networks/bcbs/cite.json").json()
    assert item["version"] == "2026-12-01.1"
    assert item["note"].endswith("; release 2026-12-01.1")
    entry = bibtexparser.parse_string(client.get("/networks/bcbs/cite.bib").content.decode())
    assert entry.entries[0].fields_dict["version"].value == "2026-12-01.1"
    assert "ET  - 2026-12-01.1\r\n" in client.get("/networks/bcbs/cite.ris").content.decode()
