"""`manage.py check_links`: the same checks, here and now, without a broker."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from links.models import Link
from sources.models import Source

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_links", *args, stdout=out)
    return out.getvalue()


def publish(*urls: str) -> None:
    for url in urls:
        Source.objects.create(url=url, accessed_on=datetime.date(2025, 1, 1))


def test_it_refuses_to_fetch_while_checking_is_off(settings, server):
    settings.LINK_CHECK_ENABLED = False
    publish(server.url("/ok"))
    with pytest.raises(CommandError, match="LINK_CHECK_ENABLED"):
        run()
    assert server.seen == []


def test_a_dry_run_says_what_it_would_do_and_does_nothing(settings, server):
    settings.LINK_CHECK_ENABLED = False
    publish(server.url("/ok"), server.url("/missing"))
    out = run("--dry-run")
    assert f"would check {server.url('/ok')}" in out
    assert "Dry run: 2 published links (2 new, 0 gone); would check 2; nothing fetched." in out
    assert not Link.objects.exists()
    assert server.seen == []


def test_it_syncs_and_checks_one_batch_of_due_links(link_checking, server):
    link_checking.LINK_CHECK_BATCH_SIZE = 2
    publish(server.url("/ok"), server.url("/missing"), server.url("/moved"))
    out = run()
    assert "3 published links (3 new, 0 gone); checked 2:" in out
    assert Link.objects.filter(last_checked_at__isnull=False).count() == 2
    out = run()
    assert "checked 1:" in out


def test_stale_checks_every_due_link_and_all_checks_every_link(link_checking, server):
    link_checking.LINK_CHECK_BATCH_SIZE = 1
    publish(server.url("/ok"), server.url("/missing"), server.url("/error"))
    out = run("--stale")
    assert "checked 3: 1 working, 2 failing, 0 skipped; 0 broken in all." in out
    assert f"FAIL {server.url('/missing')} http_error HTTP 404" in out
    assert "checked 0:" in run("--stale")  # none due any more
    assert "checked 3:" in run("--all")
