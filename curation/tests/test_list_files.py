"""Hostile list files: formulas in cells, XLSX bombs, XML entities, endless rows and columns."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from curation.member_lists import (
    MAX_COLUMNS,
    MAX_ROWS,
    ListError,
    plan_member_list,
    read_table,
)
from tests.factories import make_institution, make_jurisdiction, make_membership, make_network

LIST_DATE = datetime.date(2025, 6, 30)
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: str, doctype: str = "", dimension: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {NS}>{dimension}<sheetData>'
        f"<row>{text_cell('Name')}{text_cell('Country')}</row>{rows}</sheetData></worksheet>"
    ).encode()


def workbook(sheet: bytes | None = None, **extra_parts: bytes) -> bytes:
    """A workbook saved by openpyxl, its first sheet's XML replaced (synthetic test data)."""
    book = Workbook()
    book.active.append(["Name", "Country"])
    book.active.append(["Test Central Bank", "DE"])
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == SHEET and sheet is not None:
                data = sheet
            target.writestr(info.filename, data)
        for name, data in extra_parts.items():
            target.writestr(name, data)
    return out.getvalue()


# --- Formulas in cells --------------------------------------------------------------------


@pytest.fixture
def network(db):
    de = make_jurisdiction()
    network = make_network(slug="test-net")
    bank = make_institution(name="Test Central Bank", slug="de-bank", jurisdiction=de)
    make_membership(network=network, member_institution=bank)
    return network


def errors(network, table) -> dict[tuple[int, str], str]:
    p = plan_member_list(target=network, table=table, list_date=LIST_DATE, end_missing=False)
    found: dict[tuple[int, str], str] = {}
    for e in p.errors:
        found[(e.row, e.field)] = " | ".join(filter(None, [found.get((e.row, e.field)), e.message]))
    return found


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_refused(network):
    text = (
        "Member,Country,Designation\n"
        'Test Central Bank,DE,"=HYPERLINK(""https://evil.example/"",""Click"")"\n'
        "Test Central Bank,@SUM(1+1),\n"
        "Test Central Bank,DE,\"\t+cmd|' /C calc'!A0\"\n"
    )
    found = errors(network, read_table("members.csv", text.encode()))
    message = found[(2, "Designation")]
    assert "members.csv" in message and "=HYPERLINK" in message and "formula" in message
    assert "formula" in found[(3, "Country")]
    assert "formula" in found[(4, "Designation")]  # a leading tab hides nothing


def test_an_xlsx_text_cell_that_starts_a_formula_is_refused(network):
    book = Workbook()
    book.active.append(["Member", "Designation"])
    book.active.append(["Test Central Bank", "-2+3+cmd|' /C calc'!A0"])
    saved = io.BytesIO()
    book.save(saved)
    table = read_table("members.xlsx", saved.getvalue())
    assert "members.xlsx" in errors(network, table)[(2, "Designation")]


@pytest.mark.parametrize("plain", ["-", "-5", "+41 22 730 11 11", "(+1) 555-0100", "1.5"])
def test_numbers_dashes_and_phone_numbers_are_plain_values(network, plain):
    """Without letters or `=`, a formula can call nothing and point nowhere."""
    table = read_table("members.csv", f"Member,Designation\nTest Central Bank,{plain}\n".encode())
    assert errors(network, table) == {}


# --- XLSX bombs ---------------------------------------------------------------------------


def test_a_workbook_that_expands_to_tens_of_megabytes_is_refused_before_parsing():
    row = f"<row>{text_cell('Test Central Bank') * 10}</row>"
    bomb = workbook(sheet_xml(row * 30_000))  # ~15 MB of XML in a few hundred kB
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(ListError, match="expands to more than 10 MB"):
        read_table("bomb.xlsx", bomb)


def test_a_part_compressed_like_a_bomb_is_refused():
    padding = b"<!--" + b" " * 3_000_000 + b"-->"  # 3 MB of nothing, a few kB zipped
    bomb = workbook(sheet_xml(f"<row>{text_cell('Test Central Bank')}</row>") + padding)
    with pytest.raises(ListError, match="compressed more than 100 times"):
        read_table("bomb.xlsx", bomb)


def test_reading_stops_at_the_row_cap():
    """Rows past the cap are never read: here they are not even well-formed XML.

    (As Excel does, the sheet states its size first: openpyxl reads a sheet without one
    to its end on opening, to find it.)
    """
    rows = f"<row>{text_cell('Test Central Bank')}</row>" * (MAX_ROWS + 10)
    size = f'<dimension ref="A1:B{MAX_ROWS + 12}"/>'
    content = workbook(sheet_xml(rows + "<row><c><v>never read</row>", dimension=size))
    with pytest.raises(ListError, match=f"more than {MAX_ROWS} rows"):
        read_table("long.xlsx", content)


def test_a_damaged_sheet_is_a_clear_refusal_not_a_crash():
    rows = f"<row>{text_cell('A')}</row><row><c><v>broken</row>"
    content = workbook(sheet_xml(rows, dimension='<dimension ref="A1:B3"/>'))
    with pytest.raises(ListError, match="not a readable XLSX"):
        read_table("damaged.xlsx", content)


def test_rows_are_not_padded_out_to_the_last_column_of_the_sheet():
    """A cell in column XFD would make every row 16,384 values wide."""
    far = '<c r="XFD1"><v>1</v></c>'
    table = read_table("wide.xlsx", workbook(sheet_xml(f"<row>{text_cell('A')}{far}</row>" * 3)))
    assert len(table.rows) == 3
    assert all(len(cells) <= MAX_COLUMNS for _number, cells in table.rows)


def test_a_csv_of_thousands_of_columns_is_cut_to_the_cap():
    """Thousands of same-named columns also made the renaming of duplicates quadratic."""
    header = ",".join(["Name"] * 3000)
    table = read_table("wide.csv", f"{header}\nTest Central Bank{',' * 100_000}\n".encode())
    assert len(table.headers) == MAX_COLUMNS
    assert all(len(cells) <= MAX_COLUMNS for _number, cells in table.rows)


def test_row_numbers_past_a_spreadsheets_last_row_are_refused():
    """openpyxl yields every missing row before a far one: row 2,000,000,000 would take hours."""
    far = f'<row r="1048577">{text_cell("Test Central Bank")}</row>'
    with pytest.raises(ListError, match="1048576"):
        read_table("far.xlsx", workbook(sheet_xml(far)))


# --- XML entities (defusedxml) ------------------------------------------------------------


def test_xml_entity_declarations_are_refused():
    doctype = '<!DOCTYPE worksheet [<!ENTITY bank "Test Central Bank">]>'
    content = workbook(sheet_xml(f"<row>{text_cell('&bank;')}</row>", doctype))
    with pytest.raises(ListError, match="not a readable XLSX"):
        read_table("entities.xlsx", content)


def test_a_billion_laughs_is_refused():
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    content = workbook(sheet_xml(f"<row>{text_cell('&l9;')}</row>", f"<!DOCTYPE w [{entities}]>"))
    with pytest.raises(ListError, match="not a readable XLSX"):
        read_table("laughs.xlsx", content)
