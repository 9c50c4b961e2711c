"""Per-endpoint query counts and query plans, run inside Django against the bench database.

Usage (bench/run.py calls it): python bench/checks.py URL [URL...]
Prints one JSON line: {url: {"queries": n, "seq_scans": ["table", ...]}}.
"""

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# Tables whose row count grows with the directory; a sequential scan of one is a failure.
LARGE = re.compile(
    r"Seq Scan on (institutions_institution\w*|networks_membership\w*|networks_memorand\w*|"
    r"networks_signator\w*|networks_meeting\w*)"
)


def check(url: str) -> dict:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    scans = set()
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            scans.update(m[1] for m in LARGE.finditer(plan))
    return {"status": response.status_code, "queries": len(captured), "seq_scans": sorted(scans)}


if __name__ == "__main__":
    print(json.dumps({url: check(url) for url in sys.argv[1:]}))
