"""Celery tasks of the link checker: check one link; queue a batch of due ones."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services
from .models import ErrorKind, Link
from .services.checker import CheckOutcome, HostBusy

logger = logging.getLogger(__name__)

# Worth trying again later: the host is busy with another of our requests, or the
# database is briefly unreachable. A link that fails (timeout, 404…) is not retried
# here: the failure is recorded, and the schedule re-checks it sooner than a working one.
TRANSIENT = (HostBusy, OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    # A server can trickle headers forever; the worker takes the time back (prefork pool).
    soft_time_limit=120,
    time_limit=150,
)
def check_link(self, link_id: int, force: bool = False) -> str:
    """Check one link (by id) and record the result. Safe to run twice."""
    try:
        outcome = services.check_link(link_id, force=force)
    except services.LinkCheckingDisabled:
        logger.info("Link checking is off (LINK_CHECK_ENABLED); link %s not checked", link_id)
        return "disabled"
    except SoftTimeLimitExceeded:
        url = Link.objects.filter(pk=link_id).values_list("url", flat=True).first() or ""
        services.record_check(
            link_id,
            CheckOutcome(
                url=url,
                error_kind=ErrorKind.TIMEOUT,
                error_message="the check took too long altogether",
                final_url=url,
            ),
        )
        return "timeout"
    if outcome is None:
        return "skipped"
    return "ok" if outcome.ok else outcome.error_kind


@shared_task(acks_late=True)
def check_stale_links() -> int:
    """Periodic (celery beat): sync the links, queue a bounded batch of due ones."""
    if not settings.LINK_CHECK_ENABLED:
        return 0
    return services.schedule_checks()
