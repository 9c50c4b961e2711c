"""Meeting calendars: iCalendar feeds (RFC 5545, with RFC 7986's NAME, DESCRIPTION,
URL, SOURCE and REFRESH-INTERVAL) of the meetings that any filter of the meetings list
selects: all of them, one network's (`?network=`), those held in one jurisdiction
(`?jurisdiction=`), the upcoming ones, and any combination, with the one FilterSet that
the list page and the API use.

Calendar applications poll a subscribed feed and merge what they read, so each event
keeps one UID for life (the meeting's primary key: a new title or slug does not make it
a new event), and its SEQUENCE counts the meeting's recorded changes (its history rows),
so that an edited meeting replaces the copy a reader already has. DTSTAMP and
LAST-MODIFIED are the meeting's last change, not the time of the request: the same data
gives the same bytes, which the response cache and conditional requests rely on.
"""

import datetime

import icalendar
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from networks.filters import MeetingFilterSet
from networks.models import Meeting, Network
from web.refusals import refused, refused_fields

# A calendar has no pages: a filter selecting more meetings than this is refused with a
# 400 that says so, rather than cut short without a word.
MAX_EVENTS = 2000
# How often a calendar application should read the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = datetime.timedelta(hours=12)


def calendar_links(request: HttpRequest, query: QueryDict | None = None) -> dict[str, str]:
    """The .ics address of the meetings a query selects, and its webcal: twin, which
    calendar applications open as a subscription."""
    query = (query or QueryDict()).copy()
    for name in ("page", "ordering"):
        query.pop(name, None)
    path = reverse("networks:meeting-ical")
    if query:
        path += "?" + query.urlencode()
    absolute = request.build_absolute_uri(path)
    return {"ics": path, "webcal": "webcal://" + absolute.split("://", 1)[1]}


class MeetingICalendarView(View):
    """GET /meetings/calendar.ics?<meeting filters>: the selected meetings as a calendar."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = MeetingFilterSet(request.GET or None, queryset=Meeting.objects.all())
        if filterset.is_bound and not filterset.is_valid():
            return refused_fields(filterset.errors)
        slug = filterset.form.cleaned_data.get("network") if filterset.is_bound else None
        network = Network.objects.filter(slug=slug).only("name").first() if slug else None
        if slug and network is None:
            raise Http404(_("No network has that slug."))
        meetings = list(
            filterset.qs.select_related("network", "jurisdiction")
            .annotate(changes=_history_rows())
            .order_by("start_date", "pk")[: MAX_EVENTS + 1]
        )
        if len(meetings) > MAX_EVENTS:
            return refused(
                _(
                    "These filters select more than %(max)s meetings; narrow them "
                    "(for example with network, jurisdiction or upcoming=true)."
                )
                % {"max": MAX_EVENTS}
            )
        calendar = self.calendar(request, network, meetings)
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="lattice-meetings.ics"'
        return response

    def calendar(self, request, network: Network | None, meetings: list[Meeting]):
        name = (
            _("Meetings of %(network)s (Lattice)") % {"network": network.name}
            if network
            else _("Meetings of transgovernmental networks (Lattice)")
        )
        page = reverse("networks:meeting-list")
        if request.GET:
            page += "?" + request.GET.urlencode()
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Lattice//Meetings of transgovernmental networks//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add(
            "description",
            _("Meetings recorded in Lattice, the directory of transgovernmental networks."),
        )
        calendar.add("url", request.build_absolute_uri(page))
        calendar.add("source", request.build_absolute_uri(), parameters={"VALUE": "URI"})
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
        host = request.get_host().split(":")[0]
        for meeting in meetings:
            calendar.add_component(_event(request, meeting, host))
        return calendar


def _history_rows():
    """How many history rows the meeting has (one per recorded change): one subquery."""
    history = Meeting.history.model
    rows = (
        history.objects.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _event(request: HttpRequest, meeting: Meeting, host: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    changed = meeting.updated_at.astimezone(datetime.UTC)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("created", meeting.created_at.astimezone(datetime.UTC))
    event.add("sequence", max(meeting.changes - 1, 0))
    event.add("summary", meeting.title)
    # All-day events: DTEND is the day after the last day (RFC 5545, 3.6.1).
    event.add("dtstart", meeting.start_date)
    event.add("dtend", meeting.end_date + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    place = ", ".join(
        part for part in (meeting.city, meeting.jurisdiction and meeting.jurisdiction.name) if part
    )
    if place:
        event.add("location", place)
    event.add("categories", [str(meeting.get_kind_display())])
    event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
    lines = [f"{meeting.network.name} · {meeting.get_kind_display()}"]
    if meeting.description:
        lines.append(meeting.description)
    if meeting.records_url:
        lines.append(_("Records: %(url)s") % {"url": meeting.records_url})
    event.add("description", "\n\n".join(lines))
    return event
