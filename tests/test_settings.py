"""Production settings refuse to start without their secrets and pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env={"DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", env={"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DJANGO_ENV=production" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": "test-only-3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f",
            "ALLOWED_HOSTS": "lattice.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_run_tasks_eagerly_on_sqlite():
    from django.conf import settings

    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if "CELERY_BROKER_URL" not in os.environ:
        assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_starting_the_site_without_collectstatic_warns_nothing(settings, tmp_path):
    """`make run` starts with no static-files warning: outside production WhiteNoise serves
    from the finders and does not look for a STATIC_ROOT that collectstatic never made."""
    import warnings

    from django.core.handlers.wsgi import WSGIHandler

    settings.STATIC_ROOT = tmp_path / "not-collected"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WSGIHandler()
