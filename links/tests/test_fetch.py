"""The full fetch path against HTTP servers on 127.0.0.1 (loopback allowed, as in tests).

Every test here runs under the autouse socket guard: a connection to anything but
127.0.0.1, or a DNS lookup, fails the test.
"""

import socket
import threading
import time

import pytest

from links.services.checker import (
    MAX_REDIRECTS,
    AddressPolicy,
    HostBusy,
    check_url,
    host_lock,
)

from .conftest import LOOPBACK, TEST_CONFIG, FakeResolver
from .servers import LocalServer


def check(url: str, **kwargs):
    kwargs.setdefault("config", TEST_CONFIG)
    kwargs.setdefault("policy", LOOPBACK)
    kwargs.setdefault("resolver", FakeResolver({}))
    return check_url(url, **kwargs)


def test_a_working_page_is_ok_with_a_head_request(server):
    outcome = check(server.url("/ok"))
    assert outcome.ok
    assert outcome.status_code == 200
    assert outcome.final_url == server.url("/ok")
    assert outcome.redirects == 0
    assert outcome.error_kind == ""
    assert [s.method for s in server.seen] == ["HEAD"]
    assert server.seen[0].headers["User-Agent"].startswith("LatticeLinkChecker/1.0 (+")
    assert server.seen[0].headers["Host"] == f"127.0.0.1:{server.port}"


def test_a_permanent_redirect_to_a_working_page_is_ok(server):
    outcome = check(server.url("/moved"))
    assert outcome.ok
    assert outcome.status_code == 200
    assert outcome.final_url == server.url("/ok")
    assert outcome.redirects == 1


@pytest.mark.parametrize("path", ["/loop", "/loop-a"])
def test_a_redirect_loop_fails(server, path):
    outcome = check(server.url(path))
    assert not outcome.ok
    assert outcome.error_kind == "too_many_redirects"
    assert len(server.seen) <= MAX_REDIRECTS + 1


def test_at_most_five_redirects_are_followed(server):
    assert check(server.url(f"/chain?n={MAX_REDIRECTS}")).ok
    outcome = check(server.url(f"/chain?n={MAX_REDIRECTS + 1}"))
    assert not outcome.ok
    assert outcome.error_kind == "too_many_redirects"
    assert len(server.seen) == (MAX_REDIRECTS + 1) + (MAX_REDIRECTS + 1)


def test_a_missing_page_is_an_http_error_confirmed_by_get(server):
    outcome = check(server.url("/missing"))
    assert not outcome.ok
    assert outcome.status_code == 404
    assert outcome.error_kind == "http_error"
    assert [s.method for s in server.seen] == ["HEAD", "GET"]


def test_a_server_error_is_an_http_error(server):
    outcome = check(server.url("/error"))
    assert (outcome.ok, outcome.status_code, outcome.error_kind) == (False, 500, "http_error")


def test_a_slow_response_times_out(server):
    started = time.monotonic()
    outcome = check(server.url("/slow?seconds=3"))
    assert not outcome.ok
    assert outcome.error_kind == "timeout"
    assert time.monotonic() - started < 2


def test_an_oversize_body_is_read_only_up_to_the_cap(server):
    server.routes["/huge-get"] = server.routes["/huge"]
    # HEAD is refused, so the checker must GET the 50 MB body.
    server.routes["/huge"] = lambda h, q: (
        h.respond(405) if h.command == "HEAD" else server.routes["/huge-get"](h, q)
    )
    started = time.monotonic()
    outcome = check(server.url("/huge"))
    assert outcome.ok, outcome
    assert 0 < outcome.bytes_read <= TEST_CONFIG.max_bytes
    assert time.monotonic() - started < 2
    time.sleep(0.2)
    assert server.huge_bytes_sent < 20 * 1024 * 1024  # it hung up, far short of 50 MB


def test_a_trickling_body_is_abandoned_after_the_read_timeout(server):
    server.routes["/trickle-get"] = server.routes["/trickle"]
    server.routes["/trickle"] = lambda h, q: (
        h.respond(405) if h.command == "HEAD" else server.routes["/trickle-get"](h, q)
    )
    started = time.monotonic()
    outcome = check(server.url("/trickle"))
    assert outcome.ok
    assert time.monotonic() - started < TEST_CONFIG.read_timeout + 1.5


def test_head_refused_falls_back_to_get(server):
    outcome = check(server.url("/head-refused"))
    assert outcome.ok
    assert [s.method for s in server.seen] == ["HEAD", "GET"]


