"""The jurisdiction page stays bounded: fifty institutions to a page, a few rows of each,
a fixed number of queries, and counts over the whole jurisdiction in its header."""

import datetime
import json
import re

import pytest

from institutions.models import Branch, Institution, Jurisdiction
from sources.models import Source
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
)
from tests.link_marks import make_link
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

D = datetime.date

# jurisdiction with its counts, subdivisions, the page of institutions, their first
# memberships, those memberships' sources, first signatures, latest meetings, link
# checks, + who is missing (templatetags/visual.py): its networks, members per network
# of its sectors, those sectors' active networks, the regions regional networks' members
# come from
QUERIES = 12


def json_ld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def main(html: str) -> str:
    return html[html.index("<main") :]


def make_busy_institution(jurisdiction: Jurisdiction, **kwargs) -> Institution:
    """An institution with more of everything than the page shows: 4 ended and 9
    current memberships, 7 memoranda signed and 8 meetings attended."""
    institution = make_institution(jurisdiction=jurisdiction, **kwargs)
    for n in range(4):
        # Named to sort first, so that only "current first" puts them last.
        make_membership(
            network=make_network(name=f"A former network {n}"),
            member_institution=institution,
            start_date=D(1990, 1, 1),
            end_date=D(2000, 1, 1),
        )
    for n in range(9):
        make_membership(
            network=make_network(name=f"B current network {n}"),
            member_institution=institution,
            start_date=D(2001 + n, 1, 1),
        )
    for n in range(7):
        make_signatory(
            memorandum=make_memorandum(title=f"Memorandum {n}"),
            institution=institution,
            signed_on=D(2010 + n, 1, 1),
        )
    for n in range(8):
        meeting = make_meeting(
            title=f"Plenary {2010 + n}", start_date=D(2010 + n, 6, 1), end_date=D(2010 + n, 6, 2)
        )
        meeting.participants.create(institution=institution)
    return institution


def build_jurisdiction(size: int, code: str) -> Jurisdiction:
    """A jurisdiction with `size` institutions over every branch, the first of them busy."""
    jurisdiction = make_jurisdiction(code=code, name=f"Jurisdiction {code}")
    make_jurisdiction(
        code=f"{code}-01", name=f"Province of {code}", kind="subdivision", parent=jurisdiction
    )
    branches = list(Branch.values)
    make_busy_institution(jurisdiction)
    for i in range(size - 1):
        institution = make_institution(
            jurisdiction=jurisdiction, branch=branches[i % len(branches)]
        )
        make_membership(member_institution=institution)
    return jurisdiction


