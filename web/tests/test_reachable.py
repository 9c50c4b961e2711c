"""#18, everything reachable: jurisdictions by name as well as code (one resolver behind
compare, the lists and the API), names that say what they are, role-aware wording,
typology words explained, and "networks it is not in" only where the network is open."""

import datetime

import pytest

from institutions.names import UnknownJurisdiction, resolve_jurisdictions
from networks.models import ListStatus, Origin, Reach, Role
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_network,
    make_source,
)
from visuals import coverage

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return {
        "de": make_jurisdiction(code="DE", name="Germany", slug="germany"),
        "fr": make_jurisdiction(code="FR", name="France", slug="france"),
        "us": make_jurisdiction(
            code="US",
            name="United States",
            slug="united-states",
            region="americas",
            subregion="northern_america",
        ),
        "ci": make_jurisdiction(
            code="CI",
            name="Côte d'Ivoire",
            slug="cote-divoire",
            region="africa",
            subregion="sub_saharan_africa",
        ),
    }


# --- The resolver ----------------------------------------------------------------------


def test_the_resolver_takes_names_codes_and_slugs_in_any_case(places, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = resolve_jurisdictions(
            ["Germany", "fr", "united-states", "Cote d'Ivoire", "USA", "deu"]
        )
    assert {name: j.code for name, j in found.items()} == {
        "Germany": "DE",
        "fr": "FR",
        "united-states": "US",
        "Cote d'Ivoire": "CI",
        "USA": "US",  # ISO's alpha-3 and the everyday names (pycountry, aliases)
        "deu": "DE",
    }
    assert resolve_jurisdictions(["  germany "])["germany"].code == "DE"


def test_the_resolver_names_the_unknown(places):
    with pytest.raises(UnknownJurisdiction) as raised:
        resolve_jurisdictions(["Germany", "Atlantis", "ZZ"])
    assert raised.value.names == ["Atlantis", "ZZ"]
    with pytest.raises(UnknownJurisdiction):
        resolve_jurisdictions(["De\x00"])


# --- Compare ---------------------------------------------------------------------------


def test_compare_takes_one_name_per_box_and_shows_the_names(client, places):
    page = client.get("/compare/", {"jurisdictions": ["germany", "FR", ""]})
    assert [j["code"] for j in page.context["result"]["jurisdictions"]] == ["DE", "FR"]
    html = page.content.decode()
    # The boxes show the names compared, and suggest every name.
    assert 'value="Germany"' in html and 'value="France"' in html
    assert 'list="jurisdiction-names"' in html
    assert (
        '<datalist id="jurisdiction-names">' in html
        and '<option value="Côte d&#x27;Ivoire">' in html
    )
    # The JSON link names them by code, which the API reads.
    assert "/api/v1/compare/?jurisdictions=DE%2CFR" in html


def test_compare_takes_a_name_holding_a_comma_from_its_box(client, places):
    """The datalist offers "Bonaire, Sint Eustatius and Saba": picked in a box, it is one
    name, not two; a link's single parameter is still split on its commas."""
    bq = make_jurisdiction(code="BQ", name="Bonaire, Sint Eustatius and Saba", slug="bq")
    page = client.get("/compare/", {"jurisdictions": [bq.name, "France", ""]})
    assert [j["code"] for j in page.context["result"]["jurisdictions"]] == ["BQ", "FR"]
    # Shown back in its box, and compared again as it is.
    again = client.get("/compare/", {"jurisdictions": page.context["boxes"]})
    assert [j["code"] for j in again.context["result"]["jurisdictions"]] == ["BQ", "FR"]
    link = client.get("/compare/", {"jurisdictions": "BQ,FR"})
    assert [j["code"] for j in link.context["result"]["jurisdictions"]] == ["BQ", "FR"]


def test_compare_says_what_is_wrong_and_never_fails(client, places):
    unknown = client.get("/compare/", {"jurisdictions": ["Germany", "Atlantis"]})
    assert unknown.status_code == 200
    assert "Unknown jurisdiction: Atlantis. Give a name or a code" in unknown.content.decode()
    one = client.get("/compare/", {"jurisdictions": ["Germany", "DE"]}).content.decode()
    assert "Give two or three jurisdictions." in one
    long = client.get("/compare/", {"jurisdictions": ["x" * 5000, "DE"]})
    assert long.status_code == 200


def test_compare_spells_out_an_acronym_two_bodies_share(client, places):
    nafta = make_network(slug="nafta-ftc", name="NAFTA Free Trade Commission", acronym="FTC")
    usmca = make_network(slug="usmca-ftc", name="USMCA Free Trade Commission", acronym="FTC")
    bcbs = make_network(slug="bcbs", name="Basel Committee", acronym="BCBS")
    for network in (nafta, usmca, bcbs):
        make_membership(
            network=network, member_institution=make_institution(jurisdiction=places["us"])
        )
    make_membership(network=bcbs, member_institution=make_institution(jurisdiction=places["de"]))
    page = client.get("/compare/", {"jurisdictions": "US,DE"})
    labels = {
        n["slug"]: n["label"]
        for column in page.context["result"]["jurisdictions"]
        for branch in column["branches"]
        for i in branch["institutions"]
        for n in i["networks"]
    }
    assert labels == {
        "nafta-ftc": "NAFTA Free Trade Commission",
        "usmca-ftc": "USMCA Free Trade Commission",
        "bcbs": "BCBS",
    }
    # The key to the table gives every network's full name with its acronym.
    html = page.content.decode()
    assert "Basel Committee (BCBS)" in html


# --- Filters of the pages and the API: names and codes ---------------------------------


def test_jurisdiction_filters_take_names_and_codes(client, places):
    german = make_institution(jurisdiction=places["de"], slug="bafin")
    make_institution(jurisdiction=places["fr"], slug="amf")
    network = make_network(slug="iosco")
    make_membership(network=network, member_institution=german)
    make_meeting(network=network, jurisdiction=places["de"], slug="bonn")
    for value in ("DE", "de", "Germany", "germany"):
        api = client.get("/api/v1/institutions/", {"jurisdiction": value}).json()
        assert [row["slug"] for row in api["results"]] == ["bafin"], value
        page = client.get("/institutions/", {"jurisdiction": value})
        assert [i.slug for i in page.context["institution_list"]] == ["bafin"], value
        members = client.get("/api/v1/memberships/", {"jurisdiction": value}).json()
        assert members["count"] == 1, value
        meetings = client.get("/api/v1/meetings/", {"jurisdiction": value}).json()
        assert [row["slug"] for row in meetings["results"]] == ["bonn"], value
    # An unknown name is a missing record for the API (404), a message on the page.
    missing = client.get("/api/v1/institutions/", {"jurisdiction": "Atlantis"})
    assert missing.status_code == 404
    assert "Unknown jurisdiction: Atlantis" in missing.content.decode()
    page = client.get("/institutions/", {"jurisdiction": "Atlantis"})
    assert page.status_code == 200
    assert "Unknown jurisdiction: Atlantis" in page.content.decode()


def test_the_institutions_sidebar_has_country_and_network_facets(client, places):
    german = make_institution(jurisdiction=places["de"])
    make_institution(jurisdiction=places["fr"])
    network = make_network(slug="bcbs", name="Basel Committee", acronym="BCBS")
    make_membership(network=network, member_institution=german)
    page = client.get("/institutions/")
    facets = {facet.name: facet for facet in page.context["facets"]}
    assert {o.value: o.count for o in facets["jurisdiction"].options} == {
        "France": 1,
        "Germany": 1,
    }
    assert facets["jurisdiction"].widget == "datalist"
    assert [(o.value, o.label, o.count) for o in facets["network"].options] == [
        ("bcbs", "Basel Committee (BCBS)", 1)
    ]
    html = page.content.decode()
    assert 'list="facet-jurisdiction-options"' in html
    assert 'name="network"' in html
    by_network = client.get("/institutions/", {"network": "bcbs"})
    assert [i.pk for i in by_network.context["institution_list"]] == [german.pk]


# --- Names and roles -------------------------------------------------------------------


def test_lists_name_networks_by_full_name_with_acronym(client, places):
    network = make_network(slug="wto-mc", name="WTO Ministerial Conference", acronym="MC")
    make_meeting(network=network, slug="mc13", title="MC13")
    page = client.get("/meetings/")
    (facet,) = [f for f in page.context["facets"] if f.name == "network"]
    assert [o.label for o in facet.options] == ["WTO Ministerial Conference (MC)"]
    search = client.get("/search/", {"q": "MC13"}).content.decode()
    assert "WTO Ministerial Conference (MC)" in search


def test_the_networks_list_counts_observers_apart(client, places):
    network = make_network(slug="fatf")
    for _ in range(3):
        make_membership(network=network, member_institution=make_institution())
    make_membership(network=network, member_institution=make_institution(), role=Role.OBSERVER)
    html = client.get("/networks/").content.decode()
    assert "3 members, 1 observer" in html
    assert "4 members" not in html


def test_typology_words_are_explained(client, places):
    network = make_network(slug="bcbs", reach=Reach.GLOBAL, origin=Origin.SPONTANEOUS)
    detail = client.get(network.get_absolute_url()).content.decode()
    assert "What these words mean" in detail
    assert "Counterpart officials of different states" in detail  # horizontal
    assert "Open to states of every region." in detail  # global
    listing = client.get("/networks/").content.decode()
    assert 'id="typology"' in listing
    assert "National officials working with their supranational counterpart" in listing
    assert "Bringing national rules to a common standard." in listing


# --- Networks it is not in: only those open to it --------------------------------------


def test_networks_it_is_not_in_are_those_open_to_it(client, places):
    brazil = make_jurisdiction(
        code="BR", name="Brazil", region="americas", subregion="latin_america_caribbean"
    )
    argentina = make_jurisdiction(
        code="AR", name="Argentina", region="americas", subregion="latin_america_caribbean"
    )
    japan = make_jurisdiction(code="JP", name="Japan", region="asia", subregion="eastern_asia")
    regional = {"reach": Reach.REGIONAL}
    home = make_network(slug="global")
    latin = make_network(slug="latin", **regional)
    # The United States is a member: in Brazil's region, not its sub-region. That rules
    # the network out for Brazil only when its list is complete (a partial list's members
    # do not show who else may join).
    asian = make_network(
        slug="asian",
        list_status=ListStatus.COMPLETE,
        list_source=make_source(),
        list_as_of=datetime.date(2025, 1, 1),
        **regional,
    )
    asian_partial = make_network(slug="asian-partial", **regional)
    african = make_network(slug="african", **regional)  # the United States observes
    # A treaty body of another region is open only to its parties; one of Brazil's
    # sub-region may count Brazil among them, so its absence counts.
    eu_board = make_network(slug="eu-board", origin=Origin.TREATY, **regional)
    near_board = make_network(slug="near-board", origin=Origin.TREATY, **regional)
    g7 = make_network(slug="g7", reach=Reach.PLURILATERAL)
    make_membership(network=home, member_institution=make_institution(jurisdiction=brazil))
    make_membership(network=latin, member_institution=make_institution(jurisdiction=argentina))
    make_membership(network=asian, member_institution=make_institution(jurisdiction=japan))
    make_membership(network=asian, member_institution=make_institution(jurisdiction=places["us"]))
    make_membership(network=african, member_institution=make_institution(jurisdiction=places["ci"]))
    make_membership(
        network=african,
        member_institution=make_institution(jurisdiction=places["us"]),
        role=Role.OBSERVER,
    )
    make_membership(network=asian_partial, member_institution=make_institution(jurisdiction=japan))
    make_membership(
        network=asian_partial, member_institution=make_institution(jurisdiction=places["us"])
    )
    make_membership(network=eu_board, member_institution=make_institution(jurisdiction=japan))
    make_membership(network=near_board, member_institution=make_institution(jurisdiction=argentina))
    make_membership(network=g7, member_institution=make_institution(jurisdiction=japan))
    (finance,) = coverage.jurisdiction_gaps(brazil)

    def slugs(side):
        return sorted(n["slug"] for n in finance[side])

    assert slugs("in") == ["global"]
    assert slugs("absent") == ["asian-partial", "latin", "near-board"]
    assert slugs("other_regions") == ["african", "asian"]
    assert slugs("not_open") == ["eu-board", "g7"]
    html = client.get(brazil.get_absolute_url()).content.decode()
    assert "Not counted: 2 networks open only to a fixed group" in html


def test_short_labels_spell_out_a_shared_acronym():
    from networks.labels import short_labels

    assert short_labels(
        [
            ("nafta", "NAFTA Free Trade Commission", "FTC"),
            ("usmca", "USMCA Free Trade Commission", "FTC"),
            ("bcbs", "Basel Committee on Banking Supervision", "BCBS"),
            ("ipu", "Inter-Parliamentary Union", ""),
            ("bcbs", "Basel Committee on Banking Supervision", "BCBS"),  # the same body
        ]
    ) == {
        "nafta": "NAFTA Free Trade Commission",
        "usmca": "USMCA Free Trade Commission",
        "bcbs": "BCBS",
        "ipu": "Inter-Parliamentary Union",
    }