def test_a_head_wrongly_forbidden_is_judged_by_get(server):
    assert check(server.url("/head-forbidden")).ok


def test_a_cookie_set_while_redirecting_is_sent_back(server):
    outcome = check(server.url("/cookie-gate"))
    assert outcome.ok
    assert outcome.redirects == 1


def test_cookies_go_back_only_to_the_host_that_set_them(server):
    resolver = FakeResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    target = f"http://b.test:{server.port}/ok"
    outcome = check(
        f"http://a.test:{server.port}/cookie-then-redirect?to={target}", resolver=resolver
    )
    assert outcome.ok
    assert server.seen[-1].headers["Host"] == f"b.test:{server.port}"
    assert "Cookie" not in server.seen[-1].headers


def test_a_closed_port_is_refused():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    outcome = check(f"http://127.0.0.1:{port}/")
    assert (outcome.ok, outcome.error_kind) == (False, "refused")


def test_a_name_that_does_not_resolve_fails_as_dns():
    outcome = check("https://nowhere.test/")
    assert (outcome.ok, outcome.error_kind) == (False, "dns")


def test_tls_errors_are_named(server):
    outcome = check(f"https://127.0.0.1:{server.port}/ok")  # plain HTTP answers TLS
    assert (outcome.ok, outcome.error_kind) == (False, "tls")


def test_it_connects_to_the_address_it_checked_not_a_second_answer(server):
    """DNS rebinding: the name is resolved once per hop, and that address is dialled."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    asked = []

    def rebinding_resolver(host, port):
        asked.append(host)
        return next(answers)

    outcome = check(f"http://rebind.test:{server.port}/ok", resolver=rebinding_resolver)
    assert outcome.ok
    assert asked == ["rebind.test"]
    assert server.seen[0].headers["Host"] == f"rebind.test:{server.port}"


def test_an_international_name_is_sent_in_its_ascii_form(server):
    resolver = FakeResolver({"xn--bcher-kva.test": ["127.0.0.1"]})
    outcome = check(f"http://bücher.test:{server.port}/ok", resolver=resolver)
    assert outcome.ok
    assert server.seen[0].headers["Host"] == f"xn--bcher-kva.test:{server.port}"


@pytest.fixture
def other_server():
    local = LocalServer().start()
    yield local
    local.stop()


def test_with_the_default_setting_loopback_is_refused_before_connecting(server, settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False
    resolver = FakeResolver({"localhost": ["127.0.0.1", "::1"]})
    for url in [
        server.url("/ok"),
        f"http://localhost:{server.port}/ok",
        f"http://[::1]:{server.port}/ok",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
    ]:
        outcome = check_url(url, config=TEST_CONFIG, resolver=resolver)  # policy from settings
        assert (outcome.ok, outcome.error_kind) == (False, "forbidden_address"), url
    assert server.seen == []


@pytest.mark.parametrize(
    "forbidden",
    [
        "http://127.0.0.1:{other}/ok",
        "http://localhost:{other}/ok",
        "http://[::1]:{other}/ok",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://internal.test/",
        "ftp://127.0.0.1/",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_from_an_allowed_server_to_a_forbidden_address_is_refused(
    server, other_server, forbidden
):
    # Only the first server's port is allowed: everything else keeps the default rules.
    policy = AddressPolicy(allow_loopback=True, loopback_ports=frozenset({server.port}))
    resolver = FakeResolver({"localhost": ["127.0.0.1", "::1"], "internal.test": ["10.9.9.9"]})
    target = forbidden.format(other=other_server.port)
    outcome = check(server.url(f"/redirect?to={target}"), policy=policy, resolver=resolver)
    assert (outcome.ok, outcome.error_kind) == (False, "forbidden_address")
    assert outcome.final_url == target
    assert other_server.seen == []


def test_one_request_at_a_time_per_host(server):
    outcomes = []
    threads = [
        threading.Thread(target=lambda: outcomes.append(check(server.url("/one-at-a-time"))))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(outcomes) == 4 and all(o.ok for o in outcomes)
    assert server.max_in_flight == 1


def test_a_busy_host_is_a_transient_error(server):
    config = TEST_CONFIG.__class__(**{**TEST_CONFIG.__dict__, "lock_wait": 0.2})
    with host_lock("127.0.0.1", config=config), pytest.raises(HostBusy):
        check(server.url("/ok"), config=config)
    assert server.seen == []
