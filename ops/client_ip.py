"""The client's address for sign-in rate limiting (django-axes).

Behind the reverse proxy every request comes from the proxy; the proxy appends the real
client to X-Forwarded-For. As the API's throttling does (REST_FRAMEWORK["NUM_PROXIES"]),
trust exactly NUM_PROXIES entries from the right, so that a client cannot pick its own
address by sending a forged header.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if not num_proxies or not forwarded:
        return remote_addr
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(num_proxies, len(addresses))]
