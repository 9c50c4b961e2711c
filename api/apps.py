from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API (no models of its own)."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        # Registers the schema extension for the FilterSets' bounds (drf-spectacular
        # finds extensions by their subclassing, once the module is imported).
        from . import schema  # noqa: F401
