from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    """Bulk work on the directory: the YAML loader, member-list imports, export and import."""

    name = "curation"
    verbose_name = _("Curation")
