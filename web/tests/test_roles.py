"""Role-aware counts (#18): observers, chairs and secretariats are not counted as
"members" on a network's page, nor an observer as "member of" on its own page."""

import datetime

import pytest

from networks.models import Role
from tests.factories import make_institution, make_membership, make_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    network = make_network(name="Financial Stability Board", acronym="FSB", slug="fsb")
    for _ in range(3):
        make_membership(network=network, start_date=datetime.date(2009, 4, 2))
    for _ in range(2):
        make_membership(network=network, role=Role.OBSERVER, start_date=datetime.date(2010, 1, 1))
    return network


def test_a_network_page_counts_its_list_by_role(client, network):
    html = client.get("/networks/fsb/").content.decode()
    assert "5 on the list (3 members, 2 observers)" in html
    assert "5 members" not in html
    # On a date before the observers came, only members: the plain count.
    html = client.get("/networks/fsb/", {"as_of": "2009-06-30"}).content.decode()
    assert "3 members" in html and "on the list" not in html


def test_an_institution_page_says_observer_in_not_member_of(client, network):
    institution = make_institution(slug="imf", name="International Monetary Fund")
    make_membership(network=network, member_institution=institution, role=Role.OBSERVER)
    make_membership(network=make_network(), member_institution=institution)
    html = client.get("/institutions/imf/").content.decode()
    assert "In 2 networks today: member of 1, observer in 1" in html
    assert "Member today of 2 networks" not in html
    plain = make_institution(slug="plain")
    make_membership(member_institution=plain)
    assert "Member today of 1 network" in client.get("/institutions/plain/").content.decode()
