from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisualsConfig(AppConfig):
    """Graphs, maps, timelines, coverage and comparisons, shared by the pages and the API."""

    name = "visuals"
    verbose_name = _("Visuals")
