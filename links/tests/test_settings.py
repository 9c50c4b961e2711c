"""The link checker's settings: off by default, and loopback never in production."""

import os
import subprocess
import sys

from django.conf import settings

from config.settings import BASE_DIR


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LINK_CHECK_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_checking_and_loopback_are_off_unless_set():
    # The settings module alone, without starting Django: this is about its defaults.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.LINK_CHECK_ENABLED, s.LINK_CHECK_ALLOW_LOOPBACK)",
        ],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if not k.startswith(("LINK_CHECK_", "DJANGO_"))},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "False False", result.stderr


def test_production_refuses_to_allow_loopback():
    result = run_manage(
        "check",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "test-only-3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f",
            "ALLOWED_HOSTS": "lattice.example.org",
            "LINK_CHECK_ALLOW_LOOPBACK": "1",
        },
    )
    assert result.returncode != 0
    assert "LINK_CHECK_ALLOW_LOOPBACK is for tests only" in result.stderr


def test_the_user_agent_names_the_site():
    from links.services.checker import CheckerConfig

    assert CheckerConfig.from_settings().user_agent == (
        f"LatticeLinkChecker/1.0 (+{settings.LINK_CHECK_SITE_URL})"
    )
