"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server.

They skip, with the reason shown, where Chromium is missing; CI sets LATTICE_NO_SKIP=1,
which turns that skip into a failure. Each test runs on two datasets: a small synthetic
one (tests/browser/synthetic.py, always available) and the curated dataset in data/,
which skips with the loader's reason while it does not load. Either way every published
URL then gets a Link row, in turn checked, failing, broken and never checked, so that
every page shows the link checker's marks in all their colours.

The tests only read: each dataset is loaded once for all the tests on it (a
package-scoped fixture, committed so that the live server's thread sees it) and emptied
with `flush` after the last of them, instead of once per test. pytest runs the tests of
one dataset one after the other, and under `make test` each xdist worker receives them
in that order, so a worker loads each dataset at most once. A browser test that writes
would have to get its own data (transactional_db).
"""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from curation.loader import DirectoryError
from links.models import Link
from links.services import sync_links

from .browser import CHROMIUM, CHROMIUM_ARGS
from .synthetic import write_synthetic_dataset

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
REAL_DATA = Path(settings.BASE_DIR) / "data"


@pytest.fixture(autouse=True)
def _needs_chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="package", params=["synthetic", "real"])
def dataset(request, django_db_setup, django_db_blocker, tmp_path_factory, real_dataset) -> str:
    """Load a dataset into the live server's database; returns its name. Emptied after
    the last test on it, as a transactional test's database is."""
    with django_db_blocker.unblock():
        try:
            yield load_dataset(request.param, tmp_path_factory, real_dataset)
        finally:
            call_command("flush", interactive=False, verbosity=0)


def load_dataset(name: str, tmp_path_factory, real_dataset) -> str:
    if name == "synthetic":
        path = write_synthetic_dataset(tmp_path_factory.mktemp("synthetic") / "data")
        call_command("load_directory", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        give_links_every_state()
        return "synthetic"
    if not (REAL_DATA / "networks" / "bcbs.yaml").exists():
        pytest.skip("the curated dataset has no Basel Committee yet (data/networks/bcbs.yaml)")
    try:
        # Loaded, or copied from the run's first load of data/ (tests/real_dataset.py).
        real_dataset.put()
    except DirectoryError as exc:
        first = "; ".join(str(problem) for problem in exc.problems[:3])
        pytest.skip(
            f"the curated dataset in data/ does not load yet: {len(exc.problems)} "
            f"problem(s). First: {first}"
        )
    give_links_every_state()
    return "real"


@pytest.fixture(autouse=True)
def _live_server_helper(request, django_db_setup, django_db_blocker):
    """Overrides pytest-django's fixture of this name for the browser tests: theirs
    makes every live-server test transactional, which empties the database after each
    test, and the datasets above are loaded once for many. The live server's thread
    may use the database for the length of each test; the test database exists before
    the server starts (an in-memory SQLite database is shared with its thread)."""
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    with django_db_blocker.unblock():
        yield
    live_server._live_server_modified_settings.disable()


def give_links_every_state() -> None:
    """A Link per published URL, in turn working, failing, broken and never checked
    (states set directly: nothing is fetched)."""
    sync_links()
    now = timezone.now()
    earlier = now - datetime.timedelta(days=2)
    pks = list(Link.objects.order_by("url").values_list("pk", flat=True))
    Link.objects.filter(pk__in=pks[0::4]).update(last_checked_at=now, last_ok_at=now)
    Link.objects.filter(pk__in=pks[1::4]).update(
        last_checked_at=now, last_ok_at=earlier, failing_since=now, consecutive_failures=1
    )
    Link.objects.filter(pk__in=pks[2::4]).update(
        last_checked_at=now,
        last_ok_at=earlier,
        failing_since=earlier,
        consecutive_failures=settings.LINK_CHECK_BROKEN_AFTER,
    )


@pytest.fixture(scope="package")
def playwright_browser(dataset):
    """Chromium, once per dataset: started after the data is loaded and stopped before
    the database is emptied: Playwright's sync API runs an event loop in this thread,
    and Django refuses database work in a thread with a running loop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(dataset, live_server, playwright_browser):
    """A desktop-sized page; console errors (a CSP violation, a script error) fail the test."""
    context = playwright_browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()
    # A 404 page logs its own status as a console error; anything else is a fault.
    faults = [e for e in errors if "404" not in e]
    assert not faults, f"errors in the browser console: {faults}"


# The two widths the browser tests check a page at: a desktop's and a phone's.
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(params=list(WIDTHS))
def sized(request, page):
    """`page`, once at each width of WIDTHS; `page.width` says which."""
    width, height = WIDTHS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    page.width = width
    return page
