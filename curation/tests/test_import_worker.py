"""End to end on a real broker (issue #15 item 7): a curator applies the synthetic
2,000-row list in the admin, the job goes through Redis to a real Celery worker, and the
admin's progress page follows it to the result.

The worker is a separate process sharing the test database: this needs PostgreSQL
(marked `postgres`) and Redis on 127.0.0.1:6379 (database 10, a queue of its own).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

import config.celery
import curation.tasks  # noqa: F401  (registers the task before the test app is finalized)
from curation.models import ImportJob, ImportStatus
from networks.models import Membership
from sources.models import ChangeKind

from .synthetic_lists import LIST_DATE, ROWS, build_synthetic_directory, synthetic_csv
from .test_import_jobs import apply, upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_DB = 10
WAIT_SECONDS = 120


@pytest.fixture
def broker():
    """This process's Celery app, pointed at Redis and a queue of its own."""
    import redis

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the test database")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"needs Redis on 127.0.0.1:6379: {exc}")
    queue = f"lattice-import-test-{uuid.uuid4().hex[:12]}"
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    app = Celery("lattice-import-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    app.set_current()
    yield {"url": url, "queue": queue}
    config.celery.app.set_current()
    client.delete(*(client.keys(f"*{queue}*") or [queue]))
    client.close()


@pytest.fixture
def worker(broker, tmp_path):
    """`celery -A config worker` on the test queue, with the test database."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    database_url = (
        f"postgres://{quote(db['USER'] or '', safe='')}{password}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "CACHE_URL", "LINK_CHECK_"))
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker["url"],
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                *("-Q", broker["queue"], "-n", f"{broker['queue']}@localhost"),
                *("--without-heartbeat", "--without-mingle", "--without-gossip"),
                "--loglevel=INFO",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield {"process": process, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_worker_applies_the_synthetic_list_and_the_progress_page_follows_it(client, worker):
    # A transactional test may follow another that emptied the database, the Curators
    # group (a data migration's row) included: this test is about the worker, so a
    # superuser signs in rather than a group member.
    user = User.objects.create_superuser("curator", password="a-long-test-password")
    client.force_login(user)
    synthetic = build_synthetic_directory()
    preview = upload(client, synthetic.network, synthetic_csv(synthetic))
    started = time.monotonic()
    response = apply(client, synthetic.network, preview)
    assert response.status_code == 302
    answered = time.monotonic() - started
    job = ImportJob.objects.get()
    progress_url = reverse("admin:curation_importjob_progress", args=[job.pk])

    seen = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        progress = client.get(progress_url).json()
        seen.append((progress["status"], progress["percent"]))
        if progress["finished"]:
            break
        if worker["process"].poll() is not None:
            pytest.fail(f"the worker exited early:\n{worker['log'].read_text()}")
        time.sleep(0.1)
    else:
        pytest.fail(f"no result within {WAIT_SECONDS} s; worker log:\n{worker['log'].read_text()}")
    print(f"apply answered in {answered:.2f} s; progress seen: {sorted(set(seen))}")

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.error, worker["log"].read_text())
    assert seen[0][0] != "done"  # the request only queued it
    assert (job.rows_total, job.records_done) == (ROWS, job.records_total)
    assert job.change_set.kind == ChangeKind.IMPORT
    listed = Membership.objects.filter(network=synthetic.network, last_verified_on=LIST_DATE)
    assert listed.count() > ROWS
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Applied" in page and "Add: 700" in page
    log = worker["log"].read_text()
    assert "Task curation.tasks.apply_member_list[" in log and "succeeded" in log, log
