"""Saving a record with a URL queues a check after commit, only when checking is on; a
broker that is down never breaks the save."""

import logging
import time

import pytest
from celery import Celery

import config.celery
from curation.loader import load_directory
from links import services
from links.models import Link
from sources.models import Source
from tests.browser.synthetic import write_synthetic_dataset
from tests.factories import make_institution, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _broker_not_known_down(monkeypatch):
    monkeypatch.setattr(services, "_broker_down_until", 0.0)


@pytest.fixture
def sent(monkeypatch):
    """Record what would be handed to the broker, as a non-eager app would."""
    ids: list[int] = []
    monkeypatch.setattr(services, "queue_is_eager", lambda: False)
    monkeypatch.setattr(services, "send_checks", lambda link_ids, **kw: ids.extend(link_ids))
    return ids


def test_with_checking_off_a_save_queues_nothing(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_institution(website="https://institution.example/")
    assert callbacks == []
    assert sent == []
    assert not Link.objects.exists()


def test_with_checking_off_the_data_loader_fetches_nothing(
    django_capture_on_commit_callbacks, sent, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        load_directory(write_synthetic_dataset(tmp_path / "data"))
    # The load commits once: its only callback is the response cache's version bump.
    assert [getattr(c, "func", c).__module__ for c in callbacks] == ["responsecache.cache"]
    assert sent == []
    assert not Link.objects.exists()


def test_a_saved_record_has_its_links_queued_after_commit(
    link_checking, django_capture_on_commit_callbacks, sent
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        source = make_source(url="https://source.example/")
        make_institution(website="https://institution.example/", sources=[source])
    assert sent == []  # nothing before the commit
    assert not Link.objects.exists()
    for callback in callbacks:
        callback()
    links = Link.objects.for_urls(["https://source.example/", "https://institution.example/"])
    assert sorted(sent) == sorted(link.pk for link in links.values())


def test_a_link_checked_lately_is_not_queued_again(
    link_checking, django_capture_on_commit_callbacks, sent
):
    with django_capture_on_commit_callbacks(execute=True):
        source = make_source(url="https://source.example/")
    services.record_check(
        Link.objects.get(url=source.url).pk,
        services.CheckOutcome(url=source.url, ok=True, status_code=200),
    )
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        source.title = "Renamed"
        source.save()
    assert sent == []


def test_without_a_broker_a_save_makes_links_but_fetches_nothing(
    link_checking, django_capture_on_commit_callbacks, server
):
    with django_capture_on_commit_callbacks(execute=True):
        source = Source.objects.create(url=server.url("/ok"), accessed_on="2025-01-01")
    assert Link.objects.get(url=source.url).last_checked_at is None
    assert server.seen == []


@pytest.fixture
def unreachable_broker():
    """A Celery app whose broker is a closed port on 127.0.0.1."""
    app = Celery("lattice-test-broker-down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app.set_current()
    yield app
    config.celery.app.set_current()


def test_a_save_works_when_the_broker_is_down(
    link_checking, django_capture_on_commit_callbacks, unreachable_broker, caplog
):
    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="links"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = Source.objects.create(url="https://a.example/", accessed_on="2025-01-01")
        second = Source.objects.create(url="https://b.example/", accessed_on="2025-01-01")
    # Refused at once: kombu's own connection retries made this about 6 s.
    assert time.monotonic() - started < 2
    assert Source.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert Link.objects.count() == 2  # the schedule will check them
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # the second save did not wait on the broker again
    assert "Could not queue" in warnings[0].getMessage()
