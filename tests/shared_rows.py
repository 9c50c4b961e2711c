"""Rows written once for several tests and rolled back after the last of them, as
Django's `TestCase.setUpTestData` does for a TestCase class.

For read-only worlds that are expensive to build, such as the query-count tests' small
and large directories. Each test still runs in its own transaction (pytest-django's
`db`), nested inside this one, so what a test writes is undone before the next; only
what the fixture wrote is shared. Use it in a class-scoped fixture, so that the rows
are gone as soon as the class's last test has run (a module-scoped one would leave them
under the module's other tests):

    class TestQueryCounts:
        @pytest.fixture(scope="class", params=[1, 10])
        @classmethod
        def world(cls, request, django_db_setup, django_db_blocker):
            with shared_rows(django_db_blocker):
                yield build_world(request.param)
"""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def shared_rows(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
