from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: client addresses behind proxies, logs, security headers, staff
    sign-in and the read-replica router."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Registers the deployment checks and the request log's signal receivers.
        from ops import checks, request_log  # noqa: F401


class LatticeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the two-factor admin site as `admin.site`."""

    # Not the config of "ops" itself: INSTALLED_APPS names this one explicitly.
    default = False
    default_site = "ops.two_factor.LatticeAdminSite"
