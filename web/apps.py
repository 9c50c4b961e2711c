from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The public website: every HTML page, its URLs, sitemaps and page template tags."""

    name = "web"
    verbose_name = _("Public website")
