"""Make any attempt to reach an address other than 127.0.0.1 a test failure.

Installed around every test in links/tests (conftest.py) and inside the Celery worker
that test_worker.py starts (guarded_worker.py). It patches the socket module: connect,
connect_ex, sendto and the name lookups, which would send DNS queries. A violation is
recorded (the fixture fails the test even if the code under test swallowed it) and
raised as an AssertionError, which the checker does not catch.
"""

import socket
from collections.abc import Callable

ALLOWED_ADDRESS = "127.0.0.1"


class SocketGuardViolation(AssertionError):
    """Traffic to an address other than 127.0.0.1 was attempted."""


class SocketGuard:
    """Refuse and record connections and lookups beyond 127.0.0.1."""

    def __init__(self, report: Callable[[str], None] | None = None):
        self.violations: list[str] = []
        self.report = report
        self._saved_methods: dict[str, object] = {}
        self._saved_functions: dict[str, object] = {}

    def violation(self, what: str) -> None:
        self.violations.append(what)
        if self.report:
            self.report(what)
        raise SocketGuardViolation(f"socket guard: {what} (only {ALLOWED_ADDRESS} is allowed)")

    def _check_address(self, sock, address, what: str) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return  # Unix sockets stay on this machine
        host = address[0] if isinstance(address, tuple) else address
        if host != ALLOWED_ADDRESS:
            self.violation(f"{what} to {address!r}")

    def install(self) -> None:
        guard = self
        original = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex")}
        original_sendto = socket.socket.sendto

        def connect(sock, address):
            guard._check_address(sock, address, "connect")
            return original["connect"](sock, address)

        def connect_ex(sock, address):
            guard._check_address(sock, address, "connect_ex")
            return original["connect_ex"](sock, address)

        def sendto(sock, data, *args):
            guard._check_address(sock, args[-1], "sendto")
            return original_sendto(sock, data, *args)

        for name, method in (("connect", connect), ("connect_ex", connect_ex), ("sendto", sendto)):
            self._saved_methods[name] = socket.socket.__dict__.get(name)
            setattr(socket.socket, name, method)

        def lookup(name: str, original_function):
            def guarded(host, *args, **kwargs):
                if isinstance(host, bytes):
                    host = host.decode("ascii", "replace")
                if host is not None and host != ALLOWED_ADDRESS:
                    guard.violation(f"{name}({host!r})")
                return original_function(host, *args, **kwargs)

            return guarded

        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
            original_function = getattr(socket, name)
            self._saved_functions[name] = original_function
            setattr(socket, name, lookup(name, original_function))

    def uninstall(self) -> None:
        for name, method in self._saved_methods.items():
            if method is None:
                delattr(socket.socket, name)
            else:
                setattr(socket.socket, name, method)
        for name, function in self._saved_functions.items():
            setattr(socket, name, function)
        self._saved_methods.clear()
        self._saved_functions.clear()
