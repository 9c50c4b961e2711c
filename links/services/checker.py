"""Fetch one published URL, safely, and say what happened.

The checker fetches addresses that curators typed, from inside our own network, so it
is built not to be turned against that network (server-side request forgery):

- only http and https, at most MAX_REDIRECTS redirects, each hop checked afresh;
- every address a host name resolves to must be public: loopback, private, link-local,
  multicast, reserved, unspecified, shared (CGNAT) and cloud metadata addresses are
  refused, also in their IPv4-mapped, NAT64 and 6to4 forms; if any address of a name is
  refused, the name is;
- the connection goes to the address that was checked (the host name travels only in
  the Host header and TLS SNI), so a second DNS answer cannot swap it (DNS rebinding);
- connect and read timeouts, a time limit and a byte cap on the body, no decompression;
- one request at a time per host, across workers (a lock in the shared cache);
- a User-Agent that says who we are.

Loopback is refused unless LINK_CHECK_ALLOW_LOOPBACK is set, which only tests do.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from django.core.cache import cache
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError

from ..models import ErrorKind

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Addresses of a host name tried in turn when connecting fails (IPv6 then IPv4, say).
MAX_ADDRESSES_TRIED = 3
READ_CHUNK = 8192
# Characters left as they are when quoting a path or query for the request line.
SAFE_PATH_CHARS = "/%:@!$&'()*+,;=-._~"
SAFE_QUERY_CHARS = SAFE_PATH_CHARS + "?"
# Host names the C library reads as IPv4 numbers ("127.1", "2130706433", "0x7f.1").
NUMERIC_HOST_RE = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)

# Cloud metadata services. Most are link-local or private already; listed so that no
# future change to the general rules can let them through.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host name, port -> the addresses it resolves to (as strings). Injectable for tests.
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (socket.getaddrinfo), TCP addresses only."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class AddressPolicy:
    """Which resolved addresses the checker may connect to: public ones only.

    `allow_loopback` (LINK_CHECK_ALLOW_LOOPBACK, tests only) lets 127.0.0.0/8 and ::1
    through; `loopback_ports` narrows that to some ports, so a test can serve an allowed
    page on one loopback port and show that a redirect to another is still refused.
    """

    allow_loopback: bool = False
    loopback_ports: frozenset[int] | None = None

    @classmethod
    def from_settings(cls) -> AddressPolicy:
        return cls(allow_loopback=settings.LINK_CHECK_ALLOW_LOOPBACK)

    def permits(self, address: IPAddress, port: int) -> bool:
        if address.is_loopback or _embedded_ipv4(address, loopback_only=True):
            return self.allow_loopback and (
                self.loopback_ports is None or port in self.loopback_ports
            )
        return is_public_address(address)


def _embedded_ipv4(
    address: IPAddress, *, loopback_only: bool = False
) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv6 one (mapped, NAT64, 6to4), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        embedded = address.ipv4_mapped
    elif address in NAT64_PREFIX:
        embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    elif address.sixtofour is not None:
        embedded = address.sixtofour
    else:
        return None
    if loopback_only and not embedded.is_loopback:
        return None
    return embedded


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is on the public internet (never loopback, private, metadata…)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and not is_public_address(embedded):
        return False
    if address in METADATA_ADDRESSES:
        return False
    if (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    ):
        return False
    if isinstance(address, ipaddress.IPv6Address) and (address.is_site_local or address.scope_id):
        return False
    # is_global also excludes shared address space (100.64.0.0/10) and the other
    # special-purpose blocks of the IANA registries.
    return address.is_global


class CheckError(Exception):
    """A check that failed for a reason with a name (an ErrorKind)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class ForbiddenAddress(CheckError):
    """The address is not a public http(s) one: the checker refuses to go there."""

    def __init__(self, message: str):
        super().__init__(ErrorKind.FORBIDDEN_ADDRESS, message)


class HostBusy(Exception):
    """Another request to the same host is in flight: try again later (transient)."""


