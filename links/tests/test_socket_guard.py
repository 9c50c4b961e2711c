"""The guard these tests run under really stops traffic beyond 127.0.0.1."""

import socket

import pytest

from links.services import checker

from .conftest import TEST_CONFIG
from .socket_guard import SocketGuard, SocketGuardViolation


@pytest.fixture
def inner_guard():
    guard = SocketGuard()
    guard.install()
    yield guard
    guard.uninstall()


def test_a_connection_beyond_loopback_is_stopped_and_recorded(inner_guard):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with sock, pytest.raises(SocketGuardViolation):
        sock.connect(("10.0.0.1", 80))
    assert inner_guard.violations == ["connect to ('10.0.0.1', 80)"]


def test_a_dns_lookup_is_stopped(inner_guard):
    with pytest.raises(SocketGuardViolation):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(SocketGuardViolation):
        socket.gethostbyname("example.org")
    assert len(inner_guard.violations) == 2


def test_udp_beyond_loopback_is_stopped(inner_guard):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with sock, pytest.raises(SocketGuardViolation):
        sock.sendto(b"x", ("8.8.8.8", 53))


def test_loopback_is_let_through(inner_guard, server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass
    assert inner_guard.violations == []


def test_the_checker_could_not_slip_past_it_even_with_a_broken_policy(inner_guard, monkeypatch):
    monkeypatch.setattr(checker.AddressPolicy, "permits", lambda self, address, port: True)
    with pytest.raises(SocketGuardViolation):
        checker.check_url("http://10.0.0.1/", config=TEST_CONFIG)
    assert inner_guard.violations
