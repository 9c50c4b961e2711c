"""The public pages of the networks app: what each shows, and the rules every page keeps.

Query counts are pinned for every page in test_query_counts.py; institution and
jurisdiction pages are tested in institutions/tests/test_pages.py.
"""

import datetime
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from institutions.models import Branch
from links.models import Link
from networks.models import Dimension, Role, Sector
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
)
from tests.link_marks import CHECKED_AT, assert_marked, make_link

pytestmark = pytest.mark.django_db

D = datetime.date


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def assert_keeps_the_csp(html: str) -> None:
    """No inline script that could run, no inline style, no event handler attributes."""
    for tag in re.findall(r"<script\b[^>]*>", html, re.IGNORECASE):
        # Data blocks (JSON-LD, json_script for the charts) never execute.
        assert (
            ' src="' in tag
            or 'type="application/ld+json"' in tag
            or 'type="application/json"' in tag
        ), tag
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


# --- Home -------------------------------------------------------------------------------


def test_home_shows_counts_search_typology_and_recent_changes(client):
    network = make_network(name="Basel Committee", dimension=Dimension.VERTICAL)
    make_membership(
        network=network,
        member_institution=make_institution(name="Banque de France"),
        start_date=datetime.date(2004, 1, 1),
        start_date_precision="year",
    )
    # Announced for later, or of unknown date: not "lately".
    make_membership(network=network, start_date=datetime.date(2099, 1, 1))
    make_membership(network=network)
    response = client.get(reverse("networks:home"))
    assert response.status_code == 200
    assert response.context["counts"] == {
        "networks": 1,
        "institutions": 3,
        "jurisdictions": 1,
        "memberships": 3,
    }
    html = response.content.decode()
    assert f'action="{reverse("networks:search")}"' in html
    assert reverse("networks:network-list") in html
    entries = {entry.label: entry for entry in response.context["entry_points"]}
    assert entries["Vertical networks"].count == 1
    assert entries["Vertical networks"].url == "/networks/?dimension=vertical"
    assert entries["Networks of regulators"].count == 1  # the member is a regulator
    assert entries["Networks of judges"].count == 0
    assert [event.title for event in response.context["recent"]] == [
        "Banque de France joined Basel Committee"
    ]
    assert 'Banque de France joined Basel Committee</a> <span class="muted">2004</span>' in html
    assert json_ld(html)[0]["@type"] == "WebSite"


