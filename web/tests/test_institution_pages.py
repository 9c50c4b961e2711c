"""Institution and jurisdiction pages: the disaggregated state, one or two clicks away.

Query counts for these pages are pinned with the others in networks/tests/.
"""

import datetime
import json
import re

import pytest
from django.urls import reverse

from institutions.models import Branch, IdentifierScheme, Level
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
from tests.link_marks import assert_marked, make_link

pytestmark = pytest.mark.django_db

D = datetime.date


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


# --- Institution ------------------------------------------------------------------------


def test_institution_page_shows_facts_and_current_and_past_networks(client):
    parent = make_institution(name="Parliament")
    institution = make_institution(
        name="Securities Commission",
        acronym="SC",
        parent=parent,
        description="Regulates markets.",
        website="https://sc.example.org/",
    )
    former = make_network(name="Old Network")
    make_membership(
        network=former,
        member_institution=institution,
        start_date=D(1990, 1, 1),
        start_date_precision="year",
        end_date=D(2000, 1, 1),
        end_date_precision="year",
        end_reason="withdrawn",
    )
    current = make_network(name="IOSCO")
    source = make_source(title="IOSCO members list")
    make_membership(
        network=current,
        member_institution=institution,
        role="chair",
        start_date=D(2002, 5, 1),
        start_date_precision="month",
        sources=[source],
    )
    response = client.get(institution.get_absolute_url())
    assert response.status_code == 200
    assert [m.network for m in response.context["current_memberships"]] == [current]
    assert [m.network for m in response.context["past_memberships"]] == [former]
    html = response.content.decode()
    assert "Securities Commission" in html
    assert "Regulator / agency" in html and "National" in html
    assert institution.jurisdiction.get_absolute_url() in html
    assert parent.get_absolute_url() in html
    assert 'href="https://sc.example.org/" rel="noopener"' in html
    assert current.get_absolute_url() in html and "Chair" in html and "May 2002" in html
    assert source.url in html and "IOSCO members list" in html
    assert former.get_absolute_url() in html
    assert "1990" in html and "2000" in html and "Withdrew" in html
    assert "January 1990" not in html
    assert institution.sources.get().url in html
    assert f"{reverse('networks:network-list')}?member={institution.slug}" in html
    assert reverse("api:institution-detail", kwargs={"slug": institution.slug}) in html


def test_institution_page_shows_memoranda_meetings_relatives_and_identifiers(client):
    institution = make_institution(name="Bundesbank")
    child = make_institution(name="Regional Office", parent=institution)
    institution.other_names.create(name="Deutsche Bundesbank", language="de")
    institution.identifiers.create(scheme=IdentifierScheme.WIKIDATA, identifier="Q151580")
    memorandum = make_memorandum(short_title="Some MoU")
    make_signatory(memorandum=memorandum, institution=institution, tier="Appendix A")
    meeting = make_meeting(title="Annual meeting 2024")
    meeting.participants.create(institution=institution, role="host")
    hosted = make_network(name="Hosted Committee", host=institution)
    response = client.get(institution.get_absolute_url())
    html = response.content.decode()
    assert child.get_absolute_url() in html
    assert '<span lang="de">Deutsche Bundesbank</span>' in html
    assert 'href="https://www.wikidata.org/wiki/Q151580"' in html
    assert memorandum.get_absolute_url() in html and "Appendix A" in html
    assert meeting.get_absolute_url() in html and "Host" in html
    assert hosted.get_absolute_url() in html
    (data,) = json_ld(html)
    assert data["@type"] == "GovernmentOrganization"
    assert "https://www.wikidata.org/wiki/Q151580" in data["sameAs"]
    assert data["areaServed"]["identifier"] == "DE"


def test_an_international_organisation_has_no_jurisdiction(client):
    bis = make_institution(
        name="Bank for International Settlements",
        level=Level.INTERNATIONAL,
        branch=Branch.INTERNATIONAL_ORGANISATION,
    )
    response = client.get(bis.get_absolute_url())
    assert response.status_code == 200
    assert "none (an international body)" in response.content.decode()


def test_institutions_list_filters_by_branch_and_network(client):
    bank = make_institution(name="Central Bank", branch=Branch.CENTRAL_BANK)
    regulator = make_institution(name="Regulator", branch=Branch.REGULATOR)
    network = make_network(slug="bcbs")
    make_membership(network=network, member_institution=regulator)
    response = client.get(reverse("networks:institution-list"), {"branch": "central_bank"})
    assert list(response.context["institution_list"]) == [bank]
    response = client.get(reverse("networks:institution-list"), {"network": "bcbs"})
    assert list(response.context["institution_list"]) == [regulator]
    html = response.content.decode()
    # The network is a facet of the sidebar (#18): chosen there, and shown as removable.
    assert re.search(r'<option value="bcbs" selected>[^<]+ \(1\)</option>', html)
    assert f"Network: {network}" in html


# --- Jurisdiction -----------------------------------------------------------------------


