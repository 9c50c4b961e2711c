"""The service manifest (Reconciliation Service API v0.2): what the service offers and
where, as absolute addresses of this site."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from . import extension
from .service import MAX_BATCH, default_types

PREVIEW_WIDTH = 400
PREVIEW_HEIGHT = 160
# Stands for {{id}} while reversing: braces would be percent-encoded.
_ID = "ENTITYID"


def _template(absolute: Callable[[str], str], name: str) -> str:
    return absolute(reverse(name, kwargs={"entity_id": _ID})).replace(_ID, "{{id}}")


def manifest(absolute: Callable[[str], str]) -> dict:
    """The manifest; `absolute` makes a site path a full URL (request.build_absolute_uri)."""
    service_url = absolute(reverse("reconcile:service")).rstrip("/")
    base = reverse("reconcile:service").rstrip("/")

    def path(name: str) -> str:
        return reverse(name).removeprefix(base)

    return {
        "versions": ["0.2"],
        "name": _("Lattice: transgovernmental networks and their members"),
        # Entity ids (a slug or a jurisdiction code) live under the view address.
        "identifierSpace": _template(absolute, "reconcile:view").removesuffix("{{id}}"),
        "schemaSpace": absolute(reverse("reconcile:suggest-type")),
        "defaultTypes": default_types(),
        "view": {"url": _template(absolute, "reconcile:view")},
        "preview": {
            "url": _template(absolute, "reconcile:preview"),
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": {
            kind: {"service_url": service_url, "service_path": path(f"reconcile:suggest-{kind}")}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {
                "service_url": service_url,
                "service_path": path("reconcile:propose-properties"),
            },
            "property_settings": extension.property_settings(),
        },
        "batchSize": MAX_BATCH,
    }
