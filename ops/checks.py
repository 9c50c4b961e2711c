"""Deployment checks (`manage.py check --deploy`) for the set-up around the site.

Each one stops a production start-up that would quietly break a per-client limit or a
sign-in rule; they run with the deploy tag only, like Django's own security checks.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

CLIENT_IP = "ops.client_ip.client_ip"


@register(Tags.security, deploy=True)
def check_proxy_set_up(app_configs, **kwargs) -> list:
    """The proxy is trusted for both the scheme and the client address, or for neither.

    SECURE_PROXY_SSL_HEADER means a proxy terminates TLS in front of gunicorn. With
    NUM_PROXIES=0 every request then seems to come from that proxy: one visitor's failed
    sign-ins lock a curator out for everyone and one client uses up the API limit of all.
    NUM_PROXIES>0 without it means X-Forwarded-For is believed although nothing says a
    proxy is there to write it: any client could choose its own address.
    """
    errors = []
    proxy_for_scheme = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if proxy_for_scheme and not settings.NUM_PROXIES:
        errors.append(
            Error(
                "SECURE_PROXY_SSL_HEADER trusts a proxy for the scheme, but NUM_PROXIES is 0: "
                "every client would count as the proxy's address.",
                hint="Set NUM_PROXIES to the number of proxies in front of gunicorn "
                "(1 with deploy/nginx.conf).",
                id="ops.E001",
            )
        )
    if settings.NUM_PROXIES and not proxy_for_scheme:
        errors.append(
            Error(
                "NUM_PROXIES is set, but SECURE_PROXY_SSL_HEADER is not: X-Forwarded-For "
                "would be believed without a proxy known to write it.",
                hint="Run behind the proxy (DJANGO_ENV=production sets the header), or set "
                "NUM_PROXIES=0.",
                id="ops.E002",
            )
        )
    if settings.NUM_PROXIES and not settings.TRUSTED_PROXY_NETWORKS:
        errors.append(
            Error(
                "NUM_PROXIES is set, but TRUSTED_PROXY_NETWORKS is empty: the proxy's "
                "X-Forwarded-For would never be read.",
                hint="List the networks the proxy connects from (the default covers "
                "loopback and private ranges).",
                id="ops.E003",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_one_client_address(app_configs, **kwargs) -> list:
    """The sign-in lockout and the API throttle count the same client address."""
    from ops.throttling import ClientAnonRateThrottle

    errors = []
    if settings.AXES_CLIENT_IP_CALLABLE != CLIENT_IP:
        errors.append(
            Error(
                f"AXES_CLIENT_IP_CALLABLE is not {CLIENT_IP}: the sign-in lockout would "
                "read the client address differently from the API throttle.",
                id="ops.E004",
            )
        )
    for path in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", []):
        throttle = import_string(path)
        if throttle.get_ident is not ClientAnonRateThrottle.get_ident:
            errors.append(
                Error(
                    f"The API throttle {path} does not count requests by {CLIENT_IP}.",
                    hint="Derive it from ops.throttling.ClientAnonRateThrottle.",
                    id="ops.E005",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_staff_two_factor(app_configs, **kwargs) -> list:
    """Production keeps two-factor sign-in for staff on (ops/two_factor.py)."""
    if settings.STAFF_REQUIRE_2FA:
        return []
    return [
        Warning(
            "STAFF_REQUIRE_2FA is off: a stolen curator password alone opens the admin.",
            hint="Enrol every staff member (manage.py enrol_totp USERNAME) and turn it on.",
            id="ops.W001",
        )
    ]
