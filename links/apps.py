from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    """The link checker: every published URL, when it last worked, and why it failed."""

    name = "links"
    verbose_name = _("Link checking")

    def ready(self) -> None:
        # The link checker observes the records of other apps: when one with a published
        # URL is saved, its links are queued for checking. A signal is the right tool here
        # (and the only one in the project): checking is a side effect those apps need not
        # know about, and it is off unless LINK_CHECK_ENABLED is set.
        from . import signals

        signals.connect()
