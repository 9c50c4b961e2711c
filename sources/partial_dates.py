"""Dates known only to the year or month.

Many facts are known only as "joined in 2009". We store such a date as the first
day of its period together with its precision, and never display or export it as
"1 January 2009". Stored values must sit on the first day of their period; a check
constraint enforces it (`partial_date_constraint`).
"""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def precision_field(date_field: str) -> models.CharField:
    """The companion field saying how precisely `date_field` is known."""
    return models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "How precisely %(field)s is known: a year-only date is stored as 1 January "
            "of that year and shown as the year alone."
        )
        % {"field": date_field.replace("_", " ")},
    )


def partial_date_constraint(date_field: str, name: str) -> models.CheckConstraint:
    """A year-precision date must be 1 January, a month-precision date the 1st."""
    precision = f"{date_field}_precision"
    return models.CheckConstraint(
        condition=models.Q(**{f"{date_field}__isnull": True})
        | models.Q(**{precision: DatePrecision.DAY})
        | models.Q(**{precision: DatePrecision.MONTH, f"{date_field}__day": 1})
        | models.Q(
            **{precision: DatePrecision.YEAR, f"{date_field}__month": 1, f"{date_field}__day": 1}
        ),
        name=name,
        violation_error_message=_(
            "A date known only to the month or year must be stored as the first day of "
            "that month or year."
        ),
    )


# YYYY, YYYY-MM or YYYY-MM-DD. Spreadsheets and people drop leading zeros, and "2004-3"
# can only mean March 2004, so one-digit months and days are accepted.
PARTIAL_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_partial_date(value: Any) -> tuple[datetime.date | None, str]:
    """(first day of the period, precision) from a written date: '2009', '2009-03' or
    '2009-03-17' (or a date a YAML file or a spreadsheet already parsed).

    Empty gives (None, day). Anything else raises ValidationError: code "invalid" for
    what is not written as a date, "impossible" for a date that does not exist
    ('2009-02-30'). The loader, the member-list imports and their forms all read
    dates here.
    """
    if value is None or value == "":
        return None, DatePrecision.DAY
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's year cell: 2009.0
    text = str(value).strip()
    match = PARTIAL_DATE_RE.fullmatch(text)
    if not match:
        raise ValidationError(
            _("'%(value)s' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD)"),
            code="invalid",
            params={"value": text},
        )
    year, month, day = match.groups()
    try:
        parsed = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValidationError(
            _("'%(value)s' is not a real date"), code="impossible", params={"value": text}
        ) from None
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return parsed, precision


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period of `value` at `precision`."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def period_last_day(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period of `value` at `precision` (31 December of a year-only
    date, the month's last day of a month-only one)."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)
    return value


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """Human form: '2009', 'March 2009' or '17 March 2009'; empty when unknown."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def iso_partial_date(value: datetime.date | None, precision: str) -> str | None:
    """Machine form (ISO 8601 reduced precision): '2009', '2009-03' or '2009-03-17'."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
