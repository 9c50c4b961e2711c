"""What a record page says about how fresh it is: "last updated" (#18)."""

from django.db import models

from sources.history import last_change


def freshness(record: models.Model, *related_versions: models.QuerySet) -> dict:
    """The record's last change (its own or that of the rows listed with it, such as a
    network's memberships), and, when nothing changed since the dataset was loaded, the
    date its newest source describes: a load date on every page said nothing (#18).
    Its sources must be prefetched (every detail view does)."""
    return {
        "last_change": last_change(record.history.all(), *related_versions),
        "newest_source": max((s.as_of for s in record.sources.all()), default=None),
    }
