from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: client addresses behind proxies, logs, security headers, staff
    sign-in and the read-replica router."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Registers the deployment checks.
        from ops import checks  # noqa: F401
