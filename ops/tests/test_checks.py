"""The deployment checks (ops/checks.py) refuse an inconsistent set-up."""

import os
import subprocess
import sys

from django.conf import settings as django_settings

from ops.checks import check_one_client_address, check_proxy_set_up, check_staff_two_factor

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "deploy-check-test-only-throwaway-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "lattice.example.org",
}


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_a_proxy_trusted_for_the_scheme_but_not_for_addresses_is_refused(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NUM_PROXIES = 0
    assert ids(check_proxy_set_up(None)) == {"ops.E001"}
    settings.NUM_PROXIES = 1
    assert ids(check_proxy_set_up(None)) == set()


def test_forwarded_addresses_without_a_proxy_are_refused(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.NUM_PROXIES = 1
    assert ids(check_proxy_set_up(None)) == {"ops.E002"}
    settings.NUM_PROXIES = 0
    assert ids(check_proxy_set_up(None)) == set()


def test_a_proxy_from_no_trusted_network_is_refused(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    assert ids(check_proxy_set_up(None)) == {"ops.E003"}


def test_the_lockout_and_the_throttle_must_count_the_same_address(settings):
    assert ids(check_one_client_address(None)) == set()
    settings.AXES_CLIENT_IP_CALLABLE = None
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    }
    assert ids(check_one_client_address(None)) == {"ops.E004", "ops.E005"}


def test_production_without_two_factor_sign_in_is_flagged(settings):
    settings.STAFF_REQUIRE_2FA = True
    assert ids(check_staff_two_factor(None)) == set()
    settings.STAFF_REQUIRE_2FA = False
    assert ids(check_staff_two_factor(None)) == {"ops.W001"}


def test_check_deploy_runs_them():
    """Both refusals come from one run (each costs a process start). That production
    settings pass check --deploy otherwise is tests/test_settings.py's test."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV, "NUM_PROXIES": "0", "STAFF_REQUIRE_2FA": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ops.E001" in result.stderr
    assert "ops.W001" in result.stderr
