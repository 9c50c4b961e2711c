"""A network's member list as CSV and XLSX (web/downloads.py): every row on the date
shown, as the page lists them, with roles, dates at their precision and sources."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_membership,
    make_network,
    make_source,
)
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

D = datetime.date


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response) -> list[dict]:
    assert response.status_code == 200, response
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


def build_network():
    network = make_network(name="A Large Network", slug="large")
    japan = make_jurisdiction(code="JP", name="Japan")
    for n in range(120):  # more than the page's 100 a page
        make_membership(
            network=network,
            member_institution=make_institution(name=f"Agency {n:03}", jurisdiction=japan),
            start_date=D(2004, 1, 1),
            start_date_precision="year",
        )
    make_membership(
        network=network,
        member_institution=make_institution(name="Gone Agency"),
        start_date=D(1990, 1, 1),
        end_date=D(2000, 6, 30),
        end_reason="withdrew",
        sources=[make_source(url="https://example.org/list-1999")],
    )
    return network


class TestALargeNetwork:
    """121 memberships, built once for the class (tests/shared_rows.py): the tests read."""

    @pytest.fixture(scope="class")
    @classmethod
    def network(cls, django_db_setup, django_db_blocker):
        with shared_rows(django_db_blocker):
            yield build_network()

    def test_the_csv_holds_every_member_on_the_date_not_a_page(self, client, network):
        rows = read_csv(client.get("/networks/large/members.csv"))
        assert len(rows) == 120
        assert [row["member"] for row in rows[:2]] == ["Agency 000", "Agency 001"]
        first = rows[0]
        assert first["since"] == "2004"  # as precise as the source
        assert first["jurisdiction_code"] == "JP" and first["role"] == "member"
        assert first["status_on_date"] == "confirmed"
        assert first["source_urls"].startswith("https://")
        assert first["member_page"].startswith("http://testserver/institutions/")
        assert "Gone Agency" not in {row["member"] for row in rows}

    def test_a_past_date_gives_the_members_of_that_date(self, client, network):
        rows = read_csv(client.get("/networks/large/members.csv", {"as_of": "1999-01-01"}))
        assert [row["member"] for row in rows] == ["Gone Agency"]
        assert rows[0]["until"] == "2000-06-30" and rows[0]["end_reason"] == "withdrew"
        assert rows[0]["source_urls"] == "https://example.org/list-1999"

    def test_the_xlsx_has_the_same_rows_as_the_csv(self, client, network):
        as_csv = read_csv(client.get("/networks/large/members.csv"))
        as_xlsx = read_xlsx(client.get("/networks/large/members.xlsx"))
        assert as_xlsx == as_csv
        response = client.get("/networks/large/members.xlsx", {"as_of": "2010-05-01"})
        assert response["Content-Disposition"] == (
            'attachment; filename="large-members-2010-05-01.xlsx"'
        )

    def test_a_bad_date_is_refused_as_the_page_refuses_it(self, client, network):
        for value in ("2010-13-01", "2999-01-01", "yesterday"):
            response = client.get("/networks/large/members.csv", {"as_of": value})
            assert response.status_code == 400, value
            assert response.content.decode().startswith("as_of: ")
        assert client.get("/networks/nope/members.csv").status_code == 404

    def test_the_queries_do_not_grow_with_the_members(self, client, network):
        small = make_network(slug="small")
        make_membership(network=small)

        def queries(slug: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                read_csv(client.get(f"/networks/{slug}/members.csv"))
            return len(captured)

        assert queries("large") == queries("small")

    def test_the_network_page_offers_both_files_for_the_date_shown(self, client, network):
        html = client.get("/networks/large/", {"as_of": "2010-05-01"}).content.decode()
        assert 'href="/networks/large/members.csv?as_of=2010-05-01" download>CSV' in html
        assert 'href="/networks/large/members.xlsx?as_of=2010-05-01" download>XLSX' in html
        today = client.get("/networks/large/").content.decode()
        assert 'href="/networks/large/members.csv" download>CSV' in today


def test_a_name_a_spreadsheet_would_run_is_written_as_text(client):
    network = make_network(slug="tricky")
    make_membership(
        network=network,
        member_institution=make_institution(name='=HYPERLINK("https://evil.example","x")'),
    )
    (row,) = read_csv(client.get("/networks/tricky/members.csv"))
    assert row["member"] == '\'=HYPERLINK("https://evil.example","x")'
    (row,) = read_xlsx(client.get("/networks/tricky/members.xlsx"))
    assert row["member"].startswith("'=")
