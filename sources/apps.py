from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    """Citations: the documents every stored fact comes from."""

    name = "sources"
    verbose_name = _("Sources")

    def ready(self) -> None:
        # Every historical row written inside `recording()` joins its change set.
        from .history import connect_signals

        connect_signals()
