"""Queue checks of a record's links when it is saved (connected in apps.py)."""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

from .published import published_models, urls_of

logger = logging.getLogger(__name__)


def connect() -> None:
    for model, _fields in published_models():
        post_save.connect(
            queue_checks_on_save, sender=model, dispatch_uid=f"links-check-{model._meta.label}"
        )


def queue_checks_on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """After the save commits, make sure the record's URLs have Links, and queue checks
    of those not checked lately. Off unless LINK_CHECK_ENABLED: the quick start, the
    data loader and the tests save records without any fetching."""
    if raw or not settings.LINK_CHECK_ENABLED:
        return
    urls = urls_of([instance])
    if urls:
        transaction.on_commit(functools.partial(_check_after_commit, urls))


def _check_after_commit(urls: list[str]) -> None:
    from . import services

    try:
        services.check_published_urls(urls)
    except Exception:
        # The record is saved; its links will be picked up by the schedule.
        logger.warning("Could not queue checks of %s", ", ".join(urls), exc_info=True)
