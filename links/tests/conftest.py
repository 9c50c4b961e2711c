"""Fixtures for the link checker's tests.

No test here may send traffic anywhere but 127.0.0.1: the autouse `socket_guard`
fails any test that even tries (and the worker test runs its worker under the same
guard). Servers are started on 127.0.0.1; host names resolve through FakeResolver.
"""

import pytest

from links.services.checker import AddressPolicy, CheckerConfig

from .servers import LocalServer
from .socket_guard import SocketGuard

# Short limits so that the timeout tests are quick.
TEST_CONFIG = CheckerConfig(
    connect_timeout=1.0,
    read_timeout=0.5,
    max_bytes=4096,
    user_agent="LatticeLinkChecker/1.0 (+http://testserver/)",
    lock_wait=2.0,
)
LOOPBACK = AddressPolicy(allow_loopback=True)


@pytest.fixture(autouse=True)
def socket_guard():
    guard = SocketGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.uninstall()
    if guard.violations:
        pytest.fail("attempted traffic beyond 127.0.0.1: " + "; ".join(guard.violations))


@pytest.fixture
def server():
    local = LocalServer().start()
    yield local
    local.stop()


@pytest.fixture
def link_checking(settings):
    """Checking on, loopback allowed (the test setting), short timeouts."""
    settings.LINK_CHECK_ENABLED = True
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    settings.LINK_CHECK_CONNECT_TIMEOUT = TEST_CONFIG.connect_timeout
    settings.LINK_CHECK_READ_TIMEOUT = TEST_CONFIG.read_timeout
    settings.LINK_CHECK_MAX_BYTES = TEST_CONFIG.max_bytes
    settings.LINK_CHECK_BROKEN_AFTER = 3
    settings.LINK_CHECK_INTERVAL_DAYS = 7
    settings.LINK_CHECK_BATCH_SIZE = 50
    return settings


class FakeResolver:
    """Resolves host names from a dict, never through DNS; records what it was asked."""

    def __init__(self, answers: dict[str, list[str]]):
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        import socket

        self.asked.append(host)
        answer = self.answers.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(answer)
