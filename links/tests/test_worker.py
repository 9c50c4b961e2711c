"""End to end on a real broker: a record is saved, the check goes through Redis to a real
Celery worker, and the worker stores the result where the site can read it.

The worker is a separate process, so it must share the test database: this needs
PostgreSQL (marked `postgres`; CI runs it in its PostgreSQL step) and Redis on
127.0.0.1:6379. It runs under the same socket guard as the tests (guarded_worker.py)
and checks URLs served on 127.0.0.1 only.
"""

import datetime
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
from django.db import connection

import config.celery
import links.tasks  # noqa: F401  (registers the tasks before the test app is finalized)
from links.models import Link
from sources.models import Source
from tests.factories import make_institution

from .guarded_worker import MARKER

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_DB = 15
WAIT_SECONDS = 60


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"needs Redis on 127.0.0.1:6379 (redis-server): {exc}")
    yield client
    client.close()


def worker_database_url() -> str:
    """The test database, as a URL the worker process can use."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def broker(redis_client):
    """This process's Celery app, pointed at Redis and a queue of its own."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the worker process must see the test database "
            "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/lattice)"
        )
    queue = f"lattice-test-{uuid.uuid4().hex[:12]}"
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    app = Celery("lattice-test-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    app.set_current()
    yield {"url": url, "queue": queue}
    config.celery.app.set_current()
    redis_client.delete(*(redis_client.keys(f"*{queue}*") or [queue]))


@pytest.fixture
def worker(broker, tmp_path):
    """`celery -A config worker` on the test queue, under the socket guard."""
    log = tmp_path / "worker.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINK_CHECK_", "CELERY_", "CACHE_URL"))
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker["url"],
        "LINK_CHECK_ENABLED": "1",
        "LINK_CHECK_ALLOW_LOOPBACK": "1",
        "LINK_CHECK_READ_TIMEOUT": "2",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "links.tests.guarded_worker",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                broker["queue"],
                "-n",
                f"{broker['queue']}@localhost",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
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
    assert MARKER not in log.read_text(), log.read_text()


def wait_for_checks(urls: list[str], worker) -> dict[str, Link]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = Link.objects.filter(url__in=urls, last_checked_at__isnull=False)
        if found.count() == len(urls):
            return {link.url: link for link in found}
        if worker["process"].poll() is not None:
            pytest.fail(f"the worker exited early:\n{worker['log'].read_text()}")
        time.sleep(0.25)
    pytest.fail(f"no result within {WAIT_SECONDS} s; worker log:\n{worker['log'].read_text()}")


def test_a_worker_on_the_real_broker_checks_what_a_curator_saves(settings, server, broker, worker):
    settings.LINK_CHECK_ENABLED = True  # this process queues on save; the worker fetches
    source = Source.objects.create(url=server.url("/ok"), accessed_on=datetime.date(2025, 1, 1))
    make_institution(website=server.url("/moved"), sources=[source])
    network_url = server.url("/missing")
    Source.objects.create(url=network_url, accessed_on=datetime.date(2025, 1, 1))

    checked = wait_for_checks([server.url("/ok"), server.url("/moved"), network_url], worker)

    assert checked[server.url("/ok")].status_code == 200
    moved = checked[server.url("/moved")]
    assert (moved.status_code, moved.final_url, moved.consecutive_failures) == (
        200,
        server.url("/ok"),
        0,
    )
    missing = checked[network_url]
    assert (missing.status_code, missing.error_kind, missing.consecutive_failures) == (
        404,
        "http_error",
        1,
    )
    assert missing.results.count() == 1
    assert all(s.headers["User-Agent"].startswith("LatticeLinkChecker/1.0") for s in server.seen)
    log = worker["log"].read_text()
    assert log.count("Task links.tasks.check_link[") >= 3 and "succeeded" in log, log
