"""Every public page runs a fixed number of queries, whatever the number of rows.

Each page is asked for in a small directory (one row of everything) and again after a
larger one (ten) is added beside it, and must run the same pinned count both times. The
two directories are built once for all the pages (tests/shared_rows.py), not per test.
Every published URL has a Link row (some checked, some broken, some not yet checked),
so the detail pages' link-checker marks are rendered too: one query per page for all.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from institutions.models import Branch, IdentifierScheme, Institution, Jurisdiction
from links.models import Link
from links.services import sync_links
from networks.models import Meeting, Memorandum, Network
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
    make_succession,
)
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

D = datetime.date

# Pinned query counts, one line per page. They must not grow with the number of rows.
PINNED = {
    # 4 counts, 1 aggregate for the typology entry points, the recent membership events
    # (joins, departures, changes of role, the memberships whose role changed), the
    # jurisdiction map (templatetags/visual.py)
    "home": 10,
    # paginator count, page of networks with member counts, 9 facets (one query each)
    "network-list": 11,
    # network (+host, parent), its sources, one aggregate of all counts, the page of
    # members and their sources, the latest former members and their sources, memoranda,
    # upcoming meetings, past meetings, child networks, networks it is a member of, the
    # link checks of every URL shown; the visuals (templatetags/visual.py): membership
    # dates, members on the date (graph), member jurisdictions (map), the named joiners
    # and leavers (timeline), networks sharing members; its lineage and the lineage's
    # sources (+2)
    # + its last change, in one UNION over its versions and its rows' (web/freshness.py)
    "network-detail": 21,
    # paginator count, page, 6 facets (country and network: #18)
    "institution-list": 8,
    # institution (+jurisdiction, parent), sources, other names, identifiers, children,
    # hosted networks, memberships, their sources, signatures, meeting participations,
    # hosted meetings, link checks
    # + the ego graph (templatetags/visual.py): its memberships, its networks' members
    # + its lineage and the lineage's sources (+2)
    # + its last change, in one UNION over its versions and its rows' (web/freshness.py)
    "institution-detail": 17,
    # jurisdictions with institution counts
    "jurisdiction-list": 1,
    # jurisdiction (+parent), subdivisions, institutions, their memberships, the
    # memberships' sources, signatures, meeting participations, link checks
    # + who is missing (templatetags/visual.py): its networks, members per network of
    # its sectors, those sectors' active networks, the regions regional networks'
    # members come from
    "jurisdiction-detail": 12,
    # paginator count, page with signatory counts, 4 facets
    "memorandum-list": 6,
    # memorandum (+network), its sources, signatories, their sources, link checks
    # + its last change, in one UNION over its versions and its rows' (web/freshness.py)
    "memorandum-detail": 6,
    # paginator count, page, 3 facets
    "meeting-list": 5,
    # upcoming meetings, the latest past ones
    "meeting-calendar": 2,
    # meeting (+network, jurisdiction, host), sources, outcome documents, participants,
    # link checks
    # + its last change, in one UNION over its versions and its rows' (web/freshness.py)
    "meeting-detail": 6,
    # one bounded query per record type
    "search": 5,
    # per record type: count and page of the sitemap
    "sitemap": 10,
    "robots": 0,
    # the failed lookup of the unknown slug
    "not-found": 1,
}


@dataclass
class World:
    network: Network
    institution: Institution
    jurisdiction: Jurisdiction
    memorandum: Memorandum
    meeting: Meeting


def build_world(size: int, code: str) -> World:
    """A directory where every relation a page shows has `size` rows."""
    today = timezone.localdate()
    jurisdiction = make_jurisdiction(code=code, name=f"Jurisdiction {code}")
    host = make_institution(level="international", name=f"Basel Host {code}")
    network = make_network(name=f"Basel Network {code}", host=host, parent=make_network())
    focus = make_institution(
        name=f"Basel Authority {code}",
        jurisdiction=jurisdiction,
        parent=make_institution(jurisdiction=jurisdiction),
    )
    focus.sources.add(*(make_source() for _ in range(size)))
    focus.other_names.create(name=f"Other name {code}")
    focus.identifiers.create(scheme=IdentifierScheme.WIKIDATA, identifier=f"Q{size}{len(code)}")
    branches = list(Branch.values)
    members = [focus] + [
        make_institution(jurisdiction=jurisdiction, branch=branches[i % len(branches)])
        for i in range(size - 1)
    ]
    for i, member in enumerate(members):
        make_membership(
            network=network,
            member_institution=member,
            start_date=D(2000 + i, 1, 1),
            start_date_precision="year",
            sources=[make_source(), make_source()],
        )
        # A former member, and the member's other networks.
        make_membership(
            network=network,
            member_institution=make_institution(jurisdiction=jurisdiction),
            start_date=D(1990, 1, 1),
            end_date=D(2005, 1, 1),
            end_reason="withdrawn",
        )
        other = make_membership(network=make_network(), member_institution=member)
        other.role = "observer"  # a change of role: the home page's recent events show it
        other.save()
        make_institution(jurisdiction=jurisdiction, parent=focus)
    for _ in range(size):
        make_membership(network=network, member_network=make_network())
        make_membership(network=make_network(), member_network=network)
        make_network(parent=network)
        make_network(host=focus)
    memorandum = make_memorandum(
        title=f"Basel Memorandum {code}",
        network=network,
        document_url=f"https://e.org/mmou-{code}.pdf",
    )
    for member in members:
        make_signatory(memorandum=memorandum, institution=member)
    for _ in range(size - 1):
        make_signatory(memorandum=make_memorandum(network=network), institution=focus)
    meeting = None
    for i in range(size):
        for start in (today + datetime.timedelta(days=10 + i), D(2020, 1, 1 + i)):
            meeting = make_meeting(
                network=network,
                title=f"Basel plenary {code} {start}",
                start_date=start,
                end_date=start,
                jurisdiction=jurisdiction,
                host=focus,
                records_url=f"https://e.org/records/{code}/{i}/{start}",
            )
            for member in members:
                meeting.participants.create(institution=member)
            meeting.outcome_documents.create(title="Communiqué", url=f"https://e.org/{i}")
            meeting.sources.add(make_source())
    for _ in range(size):
        # Lineage both ways: formerly / succeeded by.
        make_succession(successor=focus, predecessor=make_institution())
        make_succession(predecessor=focus, successor=make_institution())
        make_succession(successor=network, predecessor=make_network())
        make_succession(predecessor=network, successor=make_network())
    check_links()
    return World(network, focus, jurisdiction, memorandum, meeting)


def check_links() -> None:
    """A Link per published URL, a third each checked, broken and not yet checked."""
    sync_links()
    now = timezone.now()
    pks = list(Link.objects.order_by("pk").values_list("pk", flat=True))
    Link.objects.filter(pk__in=pks[0::3]).update(last_checked_at=now, last_ok_at=now)
    Link.objects.filter(pk__in=pks[1::3]).update(
        last_checked_at=now, failing_since=now, consecutive_failures=5
    )


PAGES = {
    "home": lambda w: reverse("networks:home"),
    "network-list": lambda w: reverse("networks:network-list"),
    "network-detail": lambda w: w.network.get_absolute_url(),
    "institution-list": lambda w: reverse("networks:institution-list"),
    "institution-detail": lambda w: w.institution.get_absolute_url(),
    "jurisdiction-list": lambda w: reverse("institutions:jurisdiction-list"),
    "jurisdiction-detail": lambda w: w.jurisdiction.get_absolute_url(),
    "memorandum-list": lambda w: reverse("networks:memorandum-list"),
    "memorandum-detail": lambda w: w.memorandum.get_absolute_url(),
    "meeting-list": lambda w: reverse("networks:meeting-list"),
    "meeting-calendar": lambda w: reverse("networks:meeting-calendar"),
    "meeting-detail": lambda w: w.meeting.get_absolute_url(),
    "search": lambda w: reverse("networks:search") + "?q=Basel",
    "sitemap": lambda w: reverse("networks:sitemap"),
    "robots": lambda w: reverse("networks:robots"),
    "not-found": lambda w: reverse("networks:network-detail", kwargs={"slug": "no-such-network"}),
}

# The same pages with their filters or date set: the count stays the same.
FILTERED = {
    "network-list": "?search=Basel&function=information&branch=regulator&region=europe"
    "&active=true&ordering=-founded",
    "network-detail": "?as_of=2004-06-30",
    "institution-list": "?branch=regulator&level=national&network={network}&active=true",
    "memorandum-list": "?kind=multilateral&sector=finance&in_force=true",
    "meeting-list": "?upcoming=true&kind=plenary",
}


# A network page on a past date also lists who joined and who left since: two queries.
PINNED_FILTERED = {**PINNED, "network-detail": PINNED["network-detail"] + 2}


class TestQueryCounts:
    @pytest.fixture(scope="class", params=["small", "small-and-large"])
    @classmethod
    def world(cls, request, django_db_setup, django_db_blocker):
        """The small directory, then the small and the large one side by side; each
        built once for every page (the tests only read)."""
        with shared_rows(django_db_blocker):
            world = build_world(1, "NL")
            if request.param == "small-and-large":
                world = build_world(10, "JP")
            yield world

    @pytest.mark.parametrize("page", list(PAGES))
    def test_page_query_count_does_not_grow_with_rows(
        self, world, client, django_assert_num_queries, page
    ):
        with django_assert_num_queries(PINNED[page]):
            response = client.get(PAGES[page](world))
        assert response.status_code == (404 if page == "not-found" else 200)

    @pytest.mark.parametrize("page", list(FILTERED))
    def test_filtered_page_query_count_is_the_same(
        self, world, client, django_assert_num_queries, page
    ):
        with django_assert_num_queries(PINNED_FILTERED[page]):
            query = FILTERED[page].format(network=world.network.slug)
            response = client.get(PAGES[page](world) + query)
        assert response.status_code == 200
        assert not response.context.get("filter_errors")
        if "paginator" in response.context:
            assert response.context["paginator"].count > 0


def test_the_large_world_really_fills_the_pages(client):
    """Guard against a pinned count that holds only because a page shows nothing."""
    world = build_world(10, "JP")
    network = client.get(world.network.get_absolute_url()).context
    assert len(network["memberships"]) == 10 + 10  # institutions and member networks
    # The website, the institutions' websites, the sources of members and former members.
    assert len(network["link_checks"]) >= 1 + 10 + 2 * 10 + 10
    assert len(network["former"]) == 10
    assert len(list(network["upcoming_meetings"])) == 10
    assert len(network["past_meetings"]) == 10 and network["more_past_meetings"] is False
    institution = client.get(world.institution.get_absolute_url()).context
    assert len(institution["current_memberships"]) == 2
    assert len(institution["signatures"]) == 10
    assert len(institution["participations"]) == 20
    jurisdiction = client.get(world.jurisdiction.get_absolute_url()).context
    assert len(jurisdiction["institutions"]) == 1 + 1 + 9 + 10 + 10
    memorandum = client.get(world.memorandum.get_absolute_url()).context
    assert len(memorandum["signatories"]) == 10
    meeting = client.get(world.meeting.get_absolute_url()).context
    assert len(meeting["participants"]) == 10
    assert len(meeting["link_checks"]) == 4  # records, outcome document, two sources
    search = client.get(reverse("networks:search"), {"q": "Basel"}).context
    assert {group.kind for group in search["groups"]} == {
        "network",
        "institution",
        "memorandum",
        "meeting",
    }
