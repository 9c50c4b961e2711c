"""Health answers for load balancers, orchestrators and docker compose.

`/healthz`: the process is alive and answers; it touches neither the database nor the
cache, so a restart is never decided on a dependency's outage.
`/readyz`: this process can serve the site: every database answers and has every
migration applied (503 otherwise). The cache is checked and reported too, but does not
decide the status: with the cache down the site still serves every page, uncached
(responsecache/backends.py), and taking every instance out of rotation for it would turn
a slower site into no site.

Neither is ever cached (settings.CACHE_RESPONSE_EXCLUDE and Cache-Control: no-store).
"""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .outage import RETRY_AFTER_SECONDS
from .routers import PRIMARY

READY_KEY = "lattice:readyz"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {alias: database_state(alias) for alias in connections}
    ready = all(state == "ok" for state in checks.values())
    checks["cache"] = cache_state()
    response = JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_state(alias: str) -> str:
    """ "ok", "unreachable" or "migrations pending" for one database alias."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        # Replicas receive migrations through replication: the primary's plan is theirs.
        if alias == PRIMARY:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations pending"
    except DatabaseError:
        return "unreachable"
    return "ok"


def cache_state() -> str:
    """ "ok" when a value written to the cache reads back, "unreachable" otherwise."""
    # A round trip rather than a ping: the fail-open cache turns errors into misses, and
    # a miss right after a write is what an unreachable cache looks like.
    token = uuid.uuid4().hex
    try:
        cache.set(READY_KEY, token, timeout=30)
        answered = cache.get(READY_KEY)
    except Exception:  # a probe answers, whatever the backend raises
        return "unreachable"
    return "ok" if answered == token else "unreachable"
