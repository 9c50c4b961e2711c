"""Staff sign-in with an authenticator code, and idle staff sessions (issue #15 item 12).

Codes are computed here from the secret in the enrolment address, per RFC 6238, the way
an authenticator app computes them; time_machine moves the clock between codes.
"""

import base64
import hashlib
import hmac
import io
import struct
import time
import urllib.parse

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from ops.two_factor import enrol

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
START = 1_800_000_000  # a fixed moment, so that codes never straddle a 30-second step


def totp(config_url: str, at: float) -> str:
    """The six-digit code an authenticator app shows at `at` for this enrolment."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(config_url).query)
    key = base64.b32decode(query["secret"][0] + "=" * (-len(query["secret"][0]) % 8))
    counter = struct.pack(">Q", int(at) // int(query["period"][0]))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**6:06d}"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def curator():
    return User.objects.create_user("curator", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_2FA = True


def sign_in(client, token: str | None = None, username: str = "curator", password=PASSWORD):
    data = {"username": username, "password": password}
    if token is not None:
        data["otp_token"] = token
    return client.post(reverse("admin:login"), data)


def admin_index_status(client) -> int:
    return client.get(reverse("admin:index")).status_code


def test_without_a_code_an_enrolled_member_does_not_reach_the_admin(
    client, curator, required, clock
):
    enrol(user=curator)
    response = sign_in(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app." in response.content.decode()
    assert admin_index_status(client) == 302


def test_with_a_wrong_code_they_do_not(client, curator, required, clock):
    device = enrol(user=curator)
    wrong = totp(device.config_url, START - 3600)
    response = sign_in(client, wrong)
    assert response.status_code == 200
    assert admin_index_status(client) == 302


def test_with_the_current_code_they_do(client, curator, required, clock):
    device = enrol(user=curator)
    response = sign_in(client, totp(device.config_url, START))
    assert response.status_code == 302
    assert admin_index_status(client) == 200


def test_a_code_works_once(client, curator, required, clock):
    device = enrol(user=curator)
    code = totp(device.config_url, START)
    assert sign_in(client, code).status_code == 302
    client.logout()
    assert sign_in(client, code).status_code == 200
    clock.shift(30)
    assert sign_in(client, totp(device.config_url, START + 30)).status_code == 302


def test_when_required_a_member_without_an_authenticator_cannot_sign_in(client, curator, required):
    response = sign_in(client)
    assert response.status_code == 200
    assert "has none yet" in response.content.decode()
    assert admin_index_status(client) == 302


def test_when_required_a_session_signed_in_without_a_code_no_longer_opens_the_admin(
    client, curator, required
):
    client.force_login(curator)  # e.g. signed in before STAFF_REQUIRE_2FA was turned on
    assert admin_index_status(client) == 302


def test_when_not_required_a_password_suffices_until_one_enrols(client, curator, settings, clock):
    settings.STAFF_REQUIRE_2FA = False
    assert sign_in(client).status_code == 302
    assert admin_index_status(client) == 200
    client.logout()
    device = enrol(user=curator)
    assert sign_in(client).status_code == 200
    assert sign_in(client, totp(device.config_url, START)).status_code == 302


def test_production_requires_it_by_default():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **{k: v for k, v in os.environ.items() if k != "STAFF_REQUIRE_2FA"},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "test-only-throwaway-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "lattice.example.org",
    }
    code = "import config.settings as s; print(s.STAFF_REQUIRE_2FA)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_wrong_codes_count_towards_the_sign_in_lockout(client, curator, required, clock):
    device = enrol(user=curator)
    for minutes in range(1, 6):
        clock.shift(60)  # past django-otp's own growing delay between attempts
        sign_in(client, totp(device.config_url, START - 3600 * minutes))
    clock.shift(60)
    response = sign_in(client, totp(device.config_url, time.time()))
    assert response.status_code == 429


def test_wrong_passwords_are_still_locked_out(client, curator, required, clock):
    device = enrol(user=curator)
    for _ in range(5):
        sign_in(client, totp(device.config_url, START), password="wrong")
    assert sign_in(client, totp(device.config_url, START)).status_code == 429


def test_enrol_totp_prints_an_address_whose_codes_sign_in(client, curator, required, clock):
    out = io.StringIO()
    call_command("enrol_totp", "curator", stdout=out)
    (config_url,) = [line for line in out.getvalue().splitlines() if line.startswith("otpauth://")]
    assert "issuer=Lattice" in config_url
    assert sign_in(client, totp(config_url, START)).status_code == 302


def test_enrol_totp_replaces_only_when_asked(curator, clock):
    first = io.StringIO()
    call_command("enrol_totp", "curator", stdout=first)
    with pytest.raises(CommandError, match="already has"):
        call_command("enrol_totp", "curator", stdout=io.StringIO())
    second = io.StringIO()
    call_command("enrol_totp", "curator", "--replace", stdout=second)
    assert curator.totpdevice_set.count() == 1
    assert first.getvalue() != second.getvalue()


def test_enrol_totp_refuses_a_non_staff_user(db):
    User.objects.create_user("reader", password=PASSWORD)
    with pytest.raises(CommandError, match="not staff"):
        call_command("enrol_totp", "reader", stdout=io.StringIO())


def test_an_idle_staff_session_expires(client, curator, settings):
    settings.STAFF_REQUIRE_2FA = False
    with time_machine.travel(START, tick=False) as clock:
        assert sign_in(client).status_code == 302
        # Working keeps the session alive: every request moves its expiry forward…
        for _ in range(6):
            clock.shift(20 * 60)
            assert admin_index_status(client) == 200
        # …and half an hour without one ends it.
        clock.shift(31 * 60)
        assert admin_index_status(client) == 302
