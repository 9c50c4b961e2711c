"""The link checker's operations on the database: sync, check, record, schedule, queue.

`checker` does the fetching and knows nothing of the database; the functions here are
what the tasks, the `check_links` command, the admin and the save hook call.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import HISTORY_LENGTH, CheckResult, Link, host_of
from ..published import published_urls
from .checker import AddressPolicy, CheckerConfig, CheckOutcome, Resolver, check_url

logger = logging.getLogger(__name__)

# A link handed to a worker is not handed out again for this long; if its task is lost
# (a worker dies, the queue is flushed), the schedule picks it up after that.
CLAIM_FOR = datetime.timedelta(hours=1)
# After failing to reach the broker, this process leaves it alone for this many seconds.
BROKER_DOWN_PAUSE = 60.0
_broker_down_until = 0.0


class LinkCheckingDisabled(RuntimeError):
    """LINK_CHECK_ENABLED is off: nothing is fetched."""


@dataclasses.dataclass
class SyncSummary:
    added: int = 0
    removed: int = 0
    total: int = 0


def sync_links(*, dry_run: bool = False) -> SyncSummary:
    """Make the Link table hold exactly the URLs the site publishes (a few queries).

    New URLs get a Link, to be checked first; URLs no longer published lose theirs, with
    their history.
    """
    wanted = published_urls()
    existing = dict(Link.objects.values_list("url", "pk"))
    new = sorted(wanted - existing.keys())
    gone = [pk for url, pk in existing.items() if url not in wanted]
    summary = SyncSummary(added=len(new), removed=len(gone), total=len(wanted))
    if dry_run:
        return summary
    with transaction.atomic():
        Link.objects.bulk_create(
            [Link(url=url, host=host_of(url)) for url in new],
            batch_size=500,
            ignore_conflicts=True,
        )
        for start in range(0, len(gone), 500):
            Link.objects.filter(pk__in=gone[start : start + 500]).delete()
    return summary


def ensure_links(urls: Iterable[str]) -> list[Link]:
    """The Links for some URLs, created where missing (two queries)."""
    wanted = sorted({url for url in urls if url})
    if not wanted:
        return []
    Link.objects.bulk_create(
        [Link(url=url, host=host_of(url)) for url in wanted], ignore_conflicts=True
    )
    return list(Link.objects.filter(url__in=wanted))


def check_link(
    link_id: int,
    *,
    force: bool = False,
    config: CheckerConfig | None = None,
    policy: AddressPolicy | None = None,
    resolver: Resolver | None = None,
) -> CheckOutcome | None:
    """Check one link now and record the result; None when skipped.

    Idempotent: a link that no longer exists is skipped, and so is one checked within
    the last minute (a task delivered twice) unless `force`. Raises HostBusy when another
    request to the host is in flight, LinkCheckingDisabled when checking is off.
    """
    if not settings.LINK_CHECK_ENABLED:
        raise LinkCheckingDisabled("link checking is off (LINK_CHECK_ENABLED)")
    link = Link.objects.filter(pk=link_id).first()
    if link is None or (not force and link.checked_recently()):
        return None
    outcome = check_url(link.url, config=config, policy=policy, resolver=resolver)
    record_check(link_id, outcome)
    return outcome


def record_check(
    link_id: int, outcome: CheckOutcome, *, at: datetime.datetime | None = None
) -> Link | None:
    """Store a check's outcome: the link's last result, and one row of its history."""
    at = at or timezone.now()
    with transaction.atomic():
        # Row lock: two checks finishing together must not lose a failure count.
        link = Link.objects.select_for_update().filter(pk=link_id).first()
        if link is None:
            return None
        link.apply_outcome(outcome, at=at)
        link.save()
        CheckResult.objects.create(
            link=link,
            checked_at=at,
            ok=outcome.ok,
            status_code=outcome.status_code,
            final_url=outcome.final_url[:2000],
            redirects=outcome.redirects,
            error_kind=outcome.error_kind,
            error_message=outcome.error_message[:500],
            response_time_ms=outcome.response_time_ms,
        )
        old = list(link.results.values_list("pk", flat=True)[HISTORY_LENGTH:])
        if old:
            CheckResult.objects.filter(pk__in=old).delete()
    return link


def claim_due(limit: int, *, now: datetime.datetime | None = None) -> list[int]:
    """Take up to `limit` due links, longest-waiting first, and mark them as handed out."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Link.objects.due(now).values_list("pk", flat=True)[:limit])
        Link.objects.filter(pk__in=ids).update(next_check_at=now + CLAIM_FOR)
    return ids


def queue_is_eager() -> bool:
    """Whether tasks run in-process (no broker: the quick start, the tests)."""
    from ..tasks import check_link as check_link_task

    return bool(check_link_task.app.conf.task_always_eager)


def send_checks(link_ids: Iterable[int], *, force: bool = False) -> int:
    """Hand checks to the task queue now; how many were queued.

    A broker that is down is logged, never raised: the caller's work is already saved,
    and the schedule will come back to these links. After a failure, this process does
    not try the broker again for BROKER_DOWN_PAUSE (a data load saving a thousand records
    must not wait on it a thousand times).
    """
    global _broker_down_until
    from ..tasks import check_link as check_link_task

    ids = list(link_ids)
    if not ids:
        return 0
    if time.monotonic() < _broker_down_until:
        logger.info("Task queue unreachable lately: %s link checks left to the schedule", len(ids))
        return 0
    sent = 0
    # Fail at once if the broker is down rather than hold up a save: retry=False stops
    # retrying the publish, and max_retries=0 stops kombu retrying the connection itself
    # (without it a closed port cost about 6 s before the first error).
    with check_link_task.app.connection_for_write(
        transport_options={"max_retries": 0}
    ) as connection:
        for link_id in ids:
            try:
                check_link_task.apply_async(
                    args=[link_id],
                    kwargs={"force": True} if force else {},
                    retry=False,
                    connection=connection,
                )
            except Exception:
                if not queue_is_eager():
                    _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
                logger.warning(
                    "Could not queue checks of %s link(s) (first: %s); "
                    "the schedule will check them",
                    len(ids) - sent,
                    link_id,
                    exc_info=True,
                )
                break
            sent += 1
    return sent


def check_published_urls(urls: Iterable[str]) -> int:
    """A record with these URLs was saved (and committed): make sure they have Links,
    and queue checks of those not checked lately; how many were queued.

    Without a broker nothing is queued: a save never waits on fetching outside sites
    (`check_links` or "check now" in the admin check them then).
    """
    links = ensure_links(urls)
    if queue_is_eager():
        return 0
    now = timezone.now()
    return send_checks(
        [link.pk for link in links if link.next_check_at is None or link.next_check_at <= now]
    )


def schedule_checks(limit: int | None = None) -> int:
    """The periodic job: sync, then queue one bounded batch of due links (oldest first)."""
    sync_links()
    ids = claim_due(limit or settings.LINK_CHECK_BATCH_SIZE)
    sent = send_checks(ids)
    logger.info("Queued %s of %s due link checks", sent, len(ids))
    return sent
