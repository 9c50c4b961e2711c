"""The checker's address guard, decided directly: no server, no DNS (FakeResolver)."""

import pytest

from links.services.checker import (
    AddressPolicy,
    CheckError,
    ForbiddenAddress,
    is_public_address,
    parse_target,
    resolve,
)

from .conftest import FakeResolver

DEFAULT = AddressPolicy()  # LINK_CHECK_ALLOW_LOOPBACK off, as everywhere but the tests

RESOLVER = FakeResolver(
    {
        "localhost": ["127.0.0.1", "::1"],
        "public.test": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
        "intranet.test": ["10.1.2.3"],
        "metadata.test": ["169.254.169.254"],
        "half-private.test": ["93.184.216.34", "192.168.0.10"],
        "mapped.test": ["::ffff:127.0.0.1"],
        "router.test": ["192.168.1.1"],
    }
)

REFUSED = [
    # the list
    "http://127.0.0.1/",
    "http://localhost/",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    # other loopback spellings the C library accepts
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://127.0.0.1.:8080/",
    "https://LOCALHOST/",
    # private, shared, link-local, multicast, reserved, unspecified
    "http://172.16.0.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[::]/",
    # cloud metadata
    "http://[fd00:ec2::254]/",
    "http://100.100.100.200/",
    "http://169.254.170.2/v2/credentials",
    # IPv4 inside IPv6
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:a00:1::]/",
    # names that resolve to such addresses, wholly or in part
    "http://intranet.test/",
    "http://metadata.test/",
    "http://half-private.test/",
    "http://mapped.test/",
    "http://router.test:8443/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_the_default_policy_refuses_addresses_that_are_not_public(url):
    target = parse_target(url)
    with pytest.raises(ForbiddenAddress):
        resolve(target, resolver=RESOLVER, policy=DEFAULT)


@pytest.mark.parametrize(
    "url",
    [
        "http://public.test/",
        "https://public.test/path?q=1",
        "http://93.184.216.34/",
        "http://[2606:2800:220:1:248:1893:25c8:1946]:8080/",
    ],
)
def test_public_addresses_are_allowed(url):
    addresses = resolve(parse_target(url), resolver=RESOLVER, policy=DEFAULT)
    assert addresses and all(is_public_address(a) for a in addresses)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/file",
        "file:///etc/passwd",
        "gopher://example.org/",
        "javascript:alert(1)",
        "data:text/html,hi",
        "//example.org/no-scheme",
    ],
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(ForbiddenAddress):
        parse_target(url)


def test_a_name_that_does_not_resolve_is_a_dns_error():
    with pytest.raises(CheckError) as caught:
        resolve(parse_target("http://nowhere.test/"), resolver=RESOLVER, policy=DEFAULT)
    assert caught.value.kind == "dns"


def test_the_test_setting_allows_loopback_and_nothing_else():
    loopback = AddressPolicy(allow_loopback=True)
    for url in ["http://127.0.0.1:8000/", "http://localhost/", "http://[::1]/"]:
        assert resolve(parse_target(url), resolver=RESOLVER, policy=loopback)
    for url in ["http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/"]:
        with pytest.raises(ForbiddenAddress):
            resolve(parse_target(url), resolver=RESOLVER, policy=loopback)


def test_loopback_can_be_narrowed_to_one_port():
    policy = AddressPolicy(allow_loopback=True, loopback_ports=frozenset({8001}))
    assert resolve(parse_target("http://127.0.0.1:8001/"), resolver=RESOLVER, policy=policy)
    with pytest.raises(ForbiddenAddress):
        resolve(parse_target("http://127.0.0.1:8002/"), resolver=RESOLVER, policy=policy)


def test_the_policy_comes_from_the_setting(settings):
    settings.LINK_CHECK_ALLOW_LOOPBACK = False
    assert AddressPolicy.from_settings() == DEFAULT
    settings.LINK_CHECK_ALLOW_LOOPBACK = True
    assert AddressPolicy.from_settings().allow_loopback


def test_a_target_keeps_the_host_name_for_the_host_header_and_quotes_the_path():
    target = parse_target("http://Bücher.example:8080/a b/ü?q=ä b#frag")
    assert target.host == "xn--bcher-kva.example"
    assert target.host_header == "xn--bcher-kva.example:8080"
    assert target.request_target == "/a%20b/%C3%BC?q=%C3%A4%20b"
    assert parse_target("https://[2606:2800:220:1::1]/").host_header == "[2606:2800:220:1::1]"
    assert parse_target("https://example.org:443").request_target == "/"
