"""Operations (issue #15 item 11): JSON logs with a request id, security headers on every
response, error reporting by environment, and no server banner from gunicorn."""

import gzip
import http.server
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import make_network

BASE_DIR = django_settings.BASE_DIR


@pytest.fixture
def log_lines():
    """What the configured console handler writes, one decoded line at a time."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_a_request_logs_a_json_line_with_the_id_it_answers_with(client, log_lines):
    response = client.get("/", REMOTE_ADDR="203.0.113.9")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id)
    (finished,) = [line for line in log_lines() if line["event"] == "request_finished"]
    assert finished["request_id"] == request_id
    assert finished["code"] == 200
    assert finished["request"] == "GET /"
    assert finished["ip"] == "203.0.113.9"
    assert finished["level"] == "info" and finished["timestamp"]


@pytest.mark.django_db
def test_the_standard_librarys_log_lines_carry_the_request_id_too(client, log_lines):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    lines = [line for line in log_lines() if line.get("logger") == "django.request"]
    assert lines, log_lines()
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}


@pytest.mark.django_db
def test_each_request_gets_its_own_id_and_a_clients_id_is_not_taken(client):
    first = client.get("/", HTTP_X_REQUEST_ID="chosen-by-the-client")
    second = client.get("/")
    assert first["X-Request-ID"] != "chosen-by-the-client"
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/networks/",
        "/no-such-page/",
        "/api/v1/networks/",
        "/static/css/lattice.css",
        "/admin/",
    ],
)
def test_every_response_carries_the_security_headers(client, url):
    make_network()
    for _ in range(2):  # the second anonymous GET may come from the response cache
        response = client.get(url)
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "X-Request-ID" in response


class _Collector(http.server.BaseHTTPRequestHandler):
    """A stand-in Sentry ingest endpoint on loopback: keeps the envelopes it receives."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def _report_an_error(extra_env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, sentry_sdk; django.setup();"
        "print('active' if sentry_sdk.get_client().is_active() else 'inactive');"
        "sentry_sdk.capture_exception(RuntimeError('synthetic test error'));"
        "sentry_sdk.flush(5)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **extra_env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_error_reporting_is_off_without_a_dsn():
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    result = _report_an_error({**env, "SENTRY_DSN": ""})
    assert result.stdout.strip() == "inactive", result.stderr


def test_with_a_dsn_errors_are_reported_without_personal_data():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Collector.received = []
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        result = _report_an_error({"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "test"})
    finally:
        server.shutdown()
    assert result.stdout.strip() == "active", result.stderr
    envelope = b"".join(_Collector.received)
    assert b"synthetic test error" in envelope
    assert b'"environment":"test"' in envelope.replace(b" ", b"")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_args_of_the_image() -> str:
    """GUNICORN_CMD_ARGS as the Dockerfile sets it for every gunicorn in the image."""
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    (args,) = re.findall(r'GUNICORN_CMD_ARGS="([^"]*)"', dockerfile)
    return args


def test_gunicorn_as_the_image_runs_it_names_no_server_and_logs_json():
    port = _free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        # As docker-compose.yml's web service runs it, with an access log asked for.
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"],
        cwd=BASE_DIR,
        env={**os.environ, "GUNICORN_CMD_ARGS": _gunicorn_args_of_the_image()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/static/css/lattice.css",
                    headers={"Host": "localhost"},
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    headers = response.headers
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert "gunicorn" not in (headers.get("Server") or "").lower()
    # gunicorn's own lines are JSON too, and the request is logged once, with its id.
    lines = [json.loads(line) for line in (stdout + stderr).decode().splitlines() if line]
    assert any(line["logger"] == "gunicorn.error" for line in lines), lines
    finished = [
        line
        for line in lines
        if line["event"] == "request_finished" and line["request_id"] == headers["X-Request-ID"]
    ]
    assert len(finished) == 1, lines
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]
