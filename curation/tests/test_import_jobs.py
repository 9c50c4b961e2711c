"""Large lists are applied in the background with a progress page (issue #15 item 7):
the admin queues a Celery task (eager in the tests and the quick start), the job's page
follows it, and shows what it did or why it did not."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from curation.models import ImportJob, ImportStatus
from curation.services import _Progress, queue_import_job
from networks.models import Membership
from responsecache.cache import invalidate_after_request
from sources.models import ChangeKind, ChangeSet
from tests.factories import make_institution, make_membership, make_network

from .synthetic_lists import ROWS, build_synthetic_directory, measured, synthetic_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def upload(client, network, content: bytes, **fields):
    """The upload step: the preview's response."""
    response = client.post(
        reverse("admin:networks_network_import_list", args=[network.pk]),
        {
            "step": "upload",
            "file": SimpleUploadedFile("members.csv", content, content_type="text/csv"),
            "source_url": "https://synthetic.example.org/members",
            "source_title": "Synthetic members (made up for tests)",
            "list_date": "2025-06-30",
            "end_missing": "on",
            "default_role": "member",
            "reason": "synthetic test list",
        }
        | fields,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def apply(client, network, preview):
    mapping = {f"column_{f}": h for f, h in preview.context["plan"].columns.items()}
    return client.post(
        reverse("admin:networks_network_import_list", args=[network.pk]),
        {
            "step": "apply",
            "token": preview.context["token"],
            "fingerprint": preview.context["fingerprint"],
            **mapping,
        },
    )


@pytest.fixture
def small_list():
    network = make_network(slug="test-net")
    make_institution(name="Test Central Bank")
    make_institution(name="Test Supervisor")
    leaver = make_institution(name="Leaving Authority")
    make_membership(network=network, member_institution=leaver)
    content = b"Member,Membership\nTest Central Bank,Member\nTest Supervisor,Member\n"
    return network, content


@pytest.mark.slow
def test_the_synthetic_2000_row_list_is_applied_by_the_task_and_the_page_shows_it_done(
    client, curator, settings, django_capture_on_commit_callbacks
):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the quick start's set-up: no broker
    synthetic = build_synthetic_directory()
    invalidate_after_request(sender=None)  # the set-up's writes are over
    with measured() as m, django_capture_on_commit_callbacks(execute=True):
        preview = upload(client, synthetic.network, synthetic_csv(synthetic))
    assert preview.context["plan"].can_apply
    # The preview writes nothing but the upload, kept in the curator's session, and
    # leaves the cache alone.
    written = {
        re.search(r'(?:INTO|UPDATE|FROM) "?(\w+)', q["sql"]).group(1)
        for q in m.captured
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
    }
    assert written <= {"django_session"}, written
    assert m.bumps == 0

    with measured() as m, django_capture_on_commit_callbacks(execute=True):
        response = apply(client, synthetic.network, preview)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.DONE, job.error
    assert (job.rows_total, job.records_done) == (ROWS, job.records_total)
    assert job.change_set.kind == ChangeKind.IMPORT
    assert job.change_set.user == curator
    assert job.content == b""  # the upload is not kept once applied
    assert m.bumps == 1

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Applied" in html and "Add: 700" in html
    assert reverse("admin:sources_changeset_undo", args=[job.change_set.pk]) in html
    progress = client.get(reverse("admin:curation_importjob_progress", args=[job.pk])).json()
    assert progress | {"text": ""} == {
        "status": "done",
        "status_display": "Applied",
        "finished": True,
        "percent": 100,
        "known": True,
        "text": "",
    }


def test_a_list_below_the_threshold_is_applied_within_the_request(
    client, curator, small_list, settings
):
    network, content = small_list
    settings.MEMBER_LIST_BACKGROUND_ROWS = 3
    response = apply(client, network, upload(client, network, content))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:networks_network_change", args=[network.pk])
    assert not ImportJob.objects.exists()
    assert ChangeSet.objects.get().kind == ChangeKind.IMPORT


def test_a_queued_job_shows_that_it_waits_and_its_page_follows_it_with_a_static_script(
    client, curator, small_list, settings
):
    network, content = small_list
    settings.MEMBER_LIST_BACKGROUND_ROWS = 2
    # No on_commit callbacks run in this test's transaction: the task is never sent.
    response = apply(client, network, upload(client, network, content))
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ImportStatus.QUEUED
    assert not ChangeSet.objects.exists()
    progress = client.get(reverse("admin:curation_importjob_progress", args=[job.pk])).json()
    assert (progress["status"], progress["finished"], progress["known"]) == ("queued", False, False)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "2 rows wait for a worker." in html
    assert 'src="/static/js/import-progress.js"' in html
    assert reverse("admin:curation_importjob_progress", args=[job.pk]) in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)  # no inline script
    assert " style=" not in html and "<style" not in html


