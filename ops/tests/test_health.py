"""/healthz and /readyz (ops/health.py): alive, ready, never cached."""

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from responsecache.tests.servers import cache_at, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CACHE_RESPONSE_SECONDS = 600


def test_healthz_answers_without_touching_the_database_or_the_cache(
    client, settings, django_assert_num_queries
):
    # Django's own Redis backend at a closed port raises on any use: none may happen.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_readyz_says_ready_when_the_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"default": "ok", "cache": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_never_served_from_the_cache(client):
    client.get("/readyz")
    assert "X-Cache" not in client.get("/readyz")


def test_readyz_answers_503_while_a_migration_is_pending(client):
    # Forget one applied migration (rolled back with the test): the plan is no longer empty.
    MigrationRecorder(connection).migration_qs.filter(app="networks").order_by(
        "-id"
    ).first().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["default"] == "migrations pending"
    assert int(response["Retry-After"]) > 0


def test_readyz_reports_an_unreachable_cache_but_stays_ready(client, settings):
    # The site serves every page without its cache: no reason to take it out of rotation.
    settings.CACHES = cache_at(free_port())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "unreachable"


def test_compose_checks_the_web_service_with_readyz():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
