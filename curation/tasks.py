"""Celery tasks of the curators' bulk work: apply a large member list in the background."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=services.JOB_TIME_LIMIT)
def apply_member_list(job_id: int) -> str:
    """Apply the list an ImportJob holds (by id) and record how it ended. Runs once."""
    return services.run_import_job(job_id)
