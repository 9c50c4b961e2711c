from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """Networks, memberships, memoranda of understanding and meetings."""

    name = "networks"
    verbose_name = _("Networks")
