"""The client's address: the one resolver behind every per-client limit.

The sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE) and the API throttle
(ops.throttling.ClientAnonRateThrottle) both count requests under this address, and the
logs name it, so that a visitor has one identity everywhere.

Behind the reverse proxy every connection comes from the proxy, which names the client
in X-Forwarded-For; any client can send that header too. The header is therefore read
only when

- NUM_PROXIES says how many proxies stand in front (0: none, the header is ignored), and
- the connection itself comes from a trusted proxy network (TRUSTED_PROXY_NETWORKS,
  loopback and private ranges by default), so that a client reaching gunicorn directly
  cannot name itself;

and then only the NUM_PROXIES-th entry from the right counts: the one our outermost proxy
wrote. Entries further left came from the client. The shipped proxy configuration
(deploy/nginx.conf) replaces the header with the address it saw, so with one proxy the
header holds exactly one entry. A header with too few entries, or an entry that is not an
address, was not written by the proxies we expect: the connection's address counts.

IPv6 clients are counted by their /64 network: one subscriber or server holds a whole
/64 and could otherwise step to a fresh address, and a fresh bucket, at will.
"""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPv4_OR_6 = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str | None) -> IPv4_OR_6 | None:
    """An address in canonical form (IPv4-mapped IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@functools.cache
def _networks(
    spelled: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in spelled)


def is_trusted_proxy(address: IPv4_OR_6 | None) -> bool:
    """Whether a connection from this address may tell us who the client is."""
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXY_NETWORKS)))


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent this request, as far as it can be trusted."""
    peer = _parse(request.META.get("REMOTE_ADDR"))
    num_proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if num_proxies and forwarded and is_trusted_proxy(peer):
        entries = forwarded.split(",")
        if len(entries) >= num_proxies:
            client = _parse(entries[-num_proxies])
            if client is not None:
                return str(client)
    return str(peer) if peer is not None else None


def client_ip(request: HttpRequest) -> str | None:
    """The address every per-client limit counts: client_address, IPv6 by its /64."""
    address = _parse(client_address(request))
    if address is None:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)
