"""PostgreSQL's JIT is off for Lattice's connections (config/settings.py): compiling a
page's count query took 60-70 ms of the 80 ms it ran (bench/RESULTS.md)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: jit is its setting "
        "(DATABASE_URL=postgres://postgres@127.0.0.1:5432/lattice)",
    ),
]


def test_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_database_jit_leaves_the_servers_setting():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    environment = os.environ | {"DATABASE_JIT": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "jit" not in result.stdout
