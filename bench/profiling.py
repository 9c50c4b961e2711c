"""Where an endpoint's time goes: cProfile of a few requests, run inside Django against
the bench database (bench/run.py calls it for every endpoint that misses a target).

Usage: python bench/profiling.py OUT_DIR LABEL=URL [LABEL=URL ...]
Writes OUT_DIR/<label>.txt: the functions with the most time of their own, and the
project's own functions by cumulative time.
"""

import cProfile
import io
import os
import pstats
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

REQUESTS = 5


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def profile(label: str, url: str, out: Path) -> Path:
    client = Client()
    client.get(url, HTTP_HOST="127.0.0.1")  # warm: imports, templates, connections
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REQUESTS):
        response = client.get(url, HTTP_HOST="127.0.0.1")
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt
    stream.write(
        f"# {label}\n# GET {url} x{REQUESTS} (status {response.status_code}), "
        f"{total / REQUESTS * 1000:.1f} ms per request under cProfile\n\n"
        "## Own time (tottime), top 25\n"
    )
    stats.sort_stats("tottime").print_stats(25)
    stream.write("\n## The project's own functions by cumulative time, top 25\n")
    project = re.escape(str(ROOT)) + r"/(?!\.venv/)"
    stats.sort_stats("cumulative").print_stats(project, 25)
    text = re.sub(re.escape(str(ROOT)) + "/", "", stream.getvalue())
    path = out / f"{slug(label)}.txt"
    path.write_text(text)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for arg in sys.argv[2:]:
        label, url = arg.split("=", 1)
        print(profile(label, url, out))