def test_a_list_whose_directory_changed_after_it_was_queued_is_refused_by_the_task(
    client, curator, small_list, settings, django_capture_on_commit_callbacks
):
    network, content = small_list
    settings.MEMBER_LIST_BACKGROUND_ROWS = 2
    preview = upload(client, network, content)
    make_membership(network=network)  # someone else's change since the preview
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, network, preview)
    # Refused at once: the check runs before anything is queued.
    assert response.status_code == 200
    assert "changed since the preview" in response.content.decode()
    assert not ImportJob.objects.exists()

    # Or, when the change comes after the job was queued, by the task.
    preview = upload(client, network, content)
    apply(client, network, preview)
    job = ImportJob.objects.get()
    make_membership(network=network)
    before = Membership.objects.count()
    from curation.tasks import apply_member_list

    assert apply_member_list.delay(job.pk).get() == ImportStatus.FAILED
    job.refresh_from_db()
    assert "changed since the preview" in job.error
    assert Membership.objects.count() == before
    assert not ChangeSet.objects.filter(kind=ChangeKind.IMPORT).exists()
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Not applied" in html and "changed since the preview" in html
    # A second delivery of the task does nothing.
    assert apply_member_list.delay(job.pk).get() == "not queued"


def test_only_curators_who_may_import_see_the_jobs(client, small_list):
    network, content = small_list
    job = queue_import_job(
        target=network, file_name="members.csv", content=content, rows=2, options={}
    )
    clerk = User.objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    client.force_login(clerk)
    assert client.get(job.get_absolute_url()).status_code == 403
    url = reverse("admin:curation_importjob_progress", args=[job.pk])
    assert client.get(url).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_others_while_the_import_transaction_is_open():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (a second connection writes the progress)")
    # Made directly: queued in this test's autocommit, the (eager) task would run it.
    job = ImportJob.objects.create(network=make_network(), file_name="members.csv", rows_total=1)
    reporter = _Progress(job)
    try:
        with transaction.atomic():
            make_institution()  # the import's own writes, not yet committed
            reporter(5, 10)
            # Read as another request would: READ COMMITTED sees the progress already.
            assert ImportJob.objects.values_list("records_done", "records_total").get(
                pk=job.pk
            ) == (5, 10)
    finally:
        reporter.close()


def test_the_list_of_jobs_shows_each_with_its_progress(client, curator, small_list):
    network, content = small_list
    queue_import_job(target=network, file_name="members.csv", content=content, rows=2, options={})
    response = client.get(reverse("admin:curation_importjob_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "0 %" in response.content.decode()
    assert "List imports" in client.get(reverse("admin:index")).content.decode()


def test_a_job_left_running_by_a_worker_that_died_is_run_again(small_list):
    from curation.services import JOB_TIME_LIMIT, run_import_job

    network, content = small_list
    options = {"list_date": "2025-06-30", "source_url": "https://test-net.example.org/members"}
    job = queue_import_job(
        target=network, file_name="members.csv", content=content, rows=2, options=options
    )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=now)
    assert run_import_job(job.pk) == "not queued"  # another attempt may still be at it
    long_ago = now - datetime.timedelta(seconds=JOB_TIME_LIMIT + 1)
    ImportJob.objects.filter(pk=job.pk).update(started_at=long_ago)
    assert run_import_job(job.pk) == ImportStatus.DONE  # its attempt died: run again
    job.refresh_from_db()
    assert job.started_at > long_ago
    assert job.change_set.kind == ChangeKind.IMPORT
