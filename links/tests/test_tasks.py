"""The Celery tasks: ids in, idempotent, late acknowledgement, retries on transient errors."""

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError

from links import tasks
from links.models import Link
from links.services.checker import HostBusy

pytestmark = pytest.mark.django_db


def test_check_link_checks_one_link_by_id(link_checking, server):
    link = Link.objects.create(url=server.url("/missing"))
    assert tasks.check_link.delay(link.pk).get() == "http_error"
    link.refresh_from_db()
    assert (link.status_code, link.consecutive_failures) == (404, 1)
    assert tasks.check_link.delay(link.pk).get() == "skipped"  # delivered twice
    assert tasks.check_link.delay(link.pk, force=True).get() == "http_error"


def test_check_link_does_nothing_while_checking_is_off(settings, server):
    settings.LINK_CHECK_ENABLED = False
    link = Link.objects.create(url=server.url("/ok"))
    assert tasks.check_link.delay(link.pk).get() == "disabled"
    assert server.seen == []


def test_the_tasks_acknowledge_late_and_retry_transient_errors_with_backoff():
    task = tasks.check_link
    assert task.acks_late
    assert HostBusy in task.autoretry_for and OperationalError in task.autoretry_for
    assert task.retry_backoff and task.retry_jitter and task.max_retries
    assert tasks.check_stale_links.acks_late


def test_a_busy_host_is_retried(link_checking, server, monkeypatch):
    calls = []

    def busy_then_free(link_id, *, force=False):
        calls.append(link_id)
        if len(calls) < 3:
            raise HostBusy("127.0.0.1")

    monkeypatch.setattr(tasks.services, "check_link", busy_then_free)
    # Eagerly, retries run at once (and only when errors do not propagate).
    monkeypatch.setitem(tasks.check_link.app.conf, "task_eager_propagates", False)
    tasks.check_link.apply((1,))
    assert calls == [1, 1, 1]


def test_the_periodic_task_is_scheduled_and_off_while_checking_is_off(settings, server):
    entry = django_settings.CELERY_BEAT_SCHEDULE["check-stale-links"]
    assert entry["task"] == tasks.check_stale_links.name
    settings.LINK_CHECK_ENABLED = False
    Link.objects.create(url=server.url("/ok"))
    assert tasks.check_stale_links.delay().get() == 0
    assert server.seen == []
