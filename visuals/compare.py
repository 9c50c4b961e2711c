"""Compare jurisdictions: two or three disaggregated states side by side."""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from institutions.models import Branch, Institution, Jurisdiction
from networks.labels import short_labels
from networks.models import Membership

MAX_JURISDICTIONS = 3


def compare(jurisdictions: list[Jurisdiction], on: datetime.date | None = None) -> dict:
    """Each jurisdiction's institutions by branch, with the networks each sits in on the
    date, and the networks they all share. Two queries: institutions, memberships."""
    on = on or timezone.localdate()
    ids = [j.pk for j in jurisdictions]
    institutions = (
        Institution.objects.filter(Q(jurisdiction__in=ids) | Q(jurisdiction__parent__in=ids))
        # The bodies that existed on the date: a predecessor dissolved before it (kept
        # for its lineage) is not set beside its successor.
        .filter(Institution.existed_q(on))
        .select_related("jurisdiction")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.as_of(on)
                .select_related("network")
                .order_by("network__name"),
                to_attr="held",
            )
        )
        .order_by("name")
    )
    columns = {
        j.pk: {
            "code": j.code,
            "name": j.name,
            "url": j.get_absolute_url(),
            "branches": {value: [] for value in Branch.values},
            "networks": set(),
        }
        for j in jurisdictions
    }
    institutions = list(institutions)
    # An acronym that names two bodies on this page (NAFTA's and USMCA's FTC, or the
    # US Federal Trade Commission beside them) gives way to the full names (#18).
    labels = short_labels(
        [(("institution", i.pk), i.name, i.acronym) for i in institutions]
        + [
            (("network", m.network.pk), m.network.name, m.network.acronym)
            for i in institutions
            for m in i.held
        ]
    )
    for institution in institutions:
        # A subdivision's institutions count for its state, unless the subdivision itself
        # is one of the columns (CA-ON beside DE).
        owner = institution.jurisdiction_id
        if owner not in columns:
            owner = institution.jurisdiction.parent_id
        column = columns[owner]
        networks = sorted({m.network for m in institution.held}, key=lambda n: n.name)
        column["networks"] |= {n.slug for n in networks}
        column["branches"][institution.branch].append(
            {
                "slug": institution.slug,
                "name": institution.name,
                "url": institution.get_absolute_url(),
                "networks": [
                    {
                        "slug": n.slug,
                        "label": labels[("network", n.pk)],
                        "name": str(n),
                        "url": n.get_absolute_url(),
                    }
                    for n in networks
                ],
            }
        )
    shared = set.intersection(*(c["networks"] for c in columns.values())) if columns else set()
    labels = dict(Branch.choices)
    return {
        "as_of": on.isoformat(),
        "jurisdictions": [
            {
                "code": c["code"],
                "name": c["name"],
                "url": c["url"],
                "network_count": len(c["networks"]),
                "branches": [
                    {"branch": value, "label": str(labels[value]), "institutions": rows}
                    for value, rows in c["branches"].items()
                    if rows
                ],
            }
            for c in columns.values()
        ],
        "shared_networks": sorted(shared),
    }
