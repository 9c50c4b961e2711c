from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconcileConfig(AppConfig):
    """The Reconciliation Service API (OpenRefine): match a list of names to records."""

    name = "reconcile"
    verbose_name = _("Reconciliation")

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        check_request_enabled.connect(allow_cross_origin, dispatch_uid="reconcile-cors")


def allow_cross_origin(sender, request, **kwargs) -> bool:
    """The specification requires CORS on every endpoint of the service (OpenRefine's
    suggest and preview are called from the browser); the project's CORS settings
    cover /api/ only, so the service opts its own paths in."""
    from django.urls import reverse

    return request.path.startswith(reverse("reconcile:service"))
