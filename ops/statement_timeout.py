"""No SQL statement of a web request runs longer than DATABASE_STATEMENT_TIMEOUT_MS.

Bounds on the input (sources.filters) keep the queries we know of small; this is the
backstop for those we do not: PostgreSQL cancels a statement past the limit, psycopg
raises QueryCanceled (an OperationalError), and the request answers 503 with Retry-After
(ops/outage.py) instead of holding a gunicorn worker until it is killed.

Web requests only: the web entry points (config/wsgi.py, config/asgi.py) call
`limit_web_statements()`, so every connection a web process opens gets the limit once,
when it is opened (a `SET`, not one per request). Migrations, management commands such
as load_directory, and Celery tasks never load those modules and run without a limit.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.backends.signals import connection_created

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

DISPATCH_UID = "ops.statement_timeout"


def limit_web_statements() -> None:
    """From now on, every database connection this process opens gets the web limit."""
    connection_created.connect(set_statement_timeout, dispatch_uid=DISPATCH_UID)


def set_statement_timeout(sender, connection: "BaseDatabaseWrapper", **kwargs) -> None:
    """connection_created receiver: apply DATABASE_STATEMENT_TIMEOUT_MS (0: no limit)."""
    milliseconds = int(settings.DATABASE_STATEMENT_TIMEOUT_MS)
    if connection.vendor != "postgresql" or milliseconds <= 0:
        return
    # Opened outside any transaction (Django sends the signal in autocommit, before an
    # atomic block starts its transaction), so it lasts as long as the connection.
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {milliseconds}")
