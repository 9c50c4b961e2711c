"""The lattice a person can read (#18): one network's neighbours, the matrix of shared
members grouped by sector, and the page's two views and focus, without JavaScript."""

import datetime
import re

import pytest
from django.urls import reverse

from networks.models import Network
from tests.factories import make_institution, make_membership, make_network
from visuals import graphs

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def three_sectors():
    """a and b (finance) share 3 members, a and c (courts) 1, d (courts) shares none;
    c is a member of a."""
    a = make_network(slug="a", name="Alpha", acronym="A", sector="finance")
    b = make_network(slug="b", name="Beta", acronym="B", sector="finance")
    c = make_network(slug="c", name="Gamma", acronym="C", sector="courts")
    make_network(slug="d", name="Delta", acronym="D", sector="courts")
    for _ in range(3):
        institution = make_institution()
        make_membership(network=a, member_institution=institution)
        make_membership(network=b, member_institution=institution)
    lone = make_institution()
    make_membership(network=a, member_institution=lone)
    make_membership(network=c, member_institution=lone)
    make_membership(network=a, member_network=c)
    return graphs.lattice(list(Network.objects.order_by("slug")), D.today())


def test_a_networks_neighbours_come_most_shared_first_with_how_they_are_linked(three_sectors):
    neighbours = graphs.lattice_neighbours(three_sectors, "n-a")
    assert [(n["slug"], n["shared"], n["member_of"]) for n in neighbours] == [
        ("b", 3, False),
        ("c", 1, True),
    ]
    assert graphs.lattice_neighbours(three_sectors, "n-d") == []


def test_the_matrix_groups_by_sector_and_counts_shared_members_both_ways(three_sectors):
    matrix = graphs.shared_matrix(three_sectors)
    # Finance has two linked networks, courts one: finance first; d shares nothing.
    assert [c["slug"] for c in matrix["columns"]] == ["a", "b", "c"]
    assert [(g["sector"], len(g["rows"])) for g in matrix["groups"]] == [
        ("finance", 2),
        ("courts", 1),
    ]
    assert [n["slug"] for n in matrix["isolated"]] == ["d"]
    cells = {
        (row["slug"], cell["column"]): cell
        for group in matrix["groups"]
        for row in group["rows"]
        for cell in row["cells"]
    }
    assert cells["a", "n-b"]["weight"] == cells["b", "n-a"]["weight"] == 3
    assert cells["a", "n-c"]["weight"] == 1 and cells["b", "n-c"]["weight"] == 0
    assert cells["a", "n-a"]["self"]
    # Shades by fixed ranges; the key names every shade used.
    assert cells["a", "n-b"]["level"] == 2 and cells["a", "n-c"]["level"] == 1
    assert [graphs.matrix_level(n) for n in (0, 1, 4, 5, 19, 20, 300)] == [0, 1, 2, 3, 4, 5, 5]
    used = {cell["level"] for cell in cells.values() if cell["weight"]}
    assert used <= {level["level"] for level in matrix["levels"]}


def test_the_matrix_of_a_focus_keeps_it_and_its_neighbours(three_sectors):
    matrix = graphs.shared_matrix(three_sectors, keep={"n-b", "n-a"})
    assert [c["slug"] for c in matrix["columns"]] == ["a", "b"]


def test_the_matrix_page_is_a_table_of_the_shared_members(client, three_sectors):
    html = client.get(reverse("networks:lattice") + "?view=matrix").content.decode()
    assert '<table class="matrix">' in html
    assert re.search(r'<tr data-node="n-a">.*?data-column="n-b">3</td>', html, re.S)
    assert 'aria-current="page">Matrix of shared members</a>' in html
    # A network sharing nothing is named, not drawn as an empty row.
    assert 'data-node="n-d"' not in html and ">D</a>" in html
    # Each row's network opens its focus, in the matrix view.
    assert 'href="/lattice/?view=matrix&amp;focus=a"' in html


def test_focus_shows_the_network_and_its_neighbours_only(client, three_sectors):
    html = client.get(reverse("networks:lattice") + "?focus=b").content.decode()
    assert 'data-focus="n-b"' in html
    assert "Beta (B) and its neighbours" in html
    nodes = set(re.findall(r'<tr data-node="(n-\w+)"><th scope="row"><a href="/networks/', html))
    assert nodes == {"n-a", "n-b"}
    assert "Show every network" in html
    # An unknown network is said so, and every network shown.
    html = client.get(reverse("networks:lattice") + "?focus=nope").content.decode()
    assert "not among the networks shown" in html and 'data-focus="' not in html
    # The focus select offers the networks drawn.
    assert '<option value="c">Gamma</option>' in html


def test_the_downloads_leave_the_view_and_focus_out(client, three_sectors):
    html = client.get(reverse("networks:lattice") + "?focus=b&sector=finance").content.decode()
    assert "/api/v1/lattice/?sector=finance&amp;format=graphml" in html
