"""What the file-like answers of the site (calendars, feeds, downloads, citations) share:
the network page's `as_of` form, and a refusal as plain text naming each field and why,
since a calendar application or a spreadsheet shows no HTML error page."""

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from sources.forms import AsOfField


class AsOfForm(forms.Form):
    """The network page's "as of" date: a plain GET form, no JavaScript needed. Read by
    the same field as every other `as_of` (lists, API, visuals)."""

    as_of = AsOfField(label=_("Members on"))


def refused(message: str) -> HttpResponse:
    """400, in plain text."""
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def refused_fields(errors: dict) -> HttpResponse:
    """400 naming each field that was refused and why, one a line ("as_of: …")."""
    return refused("\n".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
