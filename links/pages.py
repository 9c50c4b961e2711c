"""The link checker's marks on the public pages, for one query per page.

A view passes the records whose URLs its page shows (rows it has already loaded, so
gathering them costs nothing) and puts the result in its context as `link_checks`;
`{% link_check url %}` (templatetags/link_checks.py) reads it beside each link.
"""

from collections.abc import Iterable

from django.db import models

from .models import Link
from .published import urls_of


def link_checks(records: Iterable[models.Model | None]) -> dict[str, Link]:
    """url -> Link for every published URL of `records`: one query (none without URLs).

    `records` may mix any of the models in published.PUBLISHED_URL_FIELDS; None (an
    absent member or host) is skipped. A URL with no Link row yet is simply missing
    from the map, and has no mark (only a broken link is marked).
    """
    return Link.objects.for_urls(urls_of(record for record in records if record is not None))
