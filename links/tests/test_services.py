"""Syncing links with the published records, checking them, and the schedule."""

import datetime

import pytest
from django.utils import timezone

from links import services
from links.models import Link
from links.published import published_urls, urls_of
from networks.models import OutcomeDocument
from sources.models import Source
from tests.factories import (
    make_institution,
    make_meeting,
    make_memorandum,
    make_network,
    make_source,
)

pytestmark = pytest.mark.django_db


def make_directory():
    """One record of each kind with a published URL (nothing here is ever fetched)."""
    source = make_source(url="https://source.example/doc")
    institution = make_institution(website="https://institution.example/", sources=[source])
    network = make_network(website="https://network.example/", sources=[source])
    make_memorandum(document_url="https://memorandum.example/text.pdf", sources=[source])
    meeting = make_meeting(
        network=network, records_url="https://meeting.example/records", sources=[source]
    )
    OutcomeDocument.objects.create(
        meeting=meeting, title="Communiqué", url="https://meeting.example/communique"
    )
    make_network(website="", sources=[source])  # blank URLs are not links
    return institution


EXPECTED = {
    "https://source.example/doc",
    "https://institution.example/",
    "https://network.example/",
    "https://memorandum.example/text.pdf",
    "https://meeting.example/records",
    "https://meeting.example/communique",
}


def test_published_urls_are_every_url_field_of_every_published_model():
    make_directory()
    assert published_urls() == EXPECTED


def test_sync_makes_one_link_per_published_url_and_drops_the_rest(django_assert_max_num_queries):
    institution = make_directory()
    Link.objects.create(url="https://no-longer-published.example/")
    with django_assert_max_num_queries(14):
        summary = services.sync_links()
    assert (summary.added, summary.removed, summary.total) == (6, 1, 6)
    assert set(Link.objects.values_list("url", flat=True)) == EXPECTED
    assert Link.objects.get(url="https://institution.example/").host == "institution.example"

    institution.website = "https://institution.example/new"
    institution.save()
    summary = services.sync_links()
    assert (summary.added, summary.removed) == (1, 1)
    assert services.sync_links().added == services.sync_links().removed == 0


def test_a_dry_run_sync_writes_nothing():
    make_directory()
    assert services.sync_links(dry_run=True).added == 6
    assert not Link.objects.exists()


def test_urls_of_reads_the_published_fields_of_any_record():
    source = make_source(url="https://s.example/")
    institution = make_institution(website="https://i.example/", sources=[source])
    network = make_network(website="", sources=[source])
    assert urls_of([institution, network, source]) == ["https://i.example/", "https://s.example/"]


def test_checking_records_the_result(link_checking, server):
    link = Link.objects.create(url=server.url("/moved"))
    outcome = services.check_link(link.pk)
    assert outcome.ok
    link.refresh_from_db()
    assert link.status_code == 200
    assert link.final_url == server.url("/ok")
    assert link.last_ok_at == link.last_checked_at
    assert link.response_time_ms is not None
    assert link.results.get().redirects == 1


def test_checking_is_idempotent(link_checking, server):
    link = Link.objects.create(url=server.url("/ok"))
    assert services.check_link(link.pk) is not None
    assert services.check_link(link.pk) is None  # checked a moment ago: skipped
    assert services.check_link(link.pk, force=True) is not None
    assert services.check_link(link.pk + 1000) is None  # gone meanwhile
    assert link.results.count() == 2


def test_nothing_is_fetched_while_checking_is_off(settings, server):
    settings.LINK_CHECK_ENABLED = False
    link = Link.objects.create(url=server.url("/ok"))
    with pytest.raises(services.LinkCheckingDisabled):
        services.check_link(link.pk)
    assert server.seen == []


def test_the_schedule_takes_a_bounded_batch_oldest_first(link_checking, server):
    now = timezone.now()
    for n, age in enumerate([3, 1, 2]):
        source = Source.objects.create(
            url=server.url(f"/ok?n={n}"), accessed_on=datetime.date(2025, 1, 1)
        )
        Link.objects.create(url=source.url, next_check_at=now - datetime.timedelta(days=age))
    link_checking.LINK_CHECK_BATCH_SIZE = 2
    assert services.schedule_checks() == 2  # queued; tasks run eagerly here
    checked = Link.objects.filter(last_checked_at__isnull=False)
    assert sorted(checked.values_list("url", flat=True)) == [
        server.url("/ok?n=0"),
        server.url("/ok?n=2"),
    ]


def test_a_claimed_batch_is_not_handed_out_again():
    now = timezone.now()
    for n in range(3):
        Link.objects.create(url=f"https://{n}.example/")
    first = services.claim_due(2, now=now)
    second = services.claim_due(2, now=now)
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert services.claim_due(2, now=now + services.CLAIM_FOR) == sorted(first + second)[:2]
