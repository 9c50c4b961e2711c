"""Template helpers for the public pages: JSON-LD blocks and links to other registers."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: the data block can never close its <script>.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

IDENTIFIER_URLS = {
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "lei": "https://search.gleif.org/#/record/{}",
    "ror": "https://ror.org/{}",
    "isni": "https://isni.org/isni/{}",
    "viaf": "https://viaf.org/viaf/{}",
}


@register.simple_tag
def json_ld(data: dict | None) -> str:
    """A schema.org JSON-LD data block. It never executes, so the strict CSP allows it."""
    if not data:
        return ""
    payload = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(JSON_SCRIPT_ESCAPES)),  # escaped like json_script
    )


@register.filter
def identifier_url(identifier) -> str:
    """The public page of an identifier in its register (Wikidata, LEI, ROR…)."""
    pattern = IDENTIFIER_URLS.get(identifier.scheme)
    return pattern.format(identifier.identifier) if pattern else ""


@register.filter
def function_choices(network) -> list[tuple[str, str]]:
    """The network's functions as (value, label) pairs, for badges that link to the list."""
    from networks.models import Function

    return [(value, Function(value).label) for value in network.functions]
