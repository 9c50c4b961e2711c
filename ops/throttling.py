"""The API's rate limit per anonymous client, counted under ops.client_ip."""

from rest_framework.throttling import AnonRateThrottle

from ops.client_ip import client_ip


class ClientAnonRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle (scope "anon"), keyed by the client address the sign-in
    lockout counts too, not by DRF's own reading of X-Forwarded-For."""

    def get_ident(self, request) -> str:
        return client_ip(request) or ""
