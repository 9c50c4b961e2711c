"""The typology's words explained: `{% typology_terms network as terms %}` (one network's)
and `{% typology_glossary as groups %}` (all of them); see web/typology.py."""

from django import template

from web.typology import glossary, network_terms

register = template.Library()


@register.simple_tag
def typology_terms(network) -> list[dict]:
    return network_terms(network)


@register.simple_tag
def typology_glossary() -> list[dict]:
    return glossary()
