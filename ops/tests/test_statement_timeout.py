"""No SQL statement of a web request outlives DATABASE_STATEMENT_TIMEOUT_MS (#15, item 1).

Before: nothing bounded a statement, so one slow query held a gunicorn worker until the
worker was killed (500 `member=` slugs had not answered after 20 minutes). Now a web
process sets PostgreSQL's `statement_timeout` on each connection it opens, and a
statement that runs past it is cancelled and answered 503 with Retry-After.

The slow statement is real: a second connection holds an ACCESS EXCLUSIVE lock on the
networks table, so the page's query waits (lock waits count against the timeout) until
PostgreSQL cancels it. Marked `postgres`: the setting is PostgreSQL's.
"""

import contextlib
import threading

import psycopg
import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from ops.statement_timeout import DISPATCH_UID, limit_web_statements
from responsecache.cache import invalidate_after_request
from tests.factories import make_network

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: statement_timeout is its setting "
            "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/lattice)"
        )


@pytest.fixture
def web_process(settings):
    """This process behaves as a web process (config/wsgi.py) with a 300 ms limit."""
    settings.DATABASE_STATEMENT_TIMEOUT_MS = 300
    limit_web_statements()
    connection.close()
    yield
    connection_created.disconnect(dispatch_uid=DISPATCH_UID)
    connection.close()


@contextlib.contextmanager
def table_locked(table: str, at_most: float = 5.0):
    """Another session holds an exclusive lock on `table` for the block, but at most
    `at_most` seconds: without the limit, the page then answers late instead of never."""
    params = connection.get_connection_params()
    other = psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
    )
    release = threading.Timer(at_most, other.rollback)
    try:
        other.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        release.start()
        yield
    finally:
        release.cancel()
        other.rollback()
        other.close()


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_web_process_opens_its_connections_with_the_limit(web_process):
    assert statement_timeout() == "300ms"


def test_without_the_web_entry_point_nothing_is_limited():
    # Commands, migrations and Celery tasks never import config/wsgi.py.
    connection.close()
    assert statement_timeout() == "0"


def test_a_statement_past_the_limit_answers_503_and_the_next_request_is_served(web_process, client):
    make_network(name="Behind the lock")
    invalidate_after_request(sender=None)
    with table_locked("networks_network"):
        page = client.get("/networks/")
        api = client.get("/api/v1/networks/")
    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"
    # The lock is gone: the same connection serves the next request.
    page = client.get("/networks/")
    assert page.status_code == 200
    assert "Behind the lock" in page.content.decode()