def test_jurisdiction_page_groups_institutions_by_branch(client):
    jurisdiction = make_jurisdiction(code="FR", name="France")
    bank = make_institution(
        name="Banque de France", branch=Branch.CENTRAL_BANK, jurisdiction=jurisdiction
    )
    court = make_institution(
        name="Conseil constitutionnel", branch=Branch.JUDICIARY, jurisdiction=jurisdiction
    )
    make_institution(name="Elsewhere Agency")  # in Germany, not listed
    response = client.get(jurisdiction.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index("<main") :]
    assert re.search(r"<h3 id=\"branch-central_bank\">Central bank</h3>", html)
    assert re.search(r"<h3 id=\"branch-judiciary\">Judiciary</h3>", html)
    assert html.index("Central bank</h3>") < html.index("Banque de France")
    assert html.index("Banque de France") < html.index("Judiciary</h3>")
    assert html.index("Judiciary</h3>") < html.index("Conseil constitutionnel")
    assert bank.get_absolute_url() in html and court.get_absolute_url() in html
    assert "Elsewhere Agency" not in html


def test_jurisdiction_page_answers_which_networks_since_when_and_according_to_whom(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    bank = make_institution(
        name="Bank of Japan", branch=Branch.CENTRAL_BANK, jurisdiction=jurisdiction
    )
    network = make_network(name="Basel Committee", acronym="BCBS")
    source = make_source(title="BCBS membership page")
    make_membership(
        network=network,
        member_institution=bank,
        start_date=D(1986, 1, 1),
        start_date_precision="year",
        sources=[source],
    )
    old = make_network(name="Old Club")
    make_membership(
        network=old, member_institution=bank, start_date=D(1980, 1, 1), end_date=D(1999, 6, 30)
    )
    memorandum = make_memorandum(short_title="Tokyo MoU")
    make_signatory(memorandum=memorandum, institution=bank)
    meeting = make_meeting(title="Plenary in Tokyo")
    meeting.participants.create(institution=bank)
    response = client.get(jurisdiction.get_absolute_url())
    assert response.context["network_count"] == 1
    assert response.context["memorandum_count"] == 1
    html = response.content.decode()
    assert network.get_absolute_url() in html and "1986" in html
    assert source.url in html and "BCBS membership page" in html
    assert old.get_absolute_url() in html and 'class="ended"' in html
    assert memorandum.get_absolute_url() in html
    assert meeting.get_absolute_url() in html
    data = json_ld(html)[0]["@graph"]
    assert data[0]["@type"] == "Country" and data[0]["identifier"] == "JP"
    assert data[1]["name"] == "Bank of Japan"


def test_jurisdictions_list_groups_by_region_and_filters(client):
    france = make_jurisdiction(code="FR", name="France", region="europe", subregion="")
    japan = make_jurisdiction(code="JP", name="Japan", region="asia", subregion="")
    make_jurisdiction(code="AQ", name="Antarctica", region="", subregion="")
    make_institution(jurisdiction=japan)
    make_institution(jurisdiction=france)
    make_institution(jurisdiction=france)
    response = client.get(reverse("institutions:jurisdiction-list"))
    assert response.status_code == 200
    assert response.context["without_institutions"] == 1
    html = response.content.decode()
    assert "Antarctica" not in html
    assert "1 other jurisdiction has no institution recorded yet." in html
    html = html[html.index('<section class="region"') :]
    assert html.index("Asia") < html.index("Japan") < html.index("Europe") < html.index("France")
    assert "1 institution" in html and "2 institutions" in html
    response = client.get(reverse("institutions:jurisdiction-list"), {"search": "fra"})
    assert list(response.context["jurisdiction_list"]) == [france]
    response = client.get(reverse("institutions:jurisdiction-list"), {"region": "mars"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# --- The link checker's marks ------------------------------------------------------------


def test_institution_page_marks_its_website_and_sources(client):
    institution = make_institution(website="https://authority.example/")
    membership = make_membership(member_institution=institution)
    institution_source, membership_source = institution.sources.get(), membership.sources.get()
    make_link(institution.website, "ok")
    make_link(institution_source.url, "broken")
    make_link(membership_source.url, "unchecked")
    html = client.get(institution.get_absolute_url()).content.decode()
    assert '<a class="external" href="https://authority.example/" rel="noopener">' in html
    assert_marked(html, institution.website, "ok")
    assert_marked(html, institution_source.url, "broken")
    assert_marked(html, membership_source.url, "unchecked")


def test_jurisdiction_page_marks_every_memberships_sources(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    bank = make_institution(jurisdiction=jurisdiction)
    ok, broken, unchecked = (make_source(title=f"Members list {n}") for n in range(3))
    make_membership(member_institution=bank, sources=[ok, broken])
    make_membership(
        member_institution=make_institution(jurisdiction=jurisdiction), sources=[unchecked]
    )
    make_link(ok.url, "ok")
    make_link(broken.url, "broken")
    make_link(unchecked.url, "unchecked")
    html = client.get(jurisdiction.get_absolute_url()).content.decode()
    assert_marked(html, ok.url, "ok")
    assert_marked(html, broken.url, "broken")
    assert_marked(html, unchecked.url, "unchecked")


def test_a_body_in_nothing_says_why_it_is_listed_escaped_on_the_page_and_in_the_api(client):
    """`listed_because` (#20) is curated text: shown as text, never as markup."""
    institution = make_institution(listed_because="Kept for <b>its</b> counterparts & peers.")
    html = client.get(institution.get_absolute_url()).content.decode()
    assert "Why it is listed" in html
    assert "Kept for &lt;b&gt;its&lt;/b&gt; counterparts &amp; peers." in html
    assert "<b>its</b>" not in html
    data = client.get(f"/api/v1/institutions/{institution.slug}/").json()
    assert data["listed_because"] == "Kept for <b>its</b> counterparts & peers."
    # A body with nothing to explain shows no such line.
    other = make_institution()
    assert "Why it is listed" not in client.get(other.get_absolute_url()).content.decode()
