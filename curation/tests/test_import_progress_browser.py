"""The list-import progress page in a real browser (Chromium, under the site's strict
CSP): static/js/import-progress.js follows the job as a worker moves it on, and shows
the result when it ends."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from curation.models import ImportJob, ImportStatus
from tests.browser.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 15_000


def test_the_progress_page_follows_the_job_to_its_result(live_server, client, monkeypatch):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test moves the job on
    # from here meanwhile, as a worker would (Django's documented escape hatch).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    # A superuser: a transactional test may run after one that emptied the tables, the
    # Curators group's row (made by a data migration) included.
    user = User.objects.create_superuser("curator", password="a-long-test-password")
    client.force_login(user)
    # Made directly (a queued job's task would run at once without a broker).
    job = ImportJob.objects.create(
        network=make_network(name="Synthetic Network"),
        file_name="members.csv",
        rows_total=2000,
        options={"list_date": "2025-06-30", "source_url": "https://synthetic.example.org/"},
    )
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        # Script errors and CSP refusals are console errors; a failed load is reported
        # by its response below (the admin has no favicon: the browser's own request).
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.goto(live_server.url + job.get_absolute_url())
        expect(page.locator("#import-text")).to_have_text("2000 rows wait for a worker.")

        # A worker starts, checks the rows, then writes.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.RUNNING, records_done=300, records_total=1200
        )
        expect(page.locator("#import-text")).to_have_text("Writing: 300 of 1200.", timeout=WAIT_MS)
        assert page.locator("#import-bar").get_attribute("value") == "25"

        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, records_done=1200, summary=[["Add", 700]]
        )
        # The page reloads itself to show the result.
        expect(page.locator("#import-status")).to_have_text("Applied", timeout=WAIT_MS)
        expect(page.locator("#content-main")).to_contain_text("Add: 700")
        browser.close()
    assert errors == []  # no CSP refusal, no script error