class TestAJurisdictionOf120Institutions:
    @pytest.fixture(scope="class")
    @classmethod
    def japan(cls, django_db_setup, django_db_blocker):
        """Built once for the class (tests/shared_rows.py); the tests only read it."""
        with shared_rows(django_db_blocker):
            yield build_jurisdiction(120, "JP")

    def test_it_runs_the_same_queries_for_a_small_and_a_large_jurisdiction(
        self, japan, client, django_assert_num_queries
    ):
        for size, jurisdiction in ((1, build_jurisdiction(1, "NL")), (120, japan)):
            with django_assert_num_queries(QUERIES):
                response = client.get(jurisdiction.get_absolute_url())
            assert response.status_code == 200
            assert len(response.context["institutions"]) == min(size, 50)
            with django_assert_num_queries(QUERIES):
                assert (
                    client.get(jurisdiction.get_absolute_url(), {"page": "last"}).status_code == 200
                )

    def test_it_pages_institutions_fifty_at_a_time_by_branch_then_name(self, japan, client):
        jurisdiction = japan
        url = jurisdiction.get_absolute_url()
        expected = list(jurisdiction.institutions.order_by("branch", "name", "pk"))
        shown = []
        for number, size in ((1, 50), (2, 50), (3, 20)):
            response = client.get(url, {"page": number})
            assert len(response.context["institutions"]) == size
            shown += response.context["institutions"]
        assert shown == expected
        html = main(client.get(url, {"page": 2}).content.decode())
        assert "Institutions 51 to 100 of 120, by branch and name." in html
        assert '<nav class="pagination"' in html
        assert 'href="?page=1" rel="prev"' in html and 'href="?page=3" rel="next"' in html
        assert client.get(url, {"page": "last"}).context["page_obj"].number == 3

    def test_the_branch_index_links_to_the_page_where_each_branch_starts(self, japan, client):
        jurisdiction = japan
        url = jurisdiction.get_absolute_url()
        branches = client.get(url).context["branches"]
        assert [b.value for b in branches] == sorted(Branch.values)
        assert sum(b.count for b in branches) == 120
        for branch in branches:
            html = main(client.get(url, {"page": branch.page}).content.decode())
            # The branch's own heading is on that page, not a continuation.
            assert f'<h3 id="branch-{branch.value}">{branch.label}</h3>' in html
        # A branch cut by a page break goes on under a "continued" heading.
        cut = next(b for b in branches if b.page < (b.start + b.count - 1) // 50 + 1)
        html = main(client.get(url, {"page": cut.page + 1}).content.decode())
        assert f'<h3 id="branch-{cut.value}">{cut.label} (continued)</h3>' in html
        page_one = main(client.get(url).content.decode())
        first, later = branches[0], branches[-1]
        assert f'href="#branch-{first.value}">{first.label} ({first.count})</a>' in page_one
        assert f'href="?page={later.page}#branch-{later.value}">' in page_one


def test_a_page_number_out_of_range_or_not_a_number_is_not_found(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    for _ in range(51):
        make_institution(jurisdiction=jurisdiction)
    url = jurisdiction.get_absolute_url()
    assert client.get(url, {"page": "2"}).status_code == 200
    for page in ("3", "0", "-1", "two", "1.5"):
        assert client.get(url, {"page": page}).status_code == 404, page


def test_a_jurisdiction_without_institutions_still_has_its_first_page(client):
    jurisdiction = make_jurisdiction(code="AQ", name="Antarctica")
    response = client.get(jurisdiction.get_absolute_url())
    assert response.status_code == 200
    html = main(response.content.decode())
    assert "No institutions have been recorded for this jurisdiction yet." in html
    assert '<nav class="pagination"' not in html
    assert client.get(jurisdiction.get_absolute_url(), {"page": 2}).status_code == 404


def test_the_header_counts_the_whole_jurisdiction_not_the_page(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    shared = make_network(name="Shared network")
    memorandum = make_memorandum()
    for i in range(55):
        institution = make_institution(
            jurisdiction=jurisdiction, name=f"Agency {i:02}", branch=Branch.REGULATOR
        )
        make_membership(network=shared, member_institution=institution)
        make_signatory(memorandum=memorandum, institution=institution)
    # Only the last institution, on page 2, is in these, and one of them has ended.
    last = Institution.objects.get(name="Agency 54")
    make_membership(member_institution=last, network=make_network())
    make_membership(
        member_institution=last,
        network=make_network(),
        start_date=D(1990, 1, 1),
        end_date=D(1995, 1, 1),
    )
    make_signatory(institution=last)
    response = client.get(jurisdiction.get_absolute_url())
    assert len(response.context["institutions"]) == 50
    assert response.context["institution_count"] == 55
    assert response.context["network_count"] == 2
    assert response.context["memorandum_count"] == 2
    html = main(response.content.decode())
    assert "55 institutions" in html and "in 2 networks today" in html
    assert "2 memoranda signed." in html


def test_it_shows_the_first_few_rows_of_each_institution_and_links_to_the_rest(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    busy = make_busy_institution(jurisdiction)
    response = client.get(jurisdiction.get_absolute_url())
    (institution,) = response.context["institutions"]
    memberships = institution.membership_list
    assert len(memberships) == 10
    # Current ones first: all nine, then the first former one by name.
    assert [m.held_now for m in memberships] == [True] * 9 + [False]
    assert [m.network.name for m in memberships] == [
        *(f"B current network {n}" for n in range(9)),
        "A former network 0",
    ]
    assert institution.more_memberships == 3
    # The latest memoranda and meetings.
    assert [s.memorandum.title for s in institution.signature_list] == [
        f"Memorandum {n}" for n in (6, 5, 4, 3, 2)
    ]
    assert institution.more_signatures == 2
    assert [p.meeting.title for p in institution.participation_list] == [
        f"Plenary {year}" for year in (2017, 2016, 2015, 2014, 2013)
    ]
    assert institution.more_participations == 3
    html = main(response.content.decode())
    url = busy.get_absolute_url()
    assert f'<a href="{url}#memberships-heading">and 3 more network memberships</a>' in html
    assert f'<a href="{url}#memoranda-heading">and 2 more memoranda</a>' in html
    assert f'<a href="{url}#meetings-heading">and 3 more meetings</a>' in html
    assert "Plenary 2012" not in html and "Memorandum 1<" not in html
    assert "A former network 1" not in html


def test_an_institution_with_few_rows_has_no_more_links(client):
    jurisdiction = make_jurisdiction(code="JP", name="Japan")
    institution = make_institution(jurisdiction=jurisdiction)
    make_membership(member_institution=institution)
    make_signatory(institution=institution)
    response = client.get(jurisdiction.get_absolute_url())
    (shown,) = response.context["institutions"]
    assert (shown.more_memberships, shown.more_signatures, shown.more_participations) == (0, 0, 0)
    assert " more " not in main(response.content.decode())


def test_json_ld_and_link_marks_cover_only_the_page(client):
    jurisdiction = build_jurisdiction(60, "JP")
    memberships = "networks_membership_set__member_institution__jurisdiction"
    for source in Source.objects.filter(**{memberships: jurisdiction}).distinct():
        make_link(source.url, "ok")
    url = jurisdiction.get_absolute_url()
    first, second = client.get(url), client.get(url, {"page": 2})
    for response, size in ((first, 50), (second, 10)):
        institutions = response.context["institutions"]
        graph = json_ld(response.content.decode())["@graph"]
        assert [node["name"] for node in graph[1:]] == [i.name for i in institutions]
        assert len(graph) == 1 + size
        shown = {s.url for i in institutions for m in i.membership_list for s in m.sources.all()}
        assert set(response.context["link_checks"]) == shown
    assert set(first.context["link_checks"]).isdisjoint(second.context["link_checks"])
