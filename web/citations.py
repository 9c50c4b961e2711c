""" "Cite this" for every record page: the citation (sources/citations.py) of a network,
institution, jurisdiction, memorandum or meeting, as BibTeX, RIS or CSL-JSON files, and
shown on the page with the metadata reference managers read (citation_* and DC.* meta
tags, and `<link rel="cite-as">`, RFC 8574).

A network's citation is of its member list on a date: the page's `as_of`, today without
one, and its URL is the page on that date. Other records are cited as of the day.
"""

import datetime
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from curation.models import Release
from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Memorandum, Network
from sources.citations import Citation, citation_key
from web.refusals import AsOfForm, refused_fields

FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", Citation.bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", Citation.ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", None),
}
URL_NAMES = {
    Network: "networks:network-cite",
    Institution: "institutions:institution-cite",
    Jurisdiction: "institutions:jurisdiction-cite",
    Memorandum: "networks:memorandum-cite",
    Meeting: "networks:meeting-cite",
}


def citation_title(record, as_of: datetime.date) -> str:
    date = as_of.isoformat()
    if isinstance(record, Network):
        return _("%(network)s: members on %(date)s") % {"network": record, "date": date}
    if isinstance(record, Institution):
        return _("%(institution)s: memberships of transgovernmental networks, as of %(date)s") % {
            "institution": record,
            "date": date,
        }
    if isinstance(record, Jurisdiction):
        return _("%(jurisdiction)s: institutions in transgovernmental networks, as of %(date)s") % {
            "jurisdiction": record,
            "date": date,
        }
    return _("%(record)s, as of %(date)s") % {"record": record, "date": date}


def latest_release() -> str:
    version = Release.objects.values_list("version", flat=True)  # newest first
    return version.first() or ""


def citation_for(
    request: HttpRequest, record, as_of: datetime.date | None = None, *, release: str = ""
) -> Citation:
    today = timezone.localdate()
    on = as_of or today
    path = record.get_absolute_url()
    if isinstance(record, Network) and on != today:
        path += f"?as_of={on.isoformat()}"
    return Citation(
        key=citation_key(record.slug, on),
        title=citation_title(record, on),
        url=request.build_absolute_uri(path),
        as_of=on,
        accessed=today,
        release=release,
    )


def citation_context(request: HttpRequest, record, as_of: datetime.date | None = None) -> dict:
    """What the page shows: the reference, and the three files of it (which also name
    the latest release: one query spared on every page)."""
    citation = citation_for(request, record, as_of)
    query = f"?as_of={as_of.isoformat()}" if isinstance(record, Network) and as_of else ""
    url_name = URL_NAMES[type(record)]
    return {
        "citation": citation,
        "text": citation.text(),
        **{
            extension: reverse(url_name, kwargs={"slug": record.slug, "extension": extension})
            + query
            for extension in FORMATS
        },
    }


class CiteView(View):
    """GET <record>/cite.bib|.ris|.json[?as_of=YYYY-MM-DD] (as_of: networks only)."""

    model: type = None

    def get(self, request: HttpRequest, slug: str, extension: str) -> HttpResponse:
        record = get_object_or_404(self.model, slug=slug)
        as_of = None
        if self.model is Network:
            form = AsOfForm(request.GET)
            if not form.is_valid():
                return refused_fields(form.errors)
            as_of = form.cleaned_data["as_of"]
        citation = citation_for(request, record, as_of, release=latest_release())
        content_type, write = FORMATS[extension]
        body = write(citation) if write else json.dumps([citation.csl_json()], indent=2)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{citation.key}.{extension}"'
        return response
