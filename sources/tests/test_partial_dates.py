import datetime

import pytest

from sources.partial_dates import format_partial_date, iso_partial_date, truncate

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
