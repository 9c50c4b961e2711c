"""The public HTML pages: content, 404s, pinned query counts and the strict CSP."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from institutions.models import Branch, Jurisdiction
from networks.models import Network, Role
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

# Ten distinct jurisdictions so that the larger pages really touch ten related rows.
CODES = ["DE", "FR", "GB", "US", "JP", "CA", "IT", "ES", "NL", "CH"]

# Pinned query counts: they must not grow with the number of rows on the page.
NETWORK_LIST_QUERIES = 2  # paginator count, page of networks with member counts
NETWORK_DETAIL_QUERIES = 3  # network (+host, parent), its sources, current memberships
INSTITUTION_DETAIL_QUERIES = 3  # institution (+jurisdiction, parent), sources, memberships
JURISDICTION_DETAIL_QUERIES = 2  # jurisdiction (+parent), its institutions
MEMORANDUM_DETAIL_QUERIES = 3  # memorandum (+network), its sources, signatories


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def jurisdictions(count: int) -> list[Jurisdiction]:
    return [
        Jurisdiction.objects.filter(code=code).first()
        or make_jurisdiction(code=code, name=f"Jurisdiction {code}")
        for code in CODES[:count]
    ]


# --- Home ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_counts_and_links_to_networks(client):
    network = make_network()
    make_membership(network=network)
    response = client.get(reverse("networks:home"))
    assert response.status_code == 200
    assert response.context["counts"] == {
        "networks": 1,
        "institutions": 1,
        "jurisdictions": 1,
        "memberships": 1,
    }
    assert reverse("networks:network-list") in response.content.decode()


@pytest.mark.django_db
def test_home_sends_a_csp_header_and_has_no_inline_script_or_style(client):
    make_network()
    response = client.get(reverse("networks:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html, re.IGNORECASE)
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


# --- Network list --------------------------------------------------------------------


@pytest.mark.django_db
def test_network_list_shows_typology_and_current_member_count(client):
    network = make_network(name="Basel Committee on Banking Supervision", acronym="BCBS")
    make_membership(network=network)
    make_membership(network=network)
    make_membership(network=network, end_date=datetime.date(2010, 1, 1))
    response = client.get(reverse("networks:network-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert network.get_absolute_url() in html
    assert "BCBS" in html
    assert "Horizontal" in html and "Finance" in html and "Global" in html
    assert response.context["network_list"][0].member_count == 2


@pytest.mark.django_db
def test_network_list_paginates(client):
    for _ in range(51):
        make_network()
    response = client.get(reverse("networks:network-list"), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["network_list"]) == 1
    assert 'rel="prev"' in response.content.decode()


@pytest.mark.django_db
def test_network_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    for size in (1, 10):
        while Network.objects.count() < size:
            make_membership(network=make_network())
        with django_assert_num_queries(NETWORK_LIST_QUERIES):
            response = client.get(reverse("networks:network-list"))
        assert len(response.context["network_list"]) == size


# --- Network detail ------------------------------------------------------------------


@pytest.mark.django_db
def test_network_page_links_members_and_their_websites(client):
    host = make_institution(name="Bank for International Settlements", level="international")
    parent = make_network(name="Financial Stability Board")
    network = make_network(
        name="Basel Committee on Banking Supervision",
        description="Sets standards.\n\nMeets in Basel.",
        website="https://www.bis.org/bcbs/",
        host=host,
        parent=parent,
        function_harmonisation=True,
        founded_on=datetime.date(1974, 1, 1),
        founded_on_precision="year",
        publishes_meeting_records=False,
        legal_basis="Charter",
    )
    bank = make_institution(name="Bank of England", website="https://www.bankofengland.co.uk/")
    make_membership(
        network=network,
        member_institution=bank,
        label="ordinary member",
        start_date=datetime.date(2009, 3, 1),
        start_date_precision="month",
    )
    member_network = make_network(name="IOSCO", website="https://www.iosco.org/")
    make_membership(network=network, member_network=member_network, role=Role.OBSERVER)

    response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bank of England" in html
    assert bank.get_absolute_url() in html
    assert '<a class="external" href="https://www.bankofengland.co.uk/" rel="noopener">' in html
    assert bank.jurisdiction.get_absolute_url() in html
    assert "ordinary member" in html
    assert "March 2009" in html
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
    assert "Last updated" in html


@pytest.mark.django_db
def test_network_page_leaves_out_ended_memberships(client):
    network = make_network()
    current = make_institution(name="Still Here Authority")
    former = make_institution(name="Long Gone Authority")
    make_membership(network=network, member_institution=current)
    make_membership(
        network=network,
        member_institution=former,
        start_date=datetime.date(2001, 1, 1),
        end_date=datetime.date(2012, 1, 1),
        end_date_precision="year",
        end_reason="withdrawn",
    )
    response = client.get(network.get_absolute_url())
    html = response.content.decode()
    assert "Still Here Authority" in html
    assert "Long Gone Authority" not in html


@pytest.mark.django_db
def test_network_page_says_unknown_for_unknown_facts(client):
    network = make_network()
    make_membership(network=network)
    html = client.get(network.get_absolute_url()).content.decode()
    # Start date, founding date and meeting records are all unknown.
    assert html.count("unknown") >= 3


@pytest.mark.django_db
def test_network_page_query_count_does_not_grow_with_members(client, django_assert_num_queries):
    for size in (1, 10):
        network = make_network(host=make_institution(), parent=make_network())
        for jurisdiction in jurisdictions(size)[:-1] if size > 1 else []:
            make_membership(
                network=network, member_institution=make_institution(jurisdiction=jurisdiction)
            )
        make_membership(network=network, member_network=make_network())
        with django_assert_num_queries(NETWORK_DETAIL_QUERIES):
            response = client.get(network.get_absolute_url())
        assert len(response.context["memberships"]) == size


# --- Institution and jurisdiction ------------------------------------------------------


@pytest.mark.django_db
def test_institution_page_shows_facts_and_memberships(client):
    parent = make_institution(name="Parliament")
    institution = make_institution(
        name="Securities Commission",
        acronym="SC",
        parent=parent,
        description="Regulates markets.",
        website="https://sc.example.org/",
    )
    network = make_network(name="IOSCO")
    make_membership(
        network=network,
        member_institution=institution,
        start_date=datetime.date(1990, 1, 1),
        start_date_precision="year",
        end_date=datetime.date(2000, 1, 1),
        end_date_precision="year",
        end_reason="withdrawn",
    )
    response = client.get(institution.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Securities Commission" in html
    assert "Regulator / agency" in html and "National" in html
    assert institution.jurisdiction.get_absolute_url() in html
    assert parent.get_absolute_url() in html
    assert 'href="https://sc.example.org/" rel="noopener"' in html
    assert network.get_absolute_url() in html
    assert "1990" in html and "2000" in html and "Withdrew" in html
    assert institution.sources.get().url in html


@pytest.mark.django_db
def test_institution_page_query_count_does_not_grow_with_memberships(
    client, django_assert_num_queries
):
    for size in (1, 10):
        institution = make_institution(parent=make_institution())
        institution.sources.add(make_source(), make_source())
        for _ in range(size):
            make_membership(network=make_network(), member_institution=institution)
        with django_assert_num_queries(INSTITUTION_DETAIL_QUERIES):
            response = client.get(institution.get_absolute_url())
        assert len(response.context["memberships"]) == size


@pytest.mark.django_db
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
    assert "<h3>Central bank</h3>" in html and "<h3>Judiciary</h3>" in html
    assert html.index("Central bank") < html.index("Banque de France") < html.index("Judiciary")
    assert html.index("Judiciary") < html.index("Conseil constitutionnel")
    assert bank.get_absolute_url() in html and court.get_absolute_url() in html
    assert "Elsewhere Agency" not in html


@pytest.mark.django_db
def test_jurisdiction_page_query_count_does_not_grow_with_institutions(
    client, django_assert_num_queries
):
    branches = list(Branch.values)
    for size, code in ((1, "FR"), (10, "JP")):
        jurisdiction = make_jurisdiction(code=code, name=f"Jurisdiction {code}")
        for i in range(size):
            make_institution(jurisdiction=jurisdiction, branch=branches[i % len(branches)])
        with django_assert_num_queries(JURISDICTION_DETAIL_QUERIES):
            response = client.get(jurisdiction.get_absolute_url())
        assert len(response.context["institutions"]) == size


# --- Memoranda and meetings -------------------------------------------------------------


@pytest.mark.django_db
def test_memorandum_page_lists_signatories(client):
    network = make_network(name="IOSCO")
    memorandum = make_memorandum(
        title="Multilateral Memorandum of Understanding",
        network=network,
        subject="enforcement cooperation",
        signed_on=datetime.date(2002, 5, 1),
        signed_on_precision="month",
        document_url="https://www.iosco.org/mmou.pdf",
    )
    signatory = make_signatory(
        memorandum=memorandum,
        tier="Appendix A",
        signed_on=datetime.date(2002, 5, 1),
        signed_on_precision="month",
    )
    withdrawn = make_signatory(
        memorandum=memorandum,
        signed_on=datetime.date(2003, 1, 1),
        withdrawn_on=datetime.date(2010, 6, 30),
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
    assert withdrawn.institution.get_absolute_url() in html
    assert date_format(datetime.date(2010, 6, 30), "DATE_FORMAT") in html


@pytest.mark.django_db
def test_memorandum_page_query_count_does_not_grow_with_signatories(
    client, django_assert_num_queries
):
    for size in (1, 10):
        memorandum = make_memorandum(network=make_network())
        for jurisdiction in jurisdictions(size):
            make_signatory(
                memorandum=memorandum, institution=make_institution(jurisdiction=jurisdiction)
            )
        with django_assert_num_queries(MEMORANDUM_DETAIL_QUERIES):
            response = client.get(memorandum.get_absolute_url())
        assert len(response.context["signatories"]) == size


@pytest.mark.django_db
def test_meeting_page_shows_where_and_when(client):
    host = make_institution(name="Host Authority")
    meeting = make_meeting(
        title="Plenary, June 2024",
        city="Paris",
        jurisdiction=make_jurisdiction(code="FR", name="France"),
        host=host,
        records_url="https://example.org/records",
    )
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


# --- Errors --------------------------------------------------------------------------


@pytest.mark.django_db
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
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "<script" not in html and " style=" not in html
