"""`python -m links.tests.guarded_worker -A config worker ...`: a Celery worker under the
test socket guard, so that the end-to-end test's worker cannot reach beyond 127.0.0.1
either. A violation is printed to stderr with a marker test_worker.py looks for."""

import sys

from links.tests.socket_guard import SocketGuard

MARKER = "SOCKET GUARD VIOLATION:"


def main() -> None:
    SocketGuard(report=lambda what: print(MARKER, what, file=sys.stderr, flush=True)).install()
    from celery.__main__ import main as celery_main

    sys.argv[0] = "celery"
    celery_main()


if __name__ == "__main__":
    main()
