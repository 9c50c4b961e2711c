"""Link: its status, how outcomes fold in, and the queries pages and the schedule use."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from links.models import HISTORY_LENGTH, ErrorKind, Link, LinkStatus
from links.services import record_check
from links.services.checker import CheckOutcome

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2025, 6, 1, 12, 0))
OK = CheckOutcome(url="", ok=True, status_code=200, final_url="https://a.example/")
DOWN = CheckOutcome(url="", status_code=503, error_kind=ErrorKind.HTTP_ERROR, error_message="503")


def make_link(url="https://a.example/", **kwargs) -> Link:
    return Link.objects.create(url=url, **kwargs)


def test_a_new_link_is_unchecked_and_due():
    link = make_link()
    assert link.status == LinkStatus.UNCHECKED
    assert link.host == "a.example"
    assert list(Link.objects.due()) == [link]
    assert list(Link.objects.never_checked()) == [link]


def test_a_link_is_broken_only_after_repeated_failures(settings):
    settings.LINK_CHECK_BROKEN_AFTER = 3
    link = make_link()
    record_check(link.pk, OK, at=NOW)
    for hours, expected in [
        (1, LinkStatus.FAILING),
        (7, LinkStatus.FAILING),
        (20, LinkStatus.BROKEN),
    ]:
        link = record_check(link.pk, DOWN, at=NOW + datetime.timedelta(hours=hours))
        assert link.status == expected
    assert link.consecutive_failures == 3
    assert link.failing_since == NOW + datetime.timedelta(hours=1)  # the first failure
    assert link.last_ok_at == NOW
    assert list(Link.objects.broken()) == [link]
    assert list(Link.objects.failing()) == []
    link = record_check(link.pk, OK, at=NOW + datetime.timedelta(days=2))
    assert (link.status, link.consecutive_failures, link.failing_since) == (
        LinkStatus.WORKING,
        0,
        None,
    )
    assert list(Link.objects.working()) == [link]


def test_a_failing_link_is_rechecked_sooner_than_a_working_one(settings):
    settings.LINK_CHECK_INTERVAL_DAYS = 7
    link = record_check(make_link().pk, OK, at=NOW)
    assert link.next_check_at == NOW + datetime.timedelta(days=7)
    link = record_check(link.pk, DOWN, at=NOW)
    assert link.next_check_at == NOW + datetime.timedelta(hours=6)
    link = record_check(link.pk, DOWN, at=NOW)
    assert link.next_check_at == NOW + datetime.timedelta(hours=12)
    for _ in range(10):
        link = record_check(link.pk, DOWN, at=NOW)
    assert link.next_check_at == NOW + datetime.timedelta(days=7)  # never later than usual


def test_each_check_is_kept_in_a_bounded_history():
    link = make_link()
    for minutes in range(HISTORY_LENGTH + 5):
        record_check(
            link.pk, OK if minutes % 2 else DOWN, at=NOW + datetime.timedelta(minutes=minutes)
        )
    results = list(link.results.all())
    assert len(results) == HISTORY_LENGTH
    assert results[0].checked_at == NOW + datetime.timedelta(minutes=HISTORY_LENGTH + 4)
    assert results[-1].checked_at == NOW + datetime.timedelta(minutes=5)
    failed = link.results.filter(ok=False).first()
    assert (failed.status_code, failed.error_kind) == (503, "http_error")


def test_stale_means_never_checked_or_older_than_the_interval(settings):
    settings.LINK_CHECK_INTERVAL_DAYS = 7
    fresh = make_link("https://fresh.example/", last_checked_at=timezone.now())
    old = make_link(
        "https://old.example/", last_checked_at=timezone.now() - datetime.timedelta(days=8)
    )
    never = make_link("https://never.example/")
    assert set(Link.objects.stale()) == {old, never}
    assert fresh not in Link.objects.stale()


def test_due_links_come_longest_waiting_first():
    now = timezone.now()
    later = make_link("https://later.example/", next_check_at=now + datetime.timedelta(hours=1))
    older = make_link("https://older.example/", next_check_at=now - datetime.timedelta(days=2))
    newer = make_link("https://newer.example/", next_check_at=now - datetime.timedelta(hours=1))
    never = make_link("https://never.example/")
    assert list(Link.objects.due(now)) == [never, older, newer]
    assert later not in Link.objects.due(now)


def test_for_urls_maps_urls_to_links_in_one_query(django_assert_num_queries):
    a = make_link("https://a.example/")
    b = make_link("https://b.example/")
    with django_assert_num_queries(1):
        found = Link.objects.for_urls([a.url, b.url, b.url, "", "https://unknown.example/"])
    assert found == {a.url: a, b.url: b}
    with django_assert_num_queries(0):
        assert Link.objects.for_urls(["", ""]) == {}


def test_only_http_links_are_stored():
    with pytest.raises(IntegrityError):
        Link.objects.create(url="ftp://a.example/")


def test_a_failure_run_has_a_start_and_only_a_failure_run_has_one():
    with pytest.raises(IntegrityError):
        Link.objects.create(url="https://a.example/", consecutive_failures=1)
