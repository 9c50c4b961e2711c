"""A small HTTP server on 127.0.0.1 for the link checker's tests, one route per case."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        self.server.owner.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
        route = self.server.owner.routes.get(parts.path)
        try:
            if route is None:
                self.respond(404, body=b"not found")
            else:
                route(self, parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker hung up, as it should after its byte cap or timeout

    def respond(
        self, status: int, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str, status: int = 302, headers: dict | None = None) -> None:
        self.respond(status, {"Location": location, **(headers or {})})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's name (a reverse DNS query); skip it.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        pass


Route = Callable[[_Handler, dict], None]


def _ok(h: _Handler, q: dict) -> None:
    h.respond(200, {"Content-Type": "text/html"}, b"<p>hello</p>")


def _slow(h: _Handler, q: dict) -> None:
    time.sleep(float(q.get("seconds", ["2"])[0]))
    h.respond(200, body=b"late")


def _huge(h: _Handler, q: dict) -> None:
    size = 50 * 1024 * 1024
    h.send_response(200)
    h.send_header("Content-Length", str(size))
    h.end_headers()
    if h.command == "HEAD":
        return
    chunk = b"x" * 65536
    for _ in range(size // len(chunk)):
        h.wfile.write(chunk)
        h.server.owner.huge_bytes_sent += len(chunk)


def _trickle(h: _Handler, q: dict) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "100000")
    h.end_headers()
    if h.command == "HEAD":
        return
    for _ in range(100000):
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.02)


def _head_refused(h: _Handler, q: dict) -> None:
    if h.command == "HEAD":
        h.respond(405, {"Allow": "GET"})
    else:
        h.respond(200, body=b"only GET")


def _cookie_gate(h: _Handler, q: dict) -> None:
    if "seen=1" in h.headers.get("Cookie", ""):
        h.respond(200, body=b"welcome back")
    else:
        h.redirect("/cookie-gate", headers={"Set-Cookie": "seen=1; Path=/; HttpOnly"})


def _chain(h: _Handler, q: dict) -> None:
    left = int(q.get("n", ["0"])[0])
    if left <= 0:
        _ok(h, q)
    else:
        h.redirect(f"/chain?n={left - 1}")


def _one_at_a_time(h: _Handler, q: dict) -> None:
    owner = h.server.owner
    with owner.lock:
        owner.in_flight += 1
        owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
    time.sleep(0.1)
    with owner.lock:
        owner.in_flight -= 1
    h.respond(200, body=b"done")


ROUTES: dict[str, Route] = {
    "/ok": _ok,
    "/moved": lambda h, q: h.redirect("/ok", 301),
    "/loop": lambda h, q: h.redirect("/loop"),
    "/loop-a": lambda h, q: h.redirect("/loop-b"),
    "/loop-b": lambda h, q: h.redirect("/loop-a"),
    "/chain": _chain,
    "/missing": lambda h, q: h.respond(404, body=b"gone"),
    "/error": lambda h, q: h.respond(500, body=b"oops"),
    "/slow": _slow,
    "/huge": _huge,
    "/trickle": _trickle,
    "/head-refused": _head_refused,
    "/head-forbidden": lambda h, q: (
        h.respond(403) if h.command == "HEAD" else h.respond(200, body=b"fine")
    ),
    "/redirect": lambda h, q: h.redirect(q["to"][0]),
    "/cookie-then-redirect": lambda h, q: h.redirect(
        q["to"][0], headers={"Set-Cookie": "session=secret; Path=/"}
    ),
    "/cookie-gate": _cookie_gate,
    "/one-at-a-time": _one_at_a_time,
}


class LocalServer:
    """An HTTP server on 127.0.0.1 (a free port) serving ROUTES; it records requests."""

    def __init__(self) -> None:
        self.routes = dict(ROUTES)
        self.seen: list[Seen] = []
        self.huge_bytes_sent = 0
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/ok") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
