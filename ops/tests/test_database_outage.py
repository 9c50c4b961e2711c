"""A database outage answers 503 with Retry-After, and the site recovers without a restart.

The outage is real: the connection is closed and pointed at a port where nothing
listens, so PostgreSQL's driver fails to connect exactly as it does when the server is
stopped; then it is pointed back. Marked `postgres` (CI runs it in its PostgreSQL step).
"""

import contextlib
import logging

import pytest
from django.db import connection

from responsecache.cache import invalidate_after_request
from responsecache.tests.servers import free_port
from tests.factories import make_network

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def database_stopped():
    """Within the block, the database cannot be reached (connection refused)."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: its connections can be refused "
            "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/lattice)"
        )


def test_a_database_outage_answers_503_and_the_site_recovers_without_restart(client, caplog):
    make_network(name="Still here after the outage")
    invalidate_after_request(sender=None)
    error_shape = client.get("/api/v1/networks/no-such-network/").json()["error"]

    caplog.set_level(logging.WARNING)
    with database_stopped():
        page = client.get("/networks/")
        api = client.get("/api/v1/networks/")
        ready = client.get("/readyz")
        alive = client.get("/healthz")

    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert page["Content-Type"].startswith("text/html")
    assert "Temporarily unavailable" in page.content.decode()
    assert api.status_code == 503
    assert int(api["Retry-After"]) > 0
    # The API's one error shape, as for any other refused request.
    assert api.json()["error"].keys() == error_shape.keys()
    assert api.json()["error"]["status"] == 503
    assert ready.status_code == 503
    assert ready.json()["checks"]["default"] == "unreachable"
    assert alive.status_code == 200
    # One line for the outage, not a traceback per request.
    assert len([r for r in caplog.records if r.name == "ops.outage"]) == 1
    assert not [r for r in caplog.records if r.exc_info]

    # The database is back: the same process answers again, no restart.
    page = client.get("/networks/")
    assert page.status_code == 200
    assert "Still here after the outage" in page.content.decode()
    assert client.get("/api/v1/networks/").status_code == 200
    assert client.get("/readyz").status_code == 200
