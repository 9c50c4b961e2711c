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