def test_home_sends_a_csp_header_and_has_no_inline_script_or_style(client):
    make_network()
    response = client.get(reverse("networks:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert_keeps_the_csp(response.content.decode())


# --- Network list --------------------------------------------------------------------


def test_network_list_shows_typology_and_current_member_count(client):
    network = make_network(name="Basel Committee on Banking Supervision", acronym="BCBS")
    make_membership(network=network)
    make_membership(network=network)
    make_membership(network=network, end_date=D(2010, 1, 1))
    response = client.get(reverse("networks:network-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert network.get_absolute_url() in html
    assert "BCBS" in html
    assert "Horizontal" in html and "Finance" in html and "Global" in html
    assert response.context["network_list"][0].member_count == 2


def test_network_list_paginates_and_keeps_the_filters_in_page_links(client):
    for _ in range(26):
        make_network(sector=Sector.FINANCE)
    make_network(sector=Sector.TRADE)
    response = client.get(reverse("networks:network-list"), {"sector": "finance", "page": 2})
    assert response.status_code == 200
    assert len(response.context["network_list"]) == 1
    html = response.content.decode()
    assert 'href="?sector=finance&amp;page=1" rel="prev"' in html


def test_network_list_filters_by_facets_in_the_url(client):
    vertical = make_network(name="Courts Network", dimension=Dimension.VERTICAL)
    make_network(name="Regulators Network", dimension=Dimension.HORIZONTAL)
    response = client.get(reverse("networks:network-list"), {"dimension": "vertical"})
    assert [n.pk for n in response.context["network_list"]] == [vertical.pk]
    html = response.content.decode()
    assert 'name="dimension" value="vertical" checked' in html
    # The active filter can be removed with one click.
    assert "Dimension: Vertical" in html


def test_network_list_facet_counts_leave_out_their_own_facet(client):
    court = make_institution(branch=Branch.JUDICIARY)
    judges = make_network(dimension=Dimension.VERTICAL, sector=Sector.COURTS)
    make_membership(network=judges, member_institution=court)
    make_network(dimension=Dimension.HORIZONTAL, sector=Sector.FINANCE)
    make_network(dimension=Dimension.HORIZONTAL, sector=Sector.FINANCE, function_enforcement=True)
    response = client.get(reverse("networks:network-list"), {"dimension": "horizontal"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    counts = {f: {o.value: o.count for o in facet.options} for f, facet in facets.items()}
    # Dimension counts ignore the dimension filter, so the other choice stays visible.
    assert counts["dimension"] == {"horizontal": 2, "vertical": 1}
    # Other facets count within the horizontal networks.
    assert counts["sector"] == {"finance": 2}
    assert counts["function"] == {"information": 2, "enforcement": 1}
    assert counts["active"] == {"true": 2}
    assert "branch" in counts and counts["branch"] == {}
    response = client.get(reverse("networks:network-list"))
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {o.value: o.count for o in facets["branch"].options} == {"judiciary": 1}
    assert {o.value: o.count for o in facets["region"].options} == {"europe": 1}


def test_network_list_shows_form_errors_for_invalid_filters_instead_of_failing(client):
    make_network()
    response = client.get(
        reverse("networks:network-list"), {"dimension": "sideways", "as_of": "not-a-date"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "Select a valid choice" in html
    assert "Enter a valid date" in html
    assert list(response.context["network_list"]) == []


def test_network_list_links_to_the_same_list_in_the_api(client):
    response = client.get(reverse("networks:network-list"), {"sector": "finance"})
    assert f"{reverse('api:network-list')}?sector=finance" in response.content.decode()


# --- Network detail ------------------------------------------------------------------


def test_network_page_links_members_their_websites_and_sources(client):
    host = make_institution(name="Bank for International Settlements", level="international")
    parent = make_network(name="Financial Stability Board")
    network = make_network(
        name="Basel Committee on Banking Supervision",
        description="Sets standards.\n\nMeets in Basel.",
        website="https://www.bis.org/bcbs/",
        host=host,
        parent=parent,
        function_harmonisation=True,
        founded_on=D(1974, 1, 1),
        founded_on_precision="year",
        publishes_meeting_records=False,
        legal_basis="Charter",
    )
    bank = make_institution(name="Bank of England", website="https://www.bankofengland.co.uk/")
    membership_source = make_source(title="Basel Committee membership")
    make_membership(
        network=network,
        member_institution=bank,
        label="ordinary member",
        start_date=D(2009, 3, 1),
        start_date_precision="month",
        sources=[membership_source],
    )
    member_network = make_network(name="IOSCO", website="https://www.iosco.org/")
    make_membership(network=network, member_network=member_network, role=Role.OBSERVER)

    response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bank of England" in html
    assert bank.get_absolute_url() in html
    # The website: a small link in the member's cell, its address in words for all.
    assert '<a class="external site" href="https://www.bankofengland.co.uk/" rel="noopener"' in html
    assert "website: bankofengland.co.uk" in html
    assert bank.jurisdiction.get_absolute_url() in html
    assert "ordinary member" in html
    assert "March 2009" in html
    # The source: a numbered note under the table, cited by the member's row.
    note = re.search(r'<li id="(note-\d+)"[^>]*><a href="([^"]+)"[^>]*>([^<]*)</a>', html)
    assert note.groups()[1:] == (membership_source.url, "Basel Committee membership")
    row = html[html.index(f'<a href="{bank.get_absolute_url()}">') :]
    assert f'href="#{note.group(1)}"' in row[: row.index("</tr>")]
    assert member_network.get_absolute_url() in html
    assert 'href="https://www.iosco.org/"' in html
    assert "Observer" in html
    assert host.get_absolute_url() in html
    assert parent.get_absolute_url() in html
    assert "Information, Harmonisation" in html
    assert "<dd>1974</dd>" in html
    assert "<p>Sets standards.</p>" in html
    source = network.sources.get()
    assert source.url in html
    assert date_format(source.accessed_on, "DATE_FORMAT") in html
    # "Unchanged since it was recorded" without history rows, "Last changed" with them
    # (CI's PostgreSQL run writes history for every test: factories' saves are changes).
    assert '<p class="updated muted">' in html
    assert reverse("api:network-detail", kwargs={"slug": network.slug}) in html


def test_network_page_lists_ended_memberships_as_former_members_only(client):
    network = make_network()
    current = make_institution(name="Still Here Authority")
    former = make_institution(name="Long Gone Authority")
    make_membership(network=network, member_institution=current)
    make_membership(
        network=network,
        member_institution=former,
        start_date=D(2001, 1, 1),
        end_date=D(2012, 1, 1),
        end_date_precision="year",
        end_reason="withdrawn",
    )
    response = client.get(network.get_absolute_url())
    assert [m.member for m in response.context["memberships"]] == [current]
    assert [m.member for m in response.context["former"]] == [former]
    html = response.content.decode()
    former_section = html[html.index('id="former-heading"') :]
    assert "Long Gone Authority" in former_section and "Withdrew" in former_section
    assert "2012" in former_section and "January 2012" not in html


def test_network_page_shows_the_members_on_an_earlier_date_and_what_changed_since(client):
    network = make_network()
    founder = make_institution(name="Founding Bank")
    joiner = make_institution(name="Newcomer Bank")
    leaver = make_institution(name="Departed Bank")
    make_membership(network=network, member_institution=founder, start_date=D(1974, 1, 1))
    make_membership(
        network=network,
        member_institution=joiner,
        start_date=D(2009, 3, 1),
        start_date_precision="month",
    )
    make_membership(
        network=network,
        member_institution=leaver,
        start_date=D(1990, 1, 1),
        end_date=D(2012, 1, 1),
        end_date_precision="year",
    )
    today = client.get(network.get_absolute_url())
    assert {m.member for m in today.context["memberships"]} == {founder, joiner}
    assert "What changed since" not in today.content.decode()

    response = client.get(network.get_absolute_url(), {"as_of": "2005-06-30"})
    assert response.status_code == 200
    assert {m.member for m in response.context["memberships"]} == {founder, leaver}
    assert [m.member for m in response.context["joined"]] == [joiner]
    assert [m.member for m in response.context["left"]] == [leaver]
    html = response.content.decode()
    assert "Members on " + date_format(D(2005, 6, 30), "DATE_FORMAT") in html
    assert 'name="as_of" id="id_as_of" value="2005-06-30"' in html
    assert "What changed since" in html

    # A year-only end date counts until the end of that year.
    late_2012 = client.get(network.get_absolute_url(), {"as_of": "2012-12-31"})
    assert leaver in {m.member for m in late_2012.context["memberships"]}


@pytest.mark.parametrize(
    ("value", "message"),
    [("yesterday-ish", "Enter a valid date"), ("2999-01-01", "Choose a date from 1800-01-01 to ")],
)
def test_network_page_explains_an_invalid_as_of_date_and_shows_today(client, value, message):
    network = make_network()
    make_membership(network=network)
    response = client.get(network.get_absolute_url(), {"as_of": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["as_of"] == timezone.localdate()
    assert len(response.context["memberships"]) == 1


def test_network_page_says_unknown_for_unknown_facts(client):
    network = make_network()
    make_membership(network=network)
    html = client.get(network.get_absolute_url()).content.decode()
    # Start date, founding date and meeting records are all unknown.
    assert html.count("unknown") >= 3


def test_network_page_lists_memoranda_and_upcoming_and_past_meetings(client):
    network = make_network()
    memorandum = make_memorandum(network=network, short_title="The MMoU")
    make_signatory(memorandum=memorandum)
    today = timezone.localdate()
    upcoming = make_meeting(
        network=network,
        title="Next plenary",
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=31),
    )
    past = make_meeting(network=network, title="Old plenary")
    response = client.get(network.get_absolute_url())
    assert list(response.context["upcoming_meetings"]) == [upcoming]
    assert list(response.context["past_meetings"]) == [past]
    html = response.content.decode()
    assert memorandum.get_absolute_url() in html and "1 signatory" in html
    assert html.index("Next plenary") < html.index("Old plenary")


def test_network_page_json_ld_describes_the_organisation_and_its_members(client):
    network = make_network(name="Basel Committee", acronym="BCBS", wikidata_id="Q810955")
    bank = make_institution(name="Bank of Japan")
    make_membership(network=network, member_institution=bank)
    (data,) = json_ld(client.get(network.get_absolute_url()).content.decode())
    assert data["@type"] == "Organization"
    assert data["name"] == "Basel Committee" and data["alternateName"] == "BCBS"
    assert "https://www.wikidata.org/wiki/Q810955" in data["sameAs"]
    assert data["member"] == [
        {
            "@type": "GovernmentOrganization",
            "name": "Bank of Japan",
            "url": f"http://testserver{bank.get_absolute_url()}",
        }
    ]


def test_json_ld_cannot_close_its_script_element(client):
    network = make_network(name="Evil </script><script>alert(1)</script> Network")
    html = client.get(network.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "\\u003C/script\\u003E" in block.group(1)
    assert json_ld(html)[0]["name"] == network.name
    assert_keeps_the_csp(html)


def test_a_mixed_case_slug_redirects_to_the_canonical_address(client):
    network = make_network(slug="bcbs")
    response = client.get("/networks/BCBS/")
    assert response.status_code == 301
    assert response["Location"] == network.get_absolute_url()


# --- Memoranda ----------------------------------------------------------------------------


def test_memorandum_page_lists_signatories_with_dates_tiers_and_sources(client):
    network = make_network(name="IOSCO")
    memorandum = make_memorandum(
        title="Multilateral Memorandum of Understanding",
        network=network,
        subject="enforcement cooperation",
        signed_on=D(2002, 5, 1),
        signed_on_precision="month",
        document_url="https://www.iosco.org/mmou.pdf",
    )
    signatory = make_signatory(
        memorandum=memorandum,
        tier="Appendix A",
        signed_on=D(2002, 5, 1),
        signed_on_precision="month",
    )
    withdrawn = make_signatory(
        memorandum=memorandum, signed_on=D(2003, 1, 1), withdrawn_on=D(2010, 6, 30)
    )
    response = client.get(memorandum.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert network.get_absolute_url() in html
    assert "Multilateral" in html and "Finance" in html and "enforcement cooperation" in html
    assert "May 2002" in html
    assert 'href="https://www.iosco.org/mmou.pdf" rel="noopener"' in html
    assert signatory.institution.get_absolute_url() in html
    assert signatory.institution.jurisdiction.get_absolute_url() in html
    assert "Appendix A" in html
    assert signatory.sources.get().url in html
    assert withdrawn.institution.get_absolute_url() in html
    assert date_format(D(2010, 6, 30), "DATE_FORMAT") in html
    assert reverse("api:memorandum-detail", kwargs={"slug": memorandum.slug}) in html


def test_memorandum_list_filters_by_kind_and_shows_counts(client):
    bilateral = make_memorandum(title="SEC-FCA MoU", kind="bilateral")
    multilateral = make_memorandum(title="MMoU", kind="multilateral")
    make_signatory(memorandum=multilateral)
    make_signatory(memorandum=multilateral)
    response = client.get(reverse("networks:memorandum-list"))
    assert response.status_code == 200
    assert {m.pk: m.signatory_count for m in response.context["memorandum_list"]} == {
        bilateral.pk: 0,
        multilateral.pk: 2,
    }
    response = client.get(reverse("networks:memorandum-list"), {"kind": "bilateral"})
    assert list(response.context["memorandum_list"]) == [bilateral]
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert {o.value: o.count for o in facets["kind"].options} == {
        "bilateral": 1,
        "multilateral": 1,
    }


# --- Meetings -----------------------------------------------------------------------------


def test_meeting_page_shows_where_when_who_and_what_came_of_it(client):
    host = make_institution(name="Host Authority")
    meeting = make_meeting(
        title="Plenary, June 2024",
        city="Paris",
        jurisdiction=make_jurisdiction(code="FR", name="France"),
        host=host,
        records_url="https://example.org/records",
    )
    chair = make_institution(name="Chairing Bank")
    meeting.participants.create(institution=chair, role="chair")
    meeting.outcome_documents.create(title="Communiqué", url="https://example.org/communique")
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert meeting.network.get_absolute_url() in html
    assert "Plenary" in html and "Paris" in html
    assert date_format(meeting.start_date, "DATE_FORMAT") in html
    assert date_format(meeting.end_date, "DATE_FORMAT") in html
    assert meeting.jurisdiction.get_absolute_url() in html
    assert host.get_absolute_url() in html
    assert 'href="https://example.org/records" rel="noopener"' in html
    assert chair.get_absolute_url() in html and "Chair" in html
    assert 'href="https://example.org/communique"' in html
    (data,) = json_ld(html)
    assert data["@type"] == "Event"
    assert data["startDate"] == meeting.start_date.isoformat()
    assert data["location"]["address"]["addressCountry"] == "FR"


def test_meeting_list_filters_upcoming_and_past(client):
    today = timezone.localdate()
    past = make_meeting(title="Old meeting")
    upcoming = make_meeting(
        title="Next meeting",
        start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=4),
    )
    response = client.get(reverse("networks:meeting-list"), {"upcoming": "true"})
    assert list(response.context["meeting_list"]) == [upcoming]
    response = client.get(reverse("networks:meeting-list"), {"upcoming": "false"})
    assert list(response.context["meeting_list"]) == [past]
    response = client.get(reverse("networks:meeting-list"), {"network": past.network.slug})
    assert list(response.context["meeting_list"]) == [past]


def test_calendar_lists_upcoming_meetings_by_month(client):
    today = timezone.localdate()
    first = make_meeting(
        title="Soon", start_date=today, end_date=today + datetime.timedelta(days=1)
    )
    later = today + datetime.timedelta(days=70)
    second = make_meeting(title="Later", start_date=later, end_date=later)
    long_ago = make_meeting(title="Long ago")
    response = client.get(reverse("networks:meeting-calendar"))
    assert response.status_code == 200
    months = response.context["months"]
    assert [month["meetings"] for month in months] == [[first], [second]]
    # Past meetings are listed apart, as the latest held.
    assert [month["meetings"] for month in response.context["recent_months"]] == [[long_ago]]
    html = response.content.decode()
    assert html.index("Later") < html.index("Recently held") < html.index("Long ago")
    assert date_format(today.replace(day=1), "YEAR_MONTH_FORMAT") in html
    assert "No upcoming meeting is recorded yet" not in html


def test_with_nothing_to_come_the_calendar_leads_with_the_latest_meetings_held(client):
    """An empty calendar said "0 meetings to come" and looked abandoned (#18)."""
    today = timezone.localdate()
    held = [
        make_meeting(title=f"Held {n}", start_date=day, end_date=day)
        for n, day in ((n, today - datetime.timedelta(days=40 * n)) for n in range(1, 15))
    ]
    response = client.get(reverse("networks:meeting-calendar"))
    html = response.content.decode()
    assert response.context["months"] == []
    assert "0 meetings to come" not in html
    assert "No upcoming meeting is recorded yet" in html
    shown = [m for month in response.context["recent_months"] for m in month["meetings"]]
    # The twelve latest, newest first, grouped by month under "Latest meetings held".
    assert shown == held[:12]
    assert html.index("Latest meetings held") < html.index("Held 1<") < html.index("Held 12<")
    assert "Held 13<" not in html


# --- SEO files and errors ---------------------------------------------------------------


def test_sitemap_lists_every_public_record(client):
    network = make_network()
    institution = make_institution()
    memorandum = make_memorandum()
    meeting = make_meeting()
    response = client.get(reverse("networks:sitemap"))
    assert response.status_code == 200
    xml = response.content.decode()
    for record in (network, institution, institution.jurisdiction, memorandum, meeting):
        assert f"<loc>http://testserver{record.get_absolute_url()}</loc>" in xml
    assert f"<loc>http://testserver{reverse('networks:network-list')}</loc>" in xml
    assert f"<lastmod>{network.updated_at:%Y-%m-%d}</lastmod>" in xml


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


@pytest.mark.parametrize(
    "url_name",
    [
        "networks:network-detail",
        "networks:memorandum-detail",
        "networks:meeting-detail",
        "institutions:institution-detail",
        "institutions:jurisdiction-detail",
    ],
)
def test_unknown_slug_gives_the_404_page(client, url_name):
    response = client.get(reverse(url_name, kwargs={"slug": "no-such-thing"}))
    assert response.status_code == 404
    assert "404.html" in template_names(response)
    html = response.content.decode()
    assert "Page not found" in html
    assert f'action="{reverse("networks:search")}"' in html
    assert_keeps_the_csp(html)


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "<script" not in html and " style=" not in html


# --- The link checker's marks ------------------------------------------------------------
# A broken outside link on a detail page has the mark right beside it, "unreachable since
# DATE", and stays shown; a working or not yet checked one has no mark (#18).


def test_network_page_marks_its_website_members_websites_and_sources(client):
    network = make_network(website="https://network.example/")
    bank = make_institution(website="https://bank.example/")
    membership = make_membership(network=network, member_institution=bank)
    former = make_membership(
        network=network, start_date=D(1990, 1, 1), end_date=D(2000, 1, 1), end_reason="withdrawn"
    )
    member_source, former_source = membership.sources.get(), former.sources.get()
    network_source = network.sources.get()
    make_link(network.website, "ok")
    make_link(bank.website, "broken")
    make_link(member_source.url, "unchecked")
    make_link(former_source.url, "ok")
    make_link(network_source.url, "broken")
    html = client.get(network.get_absolute_url()).content.decode()
    assert_marked(html, network.website, "ok")
    assert_marked(html, bank.website, "broken")
    assert '<a class="external site" href="https://bank.example/" rel="noopener"' in html
    assert_marked(html, member_source.url, "unchecked")
    assert_marked(html, former_source.url, "ok")
    assert_marked(html, network_source.url, "broken")


def test_a_url_the_checker_has_no_row_for_yet_has_no_mark(client):
    network = make_network(website="https://new.example/")
    html = client.get(network.get_absolute_url()).content.decode()
    assert_marked(html, "https://new.example/", "unchecked")
    assert "not yet checked" not in html


def test_a_failing_link_not_yet_broken_has_no_mark_yet(client, settings):
    settings.LINK_CHECK_BROKEN_AFTER = 3
    network = make_network(website="https://flaky.example/")
    Link.objects.create(
        url=network.website,
        last_checked_at=CHECKED_AT,
        last_ok_at=CHECKED_AT,
        failing_since=CHECKED_AT,
        consecutive_failures=1,
    )
    html = client.get(network.get_absolute_url()).content.decode()
    assert_marked(html, network.website, "ok")  # no mark: it is tried again first
    assert "link-check" not in html


def test_memorandum_page_marks_its_document_and_sources(client):
    memorandum = make_memorandum(document_url="https://mou.example/text.pdf")
    signatory = make_signatory(memorandum=memorandum)
    signatory_source, memorandum_source = signatory.sources.get(), memorandum.sources.get()
    make_link(memorandum.document_url, "broken")
    make_link(signatory_source.url, "ok")
    make_link(memorandum_source.url, "unchecked")
    html = client.get(memorandum.get_absolute_url()).content.decode()
    assert_marked(html, memorandum.document_url, "broken")
    assert_marked(html, signatory_source.url, "ok")
    assert_marked(html, memorandum_source.url, "unchecked")


def test_meeting_page_marks_its_records_outcome_documents_and_sources(client):
    meeting = make_meeting(records_url="https://meeting.example/records")
    document = meeting.outcome_documents.create(
        title="Communiqué", url="https://meeting.example/communique.pdf"
    )
    source = meeting.sources.get()
    make_link(meeting.records_url, "ok")
    make_link(document.url, "broken")
    make_link(source.url, "unchecked")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert_marked(html, meeting.records_url, "ok")
    assert_marked(html, document.url, "broken")
    assert '<a href="https://meeting.example/communique.pdf" rel="noopener">Communiqué</a>' in html
    assert_marked(html, source.url, "unchecked")


def test_a_template_rendered_without_the_views_map_shows_no_mark():
    html = render_to_string("includes/external_link.html", {"url": "https://elsewhere.example/"})
    assert 'href="https://elsewhere.example/"' in html
    assert "link-check" not in html


def test_a_large_network_page_is_paginated_with_counts_over_all_members(client, monkeypatch):
    from web.views import NetworkDetailView

    monkeypatch.setattr(NetworkDetailView, "members_per_page", 3)
    monkeypatch.setattr(NetworkDetailView, "changes_shown", 2)
    network = make_network(slug="big")
    for n in range(7):
        make_membership(
            network=network,
            member_institution=make_institution(name=f"Member {n}", slug=f"member-{n}"),
            start_date=datetime.date(2000 + n, 1, 1),
        )
    for n in range(3):
        make_membership(
            network=network,
            member_institution=make_institution(name=f"Gone {n}", slug=f"gone-{n}"),
            start_date=datetime.date(1990, 1, 1),
            end_date=datetime.date(1995 + n, 1, 1),
        )
    first = client.get("/networks/big/")
    assert [str(m.member) for m in first.context["memberships"]] == [
        "Member 0",
        "Member 1",
        "Member 2",
    ]
    assert first.context["member_count"] == 7
    page = first.content.decode()
    assert "7 members" in page and "Page 1 of 3" in page
    assert 'href="?page=2"' in page
    # Former members: the two who left last, of three.
    assert [str(m.member) for m in first.context["former"]] == ["Gone 2", "Gone 1"]
    assert "The 2 who left most recently, of 3 former members." in page
    last = client.get("/networks/big/?page=3")
    assert [str(m.member) for m in last.context["memberships"]] == ["Member 6"]
    # On a past date, the counts of who joined since cover everyone; the list is capped.
    then = client.get("/networks/big/?as_of=2001-06-30")
    assert then.context["member_count"] == 2
    assert then.context["joined_count"] == 5
    assert [str(m.member) for m in then.context["joined"]] == ["Member 6", "Member 5"]
    # The pages of a past date keep the date.
    assert (
        "?as_of=2005-06-30&amp;page=2"
        in client.get("/networks/big/?as_of=2005-06-30").content.decode()
    )
