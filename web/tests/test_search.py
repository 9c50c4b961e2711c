"""Site search: every record type, ranked, each hit labelled with its type."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_memorandum,
    make_network,
)
from web.search import search

pytestmark = pytest.mark.django_db


def test_search_finds_every_record_type_and_labels_each_hit(client):
    network = make_network(name="Basel Committee on Banking Supervision", acronym="BCBS")
    institution = make_institution(name="Basel Stock Exchange Authority")
    jurisdiction = make_jurisdiction(code="CH", name="Basel-Land")
    memorandum = make_memorandum(title="Basel Memorandum")
    meeting = make_meeting(title="Plenary", city="Basel", network=network)
    response = client.get(reverse("networks:search"), {"q": "Basel"})
    assert response.status_code == 200
    groups = {group.kind: group for group in response.context["groups"]}
    assert set(groups) == {"network", "institution", "jurisdiction", "memorandum", "meeting"}
    urls = {kind: [hit.url for hit in group.hits] for kind, group in groups.items()}
    assert urls["network"] == [network.get_absolute_url()]
    assert urls["institution"] == [institution.get_absolute_url()]
    assert urls["jurisdiction"] == [jurisdiction.get_absolute_url()]
    assert urls["memorandum"] == [memorandum.get_absolute_url()]
    assert urls["meeting"] == [meeting.get_absolute_url()]
    html = response.content.decode()
    for label in ("Network", "Institution", "Jurisdiction", "Memorandum", "Meeting"):
        assert f'<span class="kind">{label}</span>' in html


def test_an_exact_acronym_or_name_ranks_first():
    make_network(name="Committee on Payments mentioning BCBS work", acronym="CPMI")
    bcbs = make_network(name="Basel Committee on Banking Supervision", acronym="BCBS")
    (group,) = [g for g in search("BCBS") if g.kind == "network"]
    assert group.hits[0].url == bcbs.get_absolute_url()


def test_the_group_with_the_best_hit_comes_first():
    make_jurisdiction(code="JP", name="Japan")
    make_network(name="Japan-EU regulatory dialogue on many things, hosted in Japan")
    groups = search("Japan")
    assert groups[0].kind == "jurisdiction"


def test_search_bounds_each_type_and_links_to_the_full_list(client):
    for i in range(12):
        make_network(name=f"Enforcement Network {i}")
    (group,) = search("Enforcement Network", limit=8)
    assert len(group.hits) == 8
    assert group.has_more
    assert group.more_url == f"{reverse('networks:network-list')}?search=Enforcement+Network"


def test_other_names_find_an_institution():
    institution = make_institution(name="Federal Financial Supervisory Authority")
    institution.other_names.create(name="Bundesanstalt für Finanzdienstleistungsaufsicht")
    groups = search("Bundesanstalt")
    assert groups[0].hits[0].url == institution.get_absolute_url()


def test_an_empty_or_blank_query_runs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("networks:search"), {"q": "   "})
    assert response.status_code == 200
    assert response.context["groups"] == []


def test_nothing_found_says_so(client):
    response = client.get(reverse("networks:search"), {"q": "zzyzx"})
    assert "Nothing matches" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL full-text")
def test_postgres_full_text_search_matches_other_word_forms():
    network = make_network(name="International Association of Insurance Supervisors")
    (group,) = [g for g in search("insurance supervisor") if g.kind == "network"]
    assert group.hits[0].url == network.get_absolute_url()
