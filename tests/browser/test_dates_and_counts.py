"""#18, dates and counts as a reader sees them, in Chromium at 1280 and 390 px:

- counts by role: the networks list says "7 members, 3 observers, 1 secretariat", the
  home page counts memberships by role, and a network that observes another "takes part
  in" it "(Observer)", never as a member of it;
- the calendar: with no meeting to come it says so once and leads with the latest
  meetings held (twelve at most, by month); with one to come, that one comes first;
- "Last changed" on record pages: a record changed after the first load gives the date
  and links to the change set; an unchanged one says so, with its newest source's date;
- no record page is wider than the screen, its "Cite this" box opened;
- axe-core finds nothing on these pages.

Every expected number and name is read from the database the live server answers from,
never written here. The dataset is shared by the browser tests (conftest.py): the tests
that need a row it lacks, or a change, add it and take it away again.
"""

import contextlib
import datetime
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Membership, Memorandum, Network, Role
from sources.history import history_model, m2m_history_models, recording, tracked_models
from sources.models import ChangeKind, ChangeSet

from .test_accessibility import axe_violations

# How the pages name each role's count (web/roles.py), spelt out here so that a change
# of wording ("members" for observers) fails.
ROLE_WORDS = {
    Role.MEMBER: ("member", "members"),
    Role.ASSOCIATE: ("associate member", "associate members"),
    Role.AFFILIATE: ("affiliate member", "affiliate members"),
    Role.OBSERVER: ("observer", "observers"),
    Role.CHAIR: ("chair", "chairs"),
    Role.VICE_CHAIR: ("vice-chair", "vice-chairs"),
    Role.SECRETARIAT: ("secretariat", "secretariats"),
}
NONE_TO_COME = "No upcoming meeting is recorded yet"
UNCHANGED = "Unchanged since it was recorded from the dataset."
# The calendar's lists (web/views.py, MeetingCalendarView).
RECENT_WITH_NONE_TO_COME = 12
RECENT = 5


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    """These tests read the database the pages come from, in the test's thread, where
    Playwright's sync API keeps an event loop running (conftest.py): Django refuses
    queries in such a thread unless told that this is safe. It is: each query runs to its
    end before the test drives the browser again, and nothing awaits in between."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def assert_accessible(page: Page) -> None:
    problems = axe_violations(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def plural(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def by_role(memberships: models.QuerySet) -> dict[str, int]:
    return dict(memberships.order_by().values_list("role").annotate(n=models.Count("pk")))


def roles_wording(counts: dict[str, int]) -> str:
    """'7 members, 3 observers, 1 secretariat' in the order of Role."""
    return ", ".join(
        plural(counts[role], ROLE_WORDS[role]) for role in Role.values if counts.get(role)
    )


# --- Counts by role ------------------------------------------------------------------


def test_the_networks_list_and_the_home_page_count_by_role(sized):
    page = sized
    today = timezone.localdate()
    counts = {
        network: by_role(Membership.objects.as_of(today).filter(network=network))
        for network in Network.objects.all()
    }
    mixed = [n for n, c in counts.items() if set(c) - {Role.MEMBER}]
    assert mixed, "no network of the dataset has anyone but members today"
    # Those with observers or a secretariat first, then the rest of the mixed lists.
    mixed.sort(
        key=lambda n: (-counts[n].get(Role.OBSERVER, 0), -counts[n].get(Role.SECRETARIAT, 0))
    )
    plain = [n for n, c in counts.items() if set(c) == {Role.MEMBER}]
    checked = 0
    for network in [*mixed[:3], *plain[:1]]:
        page.goto(f"/networks/?{urlencode({'search': network.name})}")
        result = page.locator("li.result").filter(
            has=page.locator(f"h2 a[href='{network.get_absolute_url()}']")
        )
        expect(result).to_have_count(1)
        meta = result.locator(".result-meta").first.inner_text()
        total = sum(counts[network].values())
        if network in plain:
            assert re.match(rf"({total} members?|{total} confirmed members?)\b", meta), meta
            continue
        assert meta.startswith(roles_wording(counts[network])), (network.slug, meta)
        # All of them together are never called members.
        if total != counts[network].get(Role.MEMBER, 0):
            assert not re.search(rf"\b{total} members?\b", meta), (network.slug, meta)
        checked += 1
    assert checked
    assert_accessible(page)

    page.goto("/")
    everyone = by_role(Membership.objects.all())
    row = page.locator("dl.counts > div").filter(has=page.locator("dt", has_text="Memberships"))
    expect(row.locator("dd").first).to_have_text(str(sum(everyone.values())))
    if set(everyone) - {Role.MEMBER}:
        expect(row.locator("dd.count-roles")).to_have_text(roles_wording(everyone))
    assert_accessible(page)


@contextlib.contextmanager
def a_network_observing_another():
    """A network taking part in another as an observer today: one of the dataset's, or,
    if it has none, one made for the test and taken away after it."""
    today = timezone.localdate()
    held = Membership.objects.as_of(today).filter(member_network__isnull=False)
    existing = held.filter(role=Role.OBSERVER).select_related("network", "member_network")
    if found := existing.first():
        yield found
        return
    observer, observed = Network.objects.order_by("name")[:2]
    added = Membership.objects.create(
        network=observed, member_network=observer, role=Role.OBSERVER, start_date=today
    )
    added.sources.set(observed.sources.all()[:1])
    try:
        yield added
    finally:
        pk = added.pk
        added.delete()
        # Where every test writes history (LATTICE_TEST_HISTORY, as in CI), its rows too:
        # the network's page would say "Last changed" for the rest of the tests.
        drop_history(history_model(Membership).objects.filter(id=pk))


def test_a_network_observing_another_takes_part_in_it_as_observer(sized):
    page = sized
    with a_network_observing_another() as membership:
        observer, observed = membership.member_network, membership.network
        held = (
            Membership.objects.as_of(timezone.localdate())
            .filter(member_network=observer)
            .select_related("network")
        )
        page.goto(observer.get_absolute_url())
        related = page.locator("section[aria-labelledby='related-heading']")
        expect(related.locator("dt")).to_contain_text(["Takes part in"])
        items = related.locator("dt:has-text('Takes part in') + dd li")
        expected = sorted(f"{m.network} ({m.get_role_display()})" for m in held)
        assert sorted(t.strip() for t in items.all_inner_texts()) == expected
        assert f"{observed} (Observer)" in expected
        entry = items.filter(has=page.locator(f"a[href='{observed.get_absolute_url()}']"))
        expect(entry).to_have_text(re.compile(r"\(Observer\)$"))
        # Nowhere called a member of the network it observes.
        main = page.locator("main").inner_text()
        assert not re.search(rf"[Mm]ember (of|in) (the )?{re.escape(observed.name)}", main)
        assert_accessible(page)


# --- The calendar --------------------------------------------------------------------


def calendar_titles(page: Page, within: str = "main") -> list[str]:
    return page.locator(f"{within} .calendar-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def month_label(day: datetime.date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def test_the_calendar_with_nothing_to_come_leads_with_the_latest_held(sized):
    page = sized
    last = Meeting.objects.aggregate(last=models.Max("end_date"))["last"]
    if last is None:
        pytest.skip("the dataset has no meeting")
    after = last + datetime.timedelta(days=2)
    held = list(
        Meeting.objects.filter(end_date__lt=after).order_by("-start_date", "slug")[
            :RECENT_WITH_NONE_TO_COME
        ]
    )
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(12), datetime.UTC)):
        page.goto("/meetings/calendar/")
        main = page.locator("main")
        # Said once, and no "0 meetings to come".
        expect(main.get_by_text(NONE_TO_COME)).to_have_count(1)
        assert "meetings to come" not in main.inner_text()
        expect(page.locator("#recent-heading")).to_have_text("Latest meetings held")
        # Nothing above the latest held: every meeting listed is in that section.
        assert calendar_titles(page) == calendar_titles(
            page, "section[aria-labelledby='recent-heading']"
        )
        assert calendar_titles(page) == [m.get_absolute_url() for m in held]
        assert len(held) == min(RECENT_WITH_NONE_TO_COME, Meeting.objects.count())
        # By month, newest first.
        months = list(dict.fromkeys(month_label(m.start_date) for m in held))
        expect(page.locator(".calendar-month h3")).to_have_text(months)
        assert_accessible(page)


def test_the_calendar_shows_a_meeting_to_come_first(sized):
    page = sized
    latest = Meeting.objects.order_by("-start_date").first()
    if latest is None:
        pytest.skip("the dataset has no meeting")
    # The day before the dataset's latest meeting: at least that one is to come.
    on = latest.start_date - datetime.timedelta(days=1)
    to_come = Meeting.objects.filter(end_date__gte=on)
    soonest = to_come.aggregate(first=models.Min("start_date"))["first"]
    first = {m.get_absolute_url() for m in to_come.filter(start_date=soonest)}
    held = [
        m.get_absolute_url()
        for m in Meeting.objects.filter(end_date__lt=on).order_by("-start_date", "slug")[:RECENT]
    ]
    with time_machine.travel(datetime.datetime.combine(on, datetime.time(12), datetime.UTC)):
        page.goto("/meetings/calendar/")
        main = page.locator("main")
        count = to_come.count()
        expected = f"{count} meeting to come." if count == 1 else f"{count} meetings to come."
        expect(main.locator("p").first).to_contain_text(expected)
        expect(main.get_by_text(NONE_TO_COME)).to_have_count(0)
        links = calendar_titles(page)
        assert links[0] in first, (links[:3], first)
        # Every meeting to come before the latest held, listed apart after them.
        assert len(links) == count + len(held)
        assert links[count:] == held
        expect(page.locator("h2.calendar-month, .calendar-month h2").first).to_have_text(
            month_label(soonest)
        )
        if held:
            expect(page.locator("#recent-heading")).to_have_text("Recently held")
        assert_accessible(page)


# --- Last changed ----------------------------------------------------------------------


def drop_history(rows: models.QuerySet) -> None:
    """Delete historical rows with their snapshots of cited sources (as sources.history
    drops rows)."""
    ids = list(rows.values_list("history_id", flat=True))
    for _field, m2m_hmodel in m2m_history_models(rows.model):
        m2m_hmodel.objects.filter(history_id__in=ids).delete()
    rows.model.objects.filter(history_id__in=ids).delete()


def undo_for_the_tests(change_set: ChangeSet) -> None:
    """Take a change set and its history rows away, so that the next tests see the
    dataset as it was loaded."""
    for model in tracked_models():
        drop_history(history_model(model).objects.filter(change_set=change_set))
    change_set.delete()


def unchanged_institution(exclude: Institution) -> Institution:
    """An institution whose page has nothing later than the first load to show."""
    first_load = ChangeSet.objects.filter(kind=ChangeKind.LOAD).order_by("pk").first()
    later = ChangeSet.objects.exclude(pk=getattr(first_load, "pk", None))
    changed = set(
        Institution.history.filter(change_set__in=later).values_list("id", flat=True)
    ) | set(
        Membership.history.filter(change_set__in=later).values_list(
            "member_institution_id", flat=True
        )
    )
    return (
        Institution.objects.exclude(pk__in=changed | {exclude.pk})
        .filter(sources__isnull=False)
        .order_by("name")
        .first()
    )


@pytest.mark.history
def test_last_changed_dates_a_change_and_links_to_it_and_an_unchanged_record_says_so(sized):
    page = sized
    changed = Institution.objects.filter(memberships__isnull=False).order_by("name").first()
    before = changed.description
    reason = "Browser test: a corrected description (taken away after the test)."
    with recording(kind=ChangeKind.EDIT, reason=reason) as rec:
        changed.description = f"{before} (corrected)".strip()
        changed.save()
    change_set = rec.change_set
    try:
        row = changed.history.filter(change_set=change_set).latest("history_date")
        day = date_format(timezone.localtime(row.history_date).date(), "DATE_FORMAT")
        page.goto(changed.get_absolute_url())
        updated = page.locator("p.updated")
        expect(updated).to_have_count(1)
        expect(updated).to_contain_text(f"Last changed: {day}")
        assert UNCHANGED not in updated.inner_text()
        link = updated.get_by_role("link", name="what changed")
        expect(link).to_have_attribute("href", f"/changes/{change_set.pk}/")
        assert_accessible(page)
        link.click()
        page.wait_for_url(f"**/changes/{change_set.pk}/")
        expect(page.locator("main")).to_contain_text(reason)

        unchanged = unchanged_institution(exclude=changed)
        assert unchanged is not None, "every institution has a later change"
        newest = max(s.as_of for s in unchanged.sources.all())
        page.goto(unchanged.get_absolute_url())
        updated = page.locator("p.updated")
        expect(updated).to_have_text(
            f"{UNCHANGED} Its newest source describes {date_format(newest, 'DATE_FORMAT')}."
        )
        assert "Last changed" not in page.locator("main").inner_text()
        assert_accessible(page)
    finally:
        Institution.objects.filter(pk=changed.pk).update(description=before)
        undo_for_the_tests(change_set)


# --- Record pages fit the screen -------------------------------------------------------

# Elements wider than the screen, reaching past its right edge, or whose content does
# (a long word in a box that does not scroll), other than those inside a box that scrolls
# or clips them sideways (the wide tables' wrappers).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => getComputedStyle(el).overflowX !== 'visible';
  const inScroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    if (!(box.width || box.height) || inScroller(el)) return false;
    const content = scrolls(el) ? box.width : Math.max(box.width, el.scrollWidth);
    return box.left + content > width + 0.5;
  }).map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
    + ` reaches ${Math.round(el.getBoundingClientRect().left + el.scrollWidth)}px`).slice(0, 10);
}"""


