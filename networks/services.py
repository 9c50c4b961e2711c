"""Curator operations on networks and memoranda that span several records.

Each is one function, all-or-nothing inside a transaction, and recorded as one change
set (sources.history.recording). Member-list imports live in curation/services.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from sources.history import recording
from sources.models import ChangeKind

from .models import Membership


def mark_memberships_verified(
    *,
    memberships: models.QuerySet[Membership],
    on: datetime.date | None = None,
    user: Any = None,
    reason: str = "",
) -> int:
    """Set the last-verified date of the memberships (today by default); one change set."""
    on = on or timezone.localdate()
    count = 0
    with recording(kind=ChangeKind.VERIFY, reason=reason, user=user):
        for membership in memberships.exclude(last_verified_on=on).select_related(
            "network", "member_institution", "member_network"
        ):
            membership.last_verified_on = on
            membership.save(update_fields=["last_verified_on", "updated_at"])
            count += 1
    return count
