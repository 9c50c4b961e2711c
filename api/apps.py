from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API (no models of its own)."""

    name = "api"
    verbose_name = _("API")
