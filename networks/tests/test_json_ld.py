"""Each public model builds its own schema.org JSON-LD (the pages only pass it the rows
they show and a way to make addresses absolute). Synthetic test data only."""

import datetime

import pytest

from institutions.models import InstitutionIdentifier, Level
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def absolute(path: str) -> str:
    return f"https://lattice.example.org{path}"


def test_a_network_describes_itself_its_parent_and_the_members_it_is_given():
    parent = make_network(slug="parent", name="Parent")
    network = make_network(
        slug="net",
        name="Net",
        acronym="N",
        wikidata_id="Q42",
        website="https://net.example.org/",
        founded_on=D(1990, 1, 1),
        founded_on_precision="year",
        dissolved_on=D(2030, 3, 1),
        dissolved_on_precision="month",
        parent=parent,
    )
    members = [
        make_membership(network=network, member_institution=make_institution(slug="inst")),
        make_membership(network=network, member_network=parent, role="observer"),
    ]
    assert network.json_ld(absolute, members) == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": "https://lattice.example.org/networks/net/",
        "name": "Net",
        "url": "https://lattice.example.org/networks/net/",
        "alternateName": "N",
        "sameAs": ["https://net.example.org/", "https://www.wikidata.org/wiki/Q42"],
        "foundingDate": "1990",
        "dissolutionDate": "2030-03",
        "parentOrganization": {
            "@type": "Organization",
            "name": "Parent",
            "url": "https://lattice.example.org/networks/parent/",
        },
        "member": [
            {
                "@type": "GovernmentOrganization",
                "name": members[0].member_institution.name,
                "url": "https://lattice.example.org/institutions/inst/",
            },
            {
                "@type": "Organization",
                "name": "Parent",
                "url": "https://lattice.example.org/networks/parent/",
            },
        ],
    }


def test_an_institution_serves_its_jurisdiction_and_names_its_wikidata_entry():
    japan = make_jurisdiction(code="JP", name="Japan")
    institution = make_institution(slug="boj", name="Bank of Japan", jurisdiction=japan)
    InstitutionIdentifier.objects.create(
        institution=institution, scheme="wikidata", identifier="Q7"
    )
    data = institution.json_ld(absolute, [make_network(slug="bis-net", name="BIS Net")])
    assert data["@type"] == "GovernmentOrganization"
    assert data["sameAs"] == [institution.website, "https://www.wikidata.org/wiki/Q7"]
    assert data["areaServed"] == {"@type": "Country", "name": "Japan", "identifier": "JP"}
    assert data["memberOf"] == [
        {
            "@type": "Organization",
            "name": "BIS Net",
            "url": "https://lattice.example.org/networks/bis-net/",
        }
    ]
    graph = japan.json_ld(absolute, [institution])["@graph"]
    assert graph[0]["@type"] == "Country" and graph[0]["identifier"] == "JP"
    assert graph[1]["areaServed"] == {"@id": "https://lattice.example.org/jurisdictions/jp/"}


def test_a_memorandum_names_its_signatories_as_creators():
    memorandum = make_memorandum(slug="mou", signed_on=D(2001, 5, 1), signed_on_precision="month")
    signatory = make_signatory(memorandum=memorandum)
    data = memorandum.json_ld(absolute, [signatory])
    assert data["@type"] == "CreativeWork" and data["dateCreated"] == "2001-05"
    assert data["creator"] == [signatory.institution.json_ld_ref(absolute)]


def test_a_meeting_is_an_event_with_or_without_its_own_context():
    meeting = make_meeting(slug="plenary", city="Basel")
    alone = meeting.json_ld(absolute)
    embedded = meeting.json_ld(absolute, embedded=True)
    assert alone == {"@context": "https://schema.org", **embedded}
    assert embedded["@type"] == "Event"
    assert embedded["organizer"] == meeting.network.json_ld_ref(absolute)
    assert embedded["location"]["name"] == "Basel"
    assert (
        make_institution(level=Level.INTERNATIONAL).json_ld(absolute, []).get("areaServed") is None
    )
