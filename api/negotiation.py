from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class StrictContentNegotiation(DefaultContentNegotiation):
    """`format=` must name a format we serve (json or csv): otherwise a 400 that says so."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested is not None and requested not in {r.format for r in renderers}:
            raise ValidationError(
                {
                    self.settings.URL_FORMAT_OVERRIDE: [
                        _("Unknown format %(format)r: use json or csv.") % {"format": requested}
                    ]
                }
            )
        return super().select_renderer(request, renderers, format_suffix)