def record_paths() -> dict[str, str]:
    """One record page of each kind, the most crowded the dataset has."""
    most = models.Count("memberships")
    return {
        "network": Network.objects.annotate(n=most).order_by("-n", "slug").first(),
        "institution": Institution.objects.annotate(n=most).order_by("-n", "slug").first(),
        "jurisdiction": Jurisdiction.objects.annotate(n=models.Count("institutions"))
        .order_by("-n", "slug")
        .first(),
        "memorandum": Memorandum.objects.order_by("slug").first(),
        "meeting": Meeting.objects.order_by("-start_date", "slug").first(),
    }


def test_no_record_page_is_wider_than_the_screen_with_its_citation_open(sized):
    page = sized
    problems = []
    for kind, record in record_paths().items():
        if record is None:
            continue
        path = record.get_absolute_url()
        page.goto(path)
        cite = page.locator("details.cite")
        expect(cite).to_have_count(1)
        cite.locator("summary").click()
        expect(cite.locator("p").first).to_be_visible()
        box = cite.bounding_box()
        if box["x"] + box["width"] > page.width:
            problems.append(f"{kind} {path}: 'Cite this' reaches {box['x'] + box['width']:.0f}px")
        problems += [f"{kind} {path}: {el}" for el in page.evaluate(OVERFLOWING)]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > page.width:
            problems.append(f"{kind} {path}: the page is {scroll_width}px wide")
    assert not problems, "\n".join(problems)
