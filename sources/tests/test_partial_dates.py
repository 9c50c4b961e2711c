import datetime

import pytest
from django.core.exceptions import ValidationError

from sources.partial_dates import (
    format_partial_date,
    iso_partial_date,
    parse_partial_date,
    truncate,
)

D = datetime.date


@pytest.mark.parametrize(
    ("precision", "human", "iso"),
    [
        ("year", "2009", "2009"),
        ("month", "March 2009", "2009-03"),
        ("day", "March 13, 2009", "2009-03-13"),
    ],
)
def test_a_date_is_shown_only_as_precisely_as_it_is_known(precision, human, iso):
    value = truncate(D(2009, 3, 13), precision)
    assert format_partial_date(value, precision) == human
    assert iso_partial_date(value, precision) == iso


def test_an_unknown_date_is_empty():
    assert format_partial_date(None, "day") == ""
    assert iso_partial_date(None, "year") is None


def test_truncate_goes_to_the_first_day_of_the_period():
    assert truncate(D(2009, 3, 13), "year") == D(2009, 1, 1)
    assert truncate(D(2009, 3, 13), "month") == D(2009, 3, 1)
    assert truncate(D(2009, 3, 13), "day") == D(2009, 3, 13)


# --- Reading written dates: the one parser of the loader, the list imports and forms ------

YEAR, MONTH, DAY = "year", "month", "day"


@pytest.mark.parametrize(
    ("written", "parsed", "precision"),
    [
        ("2004", D(2004, 1, 1), YEAR),
        (2004, D(2004, 1, 1), YEAR),  # a YAML number or a spreadsheet cell
        (2004.0, D(2004, 1, 1), YEAR),
        ("2004-03", D(2004, 3, 1), MONTH),
        # Spreadsheets and people drop the leading zero; "2004-3" can only mean March.
        ("2004-3", D(2004, 3, 1), MONTH),
        ("2004-03-07", D(2004, 3, 7), DAY),
        ("2004-3-7", D(2004, 3, 7), DAY),
        (" 2004-03 ", D(2004, 3, 1), MONTH),
        (D(2004, 3, 7), D(2004, 3, 7), DAY),
        (datetime.datetime(2004, 3, 7, 12, 30), D(2004, 3, 7), DAY),
        ("", None, DAY),
        (None, None, DAY),
    ],
)
def test_a_written_date_gives_the_first_day_of_its_period_and_its_precision(
    written, parsed, precision
):
    assert parse_partial_date(written) == (parsed, precision)


@pytest.mark.parametrize("written", ["March 2004", "04", "2004-", "2004/03", "2004-003", "20045"])
def test_what_is_not_written_as_a_date_is_refused_saying_how_to_write_one(written):
    with pytest.raises(ValidationError) as refused:
        parse_partial_date(written)
    assert refused.value.code == "invalid"
    assert refused.value.messages == [
        f"'{written.strip()}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)"
    ]


@pytest.mark.parametrize("written", ["2004-13", "2004-0", "2004-02-30", "0000"])
def test_a_date_that_does_not_exist_is_refused(written):
    with pytest.raises(ValidationError) as refused:
        parse_partial_date(written)
    assert refused.value.code == "impossible"
    assert refused.value.messages == [f"'{written}' is not a real date"]


def test_a_parsed_date_sits_on_the_first_day_of_its_period_as_the_database_requires():
    for written in ("2004", "2004-3", "2004-03-07"):
        value, precision = parse_partial_date(written)
        assert truncate(value, precision) == value
