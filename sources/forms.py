"""How input is read, once for every reader: the `as_of` date and published addresses.

Pages (forms and the FilterSets), the API (api.filters.AsOfParameter wraps AsOfField)
and the admin all read through the fields here, so a value is accepted or refused, with
the same message, wherever it is given.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import validate_http_url

# The `as_of` date. Before 1800 there are no records to show; up to ten years ahead,
# because accessions and withdrawals are often announced (and recorded) in advance,
# and a date beyond that is a typing mistake ("2999"), not a question.
AS_OF_EARLIEST = datetime.date(1800, 1, 1)
AS_OF_YEARS_AHEAD = 10


def as_of_latest(today: datetime.date | None = None) -> datetime.date:
    """The latest `as_of` date accepted: ten years from today (28 February for the 29th)."""
    today = today or timezone.localdate()
    year = today.year + AS_OF_YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def validate_as_of(value: datetime.date) -> None:
    """Refuse an `as_of` date outside AS_OF_EARLIEST to `as_of_latest()`."""
    latest = as_of_latest()
    if not AS_OF_EARLIEST <= value <= latest:
        raise ValidationError(
            _("Choose a date from %(earliest)s to %(latest)s."),
            code="out_of_range",
            params={"earliest": AS_OF_EARLIEST.isoformat(), "latest": latest.isoformat()},
        )


class AsOfField(forms.DateField):
    """The date on which memberships are read (`as_of`): YYYY-MM-DD, within the bounds
    above; empty means today (the caller decides)."""

    default_validators = [validate_as_of]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # One written form, the one the date input and the API documentation use: a
        # locale's "03/04/2010" would read differently from one language to the next.
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class HttpURLField(forms.URLField):
    """A published address: a full http:// or https:// URL (`validate_http_url`)."""

    default_validators = [validate_http_url]
    # A field puts its own message on a validator's error of the same code.
    default_error_messages = {"invalid": validate_http_url.message}

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