@dataclass(frozen=True)
class Target:
    """One parsed hop: where to connect and what to ask for."""

    url: str
    scheme: str
    host: str  # ASCII host name or IP literal, lower-case, no brackets
    port: int
    request_target: str  # path and query, as sent on the request line
    literal: IPAddress | None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """Split a URL into a hop; refuse anything but http(s) with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise CheckError(ErrorKind.OTHER, f"malformed address: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ForbiddenAddress(f"only http and https addresses are checked, not {scheme or '?'}:")
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise CheckError(ErrorKind.OTHER, "the address has no host name")
    literal = _ip_literal(hostname)
    if literal is not None:
        host = str(literal)
    else:
        try:
            host = hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise CheckError(ErrorKind.DNS, f"invalid host name: {hostname}") from None
    path = quote(parts.path or "/", safe=SAFE_PATH_CHARS)
    query = f"?{quote(parts.query, safe=SAFE_QUERY_CHARS)}" if parts.query else ""
    return Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        request_target=path + query,
        literal=literal,
    )


def _ip_literal(hostname: str) -> IPAddress | None:
    """The address a host name denotes by itself, as the C library would read it."""
    try:
        return ipaddress.ip_address(hostname)
    except ValueError:
        pass
    if NUMERIC_HOST_RE.match(hostname):
        try:  # inet_aton parses locally ("127.1", "0x7f000001"); it does no lookup.
            return ipaddress.IPv4Address(socket.inet_aton(hostname))
        except OSError:
            return None
    return None


def resolve(target: Target, *, resolver: Resolver, policy: AddressPolicy) -> list[IPAddress]:
    """The addresses to connect to for a hop; ForbiddenAddress if any is not allowed."""
    if target.literal is not None:
        addresses = [target.literal]
    else:
        try:
            answers = resolver(target.host, target.port)
        except (OSError, UnicodeError) as exc:
            raise CheckError(ErrorKind.DNS, f"{target.host}: {exc}") from None
        addresses = []
        for answer in answers:
            try:
                addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))
            except ValueError:
                raise CheckError(ErrorKind.DNS, f"{target.host}: bad address {answer!r}") from None
        if not addresses:
            raise CheckError(ErrorKind.DNS, f"{target.host}: no address")
    for address in addresses:
        if not policy.permits(address, target.port):
            raise ForbiddenAddress(f"{target.host} is {address}, which is not a public address")
    return addresses


@dataclass
class CheckOutcome:
    """What one check found: a final HTTP status, or why there was none."""

    url: str
    ok: bool = False
    status_code: int | None = None
    final_url: str = ""
    error_kind: str = ""
    error_message: str = ""
    response_time_ms: int = 0
    redirects: int = 0
    bytes_read: int = 0
    hops: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckerConfig:
    """Limits and identity of the checker (from LINK_CHECK_* settings by default)."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_bytes: int = 65536
    user_agent: str = "LatticeLinkChecker/1.0"
    # How long to wait for another request to the same host before giving up (HostBusy).
    lock_wait: float = 15.0

    @classmethod
    def from_settings(cls) -> CheckerConfig:
        connect, read = settings.LINK_CHECK_CONNECT_TIMEOUT, settings.LINK_CHECK_READ_TIMEOUT
        return cls(
            connect_timeout=connect,
            read_timeout=read,
            max_bytes=settings.LINK_CHECK_MAX_BYTES,
            user_agent=f"LatticeLinkChecker/1.0 (+{settings.LINK_CHECK_SITE_URL})",
            lock_wait=connect + read,
        )

    @property
    def lock_ttl(self) -> float:
        # Longest a hop can hold its host: HEAD then GET, each trying a few addresses,
        # waiting for headers and reading the body to its time limit.
        return 2 * (MAX_ADDRESSES_TRIED * self.connect_timeout + 2 * self.read_timeout) + 5


@contextmanager
def host_lock(host: str, *, config: CheckerConfig) -> Iterator[None]:
    """Hold the host for one request; HostBusy if another holds it past `lock_wait`.

    The lock lives in the cache, shared by every worker when CACHE_URL names Redis (as
    docker-compose.yml does); it expires by itself if a worker dies holding it. With Redis
    unreachable the lock fails open: the cache grants every `add`
    (responsecache/backends.py), so checks go on, unserialised, rather than stop.
    """
    key = f"links:host-lock:{host}"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + config.lock_wait
    while not cache.add(key, token, timeout=config.lock_ttl):
        if time.monotonic() >= deadline:
            raise HostBusy(host)
        time.sleep(0.05)
    try:
        yield
    finally:
        if cache.get(key) == token:
            cache.delete(key)


@dataclass
class _Response:
    status: int
    location: str | None
    cookies: list[str]
    bytes_read: int


def _request(
    target: Target,
    address: IPAddress,
    method: str,
    *,
    config: CheckerConfig,
    cookies: dict[str, str],
) -> _Response:
    """One request to `address` (the checked one) for `target`; the body read capped."""
    timeout = urllib3.Timeout(connect=config.connect_timeout, read=config.read_timeout)
    common = {"timeout": timeout, "maxsize": 1, "retries": False}
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            str(address),
            target.port,
            cert_reqs="CERT_REQUIRED",
            # Verify the certificate against the host name, not the address we dialled;
            # no SNI for a literal address, as browsers do.
            server_hostname=None if target.literal else target.host,
            assert_hostname=target.host,
            **common,
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(address), target.port, **common)
    headers = {
        "Host": target.host_header,
        "User-Agent": config.user_agent,
        "Accept": "*/*",
        "Accept-Encoding": "identity",
    }
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    try:
        response = pool.urlopen(
            method,
            target.request_target,
            headers=headers,
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=False,
        )
        try:
            bytes_read = 0
            if method != "HEAD":
                # The body proves the server delivers; a large one is not an error, and
                # reading stops at the byte cap or the time limit, whichever comes first.
                stop_at = time.monotonic() + config.read_timeout
                while bytes_read < config.max_bytes and time.monotonic() < stop_at:
                    # read1: whatever one receive brings, so a trickle cannot hold us.
                    chunk = response.read1(min(READ_CHUNK, config.max_bytes - bytes_read))
                    if not chunk:
                        break
                    bytes_read += len(chunk)
            return _Response(
                status=response.status,
                location=response.headers.get("Location"),
                cookies=response.headers.getlist("Set-Cookie"),
                bytes_read=bytes_read,
            )
        finally:
            response.close()  # never drain: the rest of the body is not wanted
    finally:
        pool.close()


