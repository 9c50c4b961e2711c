"""A network's members on a date as a file, CSV or XLSX (#17): every row, not a page of
them, with the same selection and order as the network page's table (`members_on`),
roles, dates in ISO 8601 at their source's precision ("2004", "2004-03", "2004-03-15"),
whether each member is confirmed on that date or only possibly one, and the URLs of the
sources.

Cells that a spreadsheet would run as a formula (starting with =, +, - or @) get a
leading apostrophe: the names come from curators and from imported lists, and a file
from a public site must not be able to run anything in the reader's spreadsheet.
"""

import csv
import datetime
import io

from django.db import models
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from networks.models import Network
from sources.partial_dates import iso_partial_date
from web.refusals import AsOfForm, refused_fields

COLUMNS = [
    "member",
    "member_slug",
    "member_kind",
    "jurisdiction_code",
    "jurisdiction",
    "role",
    "label",
    "since",
    "until",
    "end_reason",
    "status_on_date",
    "source_urls",
    "member_page",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def member_name_order() -> list:
    return [Coalesce("member_institution__name", "member_network__name"), "role", "start_date"]


def members_on(network: Network, on: datetime.date) -> models.QuerySet:
    """The network's members on the date, confirmed ones first, by name: the page's
    table and the downloads list the same rows in the same order."""
    return (
        network.memberships.select_related("member_institution__jurisdiction", "member_network")
        .as_of(on)
        .with_held_now()
        .with_confirmed_on(on)
        .prefetch_related("sources")
        .order_by(models.F("confirmed_then").desc(), *member_name_order(), "pk")
    )


def safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def member_rows(request: HttpRequest, network: Network, on: datetime.date):
    yield COLUMNS
    for m in members_on(network, on).iterator(chunk_size=500):
        member = m.member
        jurisdiction = m.member_institution.jurisdiction if m.member_institution else None
        yield [
            safe(value)
            for value in (
                member.name,
                member.slug,
                "institution" if m.member_institution_id else "network",
                jurisdiction.code if jurisdiction else "",
                jurisdiction.name if jurisdiction else "",
                m.role,
                m.label,
                iso_partial_date(m.start_date, m.start_date_precision),
                iso_partial_date(m.end_date, m.end_date_precision),
                m.end_reason,
                "confirmed" if m.confirmed_then else "possible",
                " ".join(source.url for source in m.sources.all()),
                request.build_absolute_uri(member.get_absolute_url()),
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


class NetworkMembersDownload(View):
    """GET /networks/<slug>/members.csv|.xlsx?as_of=YYYY-MM-DD (today without it)."""

    def get(self, request: HttpRequest, slug: str, extension: str) -> HttpResponse:
        network = get_object_or_404(Network, slug=slug)
        form = AsOfForm(request.GET)
        if not form.is_valid():
            return refused_fields(form.errors)
        on = form.cleaned_data["as_of"] or timezone.localdate()
        filename = f"{network.slug}-members-{on.isoformat()}.{extension}"
        rows = member_rows(request, network, on)
        if extension == "csv":
            writer = csv.writer(_Echo())
            response = StreamingHttpResponse(
                (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                xlsx(rows, title=_("Members")),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def xlsx(rows, *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
