"""Which fields of which records are URLs the public site publishes.

The list is the link checker's whole knowledge of the other apps: the sync, the save
hook and the admin's "used by" all read it. A new published URL field goes here.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import models

# "app_label.Model": the URL fields the public pages show as links.
PUBLISHED_URL_FIELDS: dict[str, tuple[str, ...]] = {
    "institutions.Institution": ("website",),
    "networks.Network": ("website",),
    "networks.Memorandum": ("document_url",),
    "networks.Meeting": ("records_url",),
    "networks.OutcomeDocument": ("url",),
    "sources.Source": ("url",),
}


def published_models() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    """The models with published URL fields, and those fields."""
    return [(apps.get_model(label), fields) for label, fields in PUBLISHED_URL_FIELDS.items()]


def urls_of(objects: Iterable[models.Model]) -> list[str]:
    """The published URLs of some records (any mix of the models above), blanks left out.

    For views: `Link.objects.for_urls(urls_of([network, *institutions, *sources]))`.
    """
    urls = []
    for obj in objects:
        for field in PUBLISHED_URL_FIELDS.get(obj._meta.label, ()):
            url = getattr(obj, field)
            if url:
                urls.append(url)
    return urls


def published_urls() -> set[str]:
    """Every URL the public site links to: one query per model."""
    urls: set[str] = set()
    for model, fields in published_models():
        for field in fields:
            urls.update(
                model._default_manager.exclude(**{field: ""})
                .values_list(field, flat=True)
                .distinct()
                .order_by()
            )
    return urls


def usages(url: str) -> list[models.Model]:
    """The records that publish `url` (for curators fixing a broken link)."""
    found: list[models.Model] = []
    for model, fields in published_models():
        condition = models.Q(_connector=models.Q.OR, **dict.fromkeys(fields, url))
        found.extend(model._default_manager.filter(condition)[:50])
    return found
