"""Stopping the servers the benchmark starts (each in its own session, so the whole
process group goes): the server's own graceful signal, then SIGKILL after 10 s."""

import contextlib
import os
import signal
import subprocess


def stop(process: subprocess.Popen, first: signal.Signals = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, first)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
