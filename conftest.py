"""Project-wide pytest setup.

Tests that need PostgreSQL, Redis or Chromium skip with a visible reason where those
are absent, so that a newcomer's `make test` passes. CI sets LATTICE_NO_SKIP=1, which
turns every skip into a failure: in CI nothing may skip.
"""

import os

import pytest

NO_SKIP = os.environ.get("LATTICE_NO_SKIP", "") not in ("", "0", "false", "no")


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
