from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    """Jurisdictions and the government institutions that belong to them."""

    name = "institutions"
    verbose_name = _("Institutions")
