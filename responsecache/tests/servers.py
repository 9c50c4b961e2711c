"""Real Redis servers for fault tests: a private redis-server on a free port, and a hung one.

A private server (not the shared one on 6379) can be killed mid-test without touching
anyone else. The cache configuration is the one config/settings.py builds from CACHE_URL,
read in a separate process, so the tests exercise the real settings, timeouts included.
"""

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@functools.cache
def configured_cache(cache_url: str) -> dict:
    """settings.CACHES["default"] as config/settings.py builds it for CACHE_URL=cache_url."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    environment = os.environ | {"CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def cache_at(port: int, **options) -> dict:
    """CACHES for a Redis on 127.0.0.1:port, configured as production configures it."""
    config = dict(configured_cache("redis://127.0.0.1:6379/0"))
    config["LOCATION"] = f"redis://127.0.0.1:{port}/0"
    config["OPTIONS"] = {**config.get("OPTIONS", {}), **options}
    return {"default": config}


@dataclass
class RedisServer:
    """One redis-server process of this test's own."""

    port: int
    process: subprocess.Popen

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server on PATH (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(port=port, process=process)
    deadline = time.monotonic() + 10
    while True:
        try:
            server.client().ping()
            break
        except redis.exceptions.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield server
    if process.poll() is None:
        server.kill()


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers: a hung Redis."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()
