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
    """Build and publish the next open-data release (curation/releases.py); its version.

    For a daily entry in CELERY_BEAT_SCHEDULE (config/settings.py), e.g.
    `"build-open-data-release": {"task": "curation.tasks.build_release",
    "schedule": crontab(hour=3, minute=30)}`. Each run is a new version."""
    return releases.build_release().version
