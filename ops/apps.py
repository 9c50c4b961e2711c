from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: the client's address behind proxies and the read-replica router."""

    name = "ops"
    verbose_name = _("Operations")
