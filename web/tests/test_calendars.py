"""Meeting calendars (web/calendars.py): iCalendar feeds that calendar applications can
subscribe to, read back with the `icalendar` package."""

import datetime

import icalendar
import pytest

from networks.models import Meeting
from tests.factories import make_jurisdiction, make_meeting, make_network

# Change sets and history rows (simple_history): on for these tests (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.history]

D = datetime.date
ICS = "/meetings/calendar.ics"


def read(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meetings():
    fatf = make_network(name="Financial Action Task Force", acronym="FATF", slug="fatf")
    iosco = make_network(name="IOSCO", slug="iosco")
    france = make_jurisdiction(code="FR", name="France")
    return {
        "plenary": make_meeting(
            network=fatf,
            title="FATF Plenary, June 2024",
            start_date=D(2024, 6, 10),
            end_date=D(2024, 6, 14),
            city="Paris",
            jurisdiction=france,
            description="Three days of plenary; one outcome statement.",
        ),
        "annual": make_meeting(
            network=iosco,
            title="IOSCO Annual Meeting",
            start_date=D(2024, 5, 20),
            end_date=D(2024, 5, 20),
        ),
    }


def test_every_meeting_is_an_all_day_event_with_its_place_and_page(client, meetings):
    calendar = read(client.get(ICS))
    assert calendar["version"] == "2.0" and calendar["method"] == "PUBLISH"
    assert str(calendar["name"]) == "Meetings of transgovernmental networks (Lattice)"
    assert calendar["refresh-interval"].dt == datetime.timedelta(hours=12)
    by_title = events(calendar)
    assert set(by_title) == {"FATF Plenary, June 2024", "IOSCO Annual Meeting"}
    plenary = by_title["FATF Plenary, June 2024"]
    assert plenary["dtstart"].dt == D(2024, 6, 10)
    assert plenary["dtend"].dt == D(2024, 6, 15)  # the day after the last day
    assert str(plenary["location"]) == "Paris, France"
    assert str(plenary["url"]) == "http://testserver" + meetings["plenary"].get_absolute_url()
    assert "Financial Action Task Force" in str(plenary["description"])
    assert "one outcome statement" in str(plenary["description"])
    one_day = by_title["IOSCO Annual Meeting"]
    assert one_day["dtend"].dt - one_day["dtstart"].dt == datetime.timedelta(days=1)


def test_a_network_s_calendar_holds_its_meetings_and_is_named_after_it(client, meetings):
    calendar = read(client.get(ICS, {"network": "fatf"}))
    assert set(events(calendar)) == {"FATF Plenary, June 2024"}
    assert str(calendar["name"]) == "Meetings of Financial Action Task Force (Lattice)"
    assert set(events(read(client.get(ICS, {"jurisdiction": "FR"})))) == {"FATF Plenary, June 2024"}
    assert client.get(ICS, {"network": "no-such-network"}).status_code == 404


def test_an_edited_meeting_keeps_its_uid_and_raises_its_sequence(client, meetings):
    before = events(read(client.get(ICS)))["FATF Plenary, June 2024"]
    meeting = meetings["plenary"]
    meeting.title = "FATF Plenary, June 2024 (moved)"
    meeting.slug = "fatf-plenary-june-2024-moved"
    meeting.save()
    after = events(read(client.get(ICS)))["FATF Plenary, June 2024 (moved)"]
    assert after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1
    assert after["last-modified"].dt >= before["last-modified"].dt


def test_the_same_data_gives_the_same_bytes(client, meetings):
    # DTSTAMP is the meeting's last change, not the time of the request.
    assert client.get(ICS).content == client.get(ICS).content


def test_bad_filters_are_refused_with_the_reason(client, meetings):
    response = client.get(ICS, {"starts_after": "2024-13-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "starts_after" in response.content.decode()


def test_too_many_meetings_are_refused_rather_than_cut(client, meetings, monkeypatch):
    monkeypatch.setattr("web.calendars.MAX_EVENTS", 1)
    response = client.get(ICS)
    assert response.status_code == 400
    assert "more than 1 meetings" in response.content.decode()
    assert read(client.get(ICS, {"network": "fatf"}))  # narrowed: one is allowed


def test_the_query_count_does_not_grow_with_meetings(client, django_assert_num_queries):
    network = make_network(slug="busy")
    for n in range(30):
        make_meeting(network=network, start_date=D(2000 + n, 1, 1), end_date=D(2000 + n, 1, 2))
    with django_assert_num_queries(2):  # the network's name, the meetings with their changes
        calendar = read(client.get(ICS, {"network": "busy"}))
    assert len(calendar.walk("VEVENT")) == Meeting.objects.count() == 30


def test_the_meeting_pages_link_to_their_calendar(client, meetings):
    for page, query in (
        ("/meetings/calendar/", "?upcoming=true"),
        ("/meetings/?network=fatf&page=1", "?network=fatf"),
        ("/networks/fatf/", "?network=fatf"),
    ):
        html = client.get(page).content.decode()
        assert 'rel="alternate" type="text/calendar"' in html, page
        assert f'href="webcal://testserver/meetings/calendar.ics{query}"' in html, page
        assert f'href="/meetings/calendar.ics{query}" download' in html, page
