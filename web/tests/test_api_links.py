"""A network page's "This list in the API" link gives the members shown, on the date
shown (#17). Before: it pointed at the network record and dropped the date."""

import pytest

from tests.factories import make_network

pytestmark = pytest.mark.django_db


def test_the_api_link_keeps_the_pages_date(client):
    make_network(slug="dated")
    today = client.get("/networks/dated/").content.decode()
    assert 'href="/api/v1/networks/dated/members/"' in today
    past = client.get("/networks/dated/?as_of=2010-01-01").content.decode()
    assert 'href="/api/v1/networks/dated/members/?as_of=2010-01-01"' in past


def test_every_page_leads_to_the_lattice_compare_and_the_changes(client):
    """#18: the lattice, compare and recent changes were reachable only by their address."""
    make_network(slug="any")
    for url in ("/", "/networks/", "/networks/any/", "/lattice/", "/changes/"):
        html = client.get(url).content.decode()
        nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
        for target in ('href="/lattice/"', 'href="/compare/"', 'href="/changes/"'):
            assert target in nav, (url, target)
    lattice = client.get("/lattice/").content.decode()
    assert '<a href="/lattice/" aria-current="page">' in lattice
