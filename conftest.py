"""Project-wide pytest setup.

Tests that need PostgreSQL, Redis or Chromium skip with a visible reason where those
are absent, so that a newcomer's `make test` passes. CI sets LATTICE_NO_SKIP=1, which
turns every skip into a failure: in CI nothing may skip.

`make test` runs the suite on every core with pytest-xdist (`-n auto --dist load`).
Each worker has its own test database (pytest-django adds _gw0, _gw1, ... to its name)
and its own local-memory cache; with CACHE_URL naming Redis, its own Redis database
(see pytest_configure). `--dist load` hands out runs of consecutive tests from the
front of pytest's order, so every worker meets the tests in that order. It matters:
pytest-django sorts them as Django does, tests in a transaction first, then
transactional tests (each empties the database after it, rows written by data
migrations such as the Curators group included), then tests without a database; and
tests that share data loaded once (curation/tests/test_dataset.py, tests/browser/) come
one after the other, so a worker loads it at most once. `worksteal` would let a worker
take earlier tests after later ones; `loadgroup` does not group under pytest 9.2
(pytest-dev/pytest-xdist#1386) and its reordering would start the browser tests first.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

NO_SKIP = os.environ.get("LATTICE_NO_SKIP", "") not in ("", "0", "false", "no")
BROWSER_TESTS = Path(__file__).parent / "tests" / "browser"


def pytest_configure(config):
    from django.test.utils import override_settings

    # The default hasher costs about half a second of CPU per password by design, and
    # the admin tests sign in dozens of users; no test is about the hash itself. (As
    # Django's "Speeding up the tests" advises.)
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    if getattr(config, "cache", None) is not None:  # absent under -p no:cacheprovider
        from tests.sqlite_template import install

        install(config.cache.mkdir("sqlite-test-db"))
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, ... in xdist's workers
    if worker:
        use_a_redis_database_per_worker(int(worker.removeprefix("gw")))


def use_a_redis_database_per_worker(number: int) -> None:
    """Worker gwN uses Redis database n+N when CACHE_URL names database n: every test
    clears the cache (FLUSHDB), which must not empty another worker's cache mid-test."""
    from django.conf import settings
    from django.test.utils import override_settings

    cache = settings.CACHES["default"]
    location = cache.get("LOCATION")
    if not isinstance(location, str) or urlsplit(location).scheme not in ("redis", "rediss"):
        return
    url = urlsplit(location)
    database = int(url.path.strip("/") or 0) + number
    if database > 15:
        raise pytest.UsageError(
            f"CACHE_URL={location}: xdist worker gw{number} would need Redis "
            f"database {database}; name a lower database or run fewer workers (-n)"
        )
    ours = urlunsplit(url._replace(path=f"/{database}"))
    override_settings(CACHES={**settings.CACHES, "default": {**cache, "LOCATION": ours}}).enable()


def pytest_itemcollected(item):
    if BROWSER_TESTS in item.path.parents:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped, but LATTICE_NO_SKIP is set (CI): {reason}"


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"lattice: database={engine} no_skip={NO_SKIP}"]


@pytest.fixture(scope="session")
def real_dataset(tmp_path_factory):
    """Puts the curated dataset in data/ into the test database: `real_dataset.put()`
    (with the database unblocked) returns the summary of loading it. Loaded once per run
    and copied after that, on SQLite (tests/real_dataset.py)."""
    from tests.real_dataset import RealDataset, run_directory

    return RealDataset(run_directory(tmp_path_factory))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _one_render_period(settings):
    """Validators and cached responses change every HTTP_CACHE_RENDER_SECONDS
    (responsecache/cache.py): a test that caches and revalidates must not straddle the
    boundary by chance. The test of the period sets its own."""
    settings.HTTP_CACHE_RENDER_SECONDS = 0


# django-simple-history writes a history row for every save: about a fifth of the fast
# suite's time. Tests that read history (change sets, undo, change files, feeds of
# edits) are marked `history`; the others run without it, unless LATTICE_TEST_HISTORY is
# set, as CI's PostgreSQL run sets it, so that every test also runs with history once.
HISTORY_EVERYWHERE = os.environ.get("LATTICE_TEST_HISTORY", "") not in ("", "0", "false", "no")


@pytest.fixture(autouse=True)
def _history_where_needed(request, settings):
    if not HISTORY_EVERYWHERE and request.node.get_closest_marker("history") is None:
        settings.SIMPLE_HISTORY_ENABLED = False
