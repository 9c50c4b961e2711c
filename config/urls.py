from django.contrib import admin
from django.urls import include, path

from ops import health

urlpatterns = [
    path("admin/", admin.site.urls),
    # Process alive / ready to serve, for docker compose and load balancers (ops/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include("api.urls")),
    # The Reconciliation Service API v0.2, for OpenRefine (reconcile/).
    path("reconcile/", include("reconcile.urls")),
    path("", include("web.urls")),
]

# Error answers: the API's JSON error shape under /api/, the site's pages elsewhere.
handler400 = "api.exceptions.bad_request"
handler404 = "api.exceptions.not_found"
handler500 = "api.exceptions.server_error"