def _fetch_hop(
    target: Target,
    addresses: list[IPAddress],
    method: str,
    *,
    config: CheckerConfig,
    cookies: dict[str, str],
) -> _Response:
    """Try the hop's addresses in turn until one connects."""
    last_error: Exception | None = None
    for address in addresses[:MAX_ADDRESSES_TRIED]:
        try:
            return _request(target, address, method, config=config, cookies=cookies)
        except NewConnectionError as exc:  # before ConnectTimeoutError: it subclasses it
            last_error = exc
        except ConnectTimeoutError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


def _remember_cookies(jar: dict[str, str], set_cookie_headers: list[str]) -> None:
    """Keep name=value of cookies a site sets while redirecting (some insist on them)."""
    for header in set_cookie_headers[:20]:
        name, _, value = header.split(";", 1)[0].partition("=")
        if name.strip() and len(jar) < 50:
            jar[name.strip()] = value.strip()


def classify(exc: BaseException) -> tuple[str, str]:
    """The ErrorKind and message for an exception raised while fetching."""
    if isinstance(exc, CheckError):
        return exc.kind, exc.message
    message = str(exc) or exc.__class__.__name__
    if isinstance(exc, NewConnectionError):
        return ErrorKind.REFUSED, message
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError | TimeoutError | socket.timeout):
        return ErrorKind.TIMEOUT, message
    if isinstance(exc, Urllib3SSLError | ssl.SSLError | ssl.CertificateError):
        return ErrorKind.TLS, message
    if isinstance(exc, ProtocolError):
        cause = exc.args[1] if len(exc.args) > 1 else exc.__cause__
        if isinstance(cause, ConnectionResetError | ConnectionRefusedError | BrokenPipeError):
            return ErrorKind.REFUSED, message
        if isinstance(cause, TimeoutError | socket.timeout):
            return ErrorKind.TIMEOUT, message
        return ErrorKind.OTHER, message
    if isinstance(exc, ConnectionError):
        return ErrorKind.REFUSED, message
    return ErrorKind.OTHER, message


def check_url(
    url: str,
    *,
    config: CheckerConfig | None = None,
    policy: AddressPolicy | None = None,
    resolver: Resolver | None = None,
) -> CheckOutcome:
    """Fetch `url` (HEAD, falling back to GET) following redirects; never raises for the
    link's own failures, which come back in the outcome. Raises HostBusy (transient)."""
    config = config or CheckerConfig.from_settings()
    policy = policy or AddressPolicy.from_settings()
    resolver = resolver or system_resolver
    outcome = CheckOutcome(url=url)
    started = time.monotonic()
    # Cookies a site sets while redirecting, kept per host and sent back only to it.
    cookies: dict[str, dict[str, str]] = {}
    current = url
    try:
        while True:
            outcome.hops.append(current)
            outcome.final_url = current
            target = parse_target(current)
            addresses = resolve(target, resolver=resolver, policy=policy)
            with host_lock(target.host, config=config):
                jar = cookies.setdefault(target.host, {})
                response = _fetch_hop(target, addresses, "HEAD", config=config, cookies=jar)
                if response.status >= 400:
                    # Many servers answer HEAD wrongly (405, 501, but also 403 or 404);
                    # only a GET's answer counts against a link.
                    response = _fetch_hop(target, addresses, "GET", config=config, cookies=jar)
            _remember_cookies(jar, response.cookies)
            outcome.status_code = response.status
            outcome.bytes_read = response.bytes_read
            if response.status in REDIRECT_STATUSES and response.location:
                next_url = urljoin(current, response.location.strip())
                if next_url in outcome.hops and not response.cookies:
                    # Back where we were, with nothing new to show: it would never end.
                    # (A site that sets a cookie and redirects to itself gets another go.)
                    raise CheckError(ErrorKind.TOO_MANY_REDIRECTS, f"redirect loop at {next_url}")
                if outcome.redirects >= MAX_REDIRECTS:
                    raise CheckError(
                        ErrorKind.TOO_MANY_REDIRECTS, f"more than {MAX_REDIRECTS} redirects"
                    )
                outcome.redirects += 1
                current = next_url
                continue
            if response.status >= 400:
                raise CheckError(ErrorKind.HTTP_ERROR, f"HTTP {response.status}")
            outcome.ok = True
            break
    except (CheckError, HTTPError, HTTPException, OSError, ValueError) as exc:
        outcome.ok = False
        outcome.error_kind, outcome.error_message = classify(exc)
    finally:
        outcome.response_time_ms = int((time.monotonic() - started) * 1000)
    if outcome.ok:
        outcome.error_kind = outcome.error_message = ""
    return outcome
