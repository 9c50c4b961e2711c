"""Member tables with sources as numbered notes (#18): each distinct source listed once
under the table, each row citing its own sources by number, no "not yet checked"
beside every link. Synthetic test data."""

import datetime
import html as html_lib
import re

import pytest

from networks.models import Role
from tests.factories import (
    make_institution,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
)
from tests.link_marks import make_link
from web.templatetags.source_notes import SourceNotes, site

pytestmark = pytest.mark.django_db

D = datetime.date
NOTE = re.compile(r'<li id="(note-\d+)" value="(\d+)"><a href="([^"]+)"')


def notes_of(html: str) -> dict[str, str]:
    """anchor -> the source's URL, for every numbered note on the page."""
    return {anchor: html_lib.unescape(url) for anchor, _, url in NOTE.findall(html)}


def row_of(html: str, url: str) -> str:
    """The table row of the member whose page is `url`."""
    start = html.index(f'<a href="{url}">')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


def cited(row: str) -> list[str]:
    return re.findall(r'class="note-ref" href="#(note-\d+)"', row)


@pytest.fixture
def network():
    """Three members on one shared list page, one also on its own announcement, one
    former member on a third source."""
    network = make_network(name="Notes Network", slug="notes-network")
    shared = make_source(url="https://example.org/members", title="Members page")
    own = make_source(url="https://example.org/joined", title="Joining announcement")
    gone = make_source(url="https://example.org/left", title="Withdrawal notice")
    for n, sources in enumerate([[shared], [shared, own], [shared]]):
        make_membership(
            network=network,
            member_institution=make_institution(name=f"Member {n}", slug=f"member-{n}"),
            start_date=D(2000 + n, 3, 1),
            start_date_precision="month",
            sources=sources,
        )
    make_membership(
        network=network,
        member_institution=make_institution(name="Former", slug="former"),
        start_date=D(1990, 1, 1),
        start_date_precision="year",
        end_date=D(1999, 1, 1),
        end_date_precision="year",
        end_reason="withdrawn",
        sources=[gone],
    )
    return network


def test_each_distinct_source_is_one_numbered_note(client, network):
    html = client.get(network.get_absolute_url()).content.decode()
    notes = notes_of(html)
    # Every source once, numbered from 1 in the order the table first cites them.
    assert list(notes.values()) == [
        "https://example.org/members",
        "https://example.org/joined",
        "https://example.org/left",
    ]
    assert list(notes) == ["note-1", "note-2", "note-3"]
    assert html.count('href="https://example.org/members"') == 1


def test_each_row_cites_exactly_its_own_sources(client, network):
    html = client.get(network.get_absolute_url()).content.decode()
    notes = notes_of(html)
    for membership in network.memberships.select_related("member_institution"):
        row = row_of(html, membership.member.get_absolute_url())
        assert sorted(notes[anchor] for anchor in cited(row)) == sorted(
            source.url for source in membership.sources.all()
        ), membership
    # The same source keeps its number in every row that cites it.
    assert cited(row_of(html, "/institutions/member-0/")) == ["note-1"]
    assert cited(row_of(html, "/institutions/member-1/")) == ["note-1", "note-2"]
    assert cited(row_of(html, "/institutions/former/")) == ["note-3"]


def test_rows_keep_dates_with_their_precision_and_roles(client, network):
    make_membership(
        network=network,
        member_institution=make_institution(name="Watcher", slug="watcher"),
        role=Role.OBSERVER,
        start_date=D(2010, 5, 4),
        start_date_precision="day",
        end_date=D(2099, 1, 1),
        end_date_precision="year",
    )
    html = client.get(network.get_absolute_url()).content.decode()
    assert "March 2000" in row_of(html, "/institutions/member-0/")
    watcher = row_of(html, "/institutions/watcher/")
    assert "Observer" in watcher and "May 4, 2010 \N{EN DASH} 2099" in watcher
    former = row_of(html, "/institutions/former/")
    assert "1990 \N{EN DASH} 1999" in former and "Withdrew" in former


def test_no_link_says_not_yet_checked_and_only_a_broken_one_is_marked(client, network):
    member = network.memberships.get(member_institution__slug="member-0").member
    make_link("https://example.org/members", "unchecked")
    make_link("https://example.org/joined", "ok")
    make_link(member.website, "broken")
    html = client.get(network.get_absolute_url()).content.decode()
    assert "not yet checked" not in html and "link checked on" not in html
    assert html.count("link-check-broken") == 1
    assert "unreachable since" in row_of(html, member.get_absolute_url())


def test_status_shows_on_another_date_only(client, network):
    today = client.get(network.get_absolute_url()).content.decode()
    assert "Status today" not in today
    then = client.get(network.get_absolute_url() + "?as_of=1995-06-30").content.decode()
    assert "Status today" in then
    # In the members table (the former members' table, under History, comes first).
    members = then[then.index('class="stack members') :]
    assert "has left" in row_of(members, "/institutions/former/")


def test_the_page_has_a_menu_to_its_sections(client, network):
    html = client.get(network.get_absolute_url()).content.decode()
    menu = html[
        html.index('<nav class="page-menu"') : html.index("</nav>", html.index("page-menu"))
    ]
    targets = re.findall(r'href="#([^"]+)"', menu)
    assert targets[:2] == ["history-heading", "members-heading"]
    for target in targets:
        assert f'id="{target}"' in html, target


def test_memorandum_signatories_cite_numbered_notes(client):
    source = make_source(url="https://example.org/signed", title="Signatory list")
    memorandum = make_memorandum()
    for _ in range(3):
        make_signatory(memorandum=memorandum, sources=[source])
    html = client.get(memorandum.get_absolute_url()).content.decode()
    assert list(notes_of(html).values()) == ["https://example.org/signed"]
    assert len(re.findall(r'class="note-ref" href="#note-1"', html)) == 3


def test_the_notes_cost_no_query():
    class Row:
        def __init__(self, *sources):
            self.sources = type("M", (), {"all": lambda _: list(sources)})()

    a, b = make_source(), make_source()
    notes = SourceNotes([Row(a), Row(b, a), Row()])
    assert [n["number"] for n in notes.items()] == [1, 2]
    assert (notes.number(a), notes.number(b)) == (1, 2)


def test_a_website_as_a_reader_names_it():
    assert site("https://www.bankofengland.co.uk/") == "bankofengland.co.uk"
    assert site("https://gob.mx/cnbv/") == "gob.mx/cnbv"
    assert site("") == ""
