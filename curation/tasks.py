"""Celery tasks of the curators' bulk work: apply a large member list in the background;
build the open-data release."""

from celery import shared_task

from . import releases, services


@shared_task(acks_late=True, time_limit=services.JOB_TIME_LIMIT)
def apply_member_list(job_id: int) -> str:
    """Apply the list an ImportJob holds (by id) and record how it ended. Runs once."""
    return services.run_import_job(job_id)


@shared_task(acks_late=True)
def build_release() -> str:
    """Build and publish the next open-data release (curation/releases.py) and return its
    version; scheduled daily (CELERY_BEAT_SCHEDULE). A day without a curated change
    (no change set since the last release) makes no new release: the last one stands."""
    if releases.is_current():
        return ""
    return releases.build_release().version
