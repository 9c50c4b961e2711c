"""Site search across networks, institutions, jurisdictions, memoranda and meetings.

On PostgreSQL: full-text search (weighted SearchVector, websearch SearchQuery, SearchRank),
also matching name fragments so that "Base" finds "Basel". Elsewhere (SQLite): every word
must appear in one of the fields, ranked exact name or acronym first, then names that start
with the query, then names that contain it. Either way one query per record type, each
bounded, so the page's query count is fixed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection, models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionName, Jurisdiction
from networks.models import Meeting, Memorandum, Network

# Full-text configuration on PostgreSQL: English stemming suits our English names.
TS_CONFIG = "english"


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    detail: str
    rank: float


@dataclass
class HitGroup:
    kind: str
    label: str
    hits: list[Hit]
    has_more: bool
    more_url: str
    api_url: str

    @property
    def best_rank(self) -> float:
        return max((hit.rank for hit in self.hits), default=0.0)


@dataclass
class RecordType:
    """How to search one model: its fields by weight, and how to show a hit."""

    kind: str
    label: str  # plural, for the group heading
    kind_label: str  # singular, shown on each hit
    queryset: Callable[[], models.QuerySet]
    name_fields: list[str]  # weight A: exact or prefix matches rank first
    text_fields: list[str] = field(default_factory=list)  # weight C
    list_url_name: str = ""
    extra: Callable[[str], models.Q] | None = None  # further matches (other names)
    title: Callable[[models.Model], str] = str
    detail: Callable[[models.Model], str] = lambda obj: ""


def institution_detail(institution: Institution) -> str:
    parts = [institution.get_branch_display()]
    if institution.jurisdiction:
        parts.append(institution.jurisdiction.name)
    return " · ".join(str(p) for p in parts)


def network_detail(network: Network) -> str:
    return " · ".join(
        str(p)
        for p in (
            network.get_dimension_display(),
            network.get_sector_display(),
            network.get_reach_display(),
        )
    )


def memorandum_detail(memorandum: Memorandum) -> str:
    parts = [str(memorandum.get_kind_display())]
    if memorandum.signed_on:
        parts.append(str(_("signed %(date)s") % {"date": memorandum.signed_display}))
    if memorandum.network:
        # Its full name with its acronym: an acronym alone may name several bodies (#18).
        parts.append(str(memorandum.network))
    return " · ".join(parts)


def meeting_detail(meeting: Meeting) -> str:
    parts = [str(meeting.network), meeting.start_date.isoformat()]
    if meeting.city:
        parts.append(meeting.city)
    return " · ".join(parts)


def other_names_match(query: str) -> models.Q:
    return models.Q(
        pk__in=InstitutionName.objects.filter(name__icontains=query).values("institution")
    )


RECORD_TYPES = [
    RecordType(
        kind="network",
        label=_("Networks"),
        kind_label=_("Network"),
        queryset=lambda: Network.objects.all(),
        name_fields=["name", "acronym"],
        text_fields=["issue_area", "description"],
        list_url_name="networks:network-list",
        detail=network_detail,
    ),
    RecordType(
        kind="institution",
        label=_("Institutions"),
        kind_label=_("Institution"),
        queryset=lambda: Institution.objects.select_related("jurisdiction"),
        name_fields=["name", "acronym"],
        text_fields=["description"],
        list_url_name="networks:institution-list",
        extra=other_names_match,
        detail=institution_detail,
    ),
    RecordType(
        kind="jurisdiction",
        label=_("Jurisdictions"),
        kind_label=_("Jurisdiction"),
        queryset=lambda: Jurisdiction.objects.all(),
        name_fields=["name", "code"],
        list_url_name="institutions:jurisdiction-list",
        detail=lambda j: str(j.get_kind_display()),
    ),
    RecordType(
        kind="memorandum",
        label=_("Memoranda of understanding"),
        kind_label=_("Memorandum"),
        queryset=lambda: Memorandum.objects.select_related("network"),
        name_fields=["title", "short_title"],
        text_fields=["subject", "description"],
        list_url_name="networks:memorandum-list",
        detail=memorandum_detail,
    ),
    RecordType(
        kind="meeting",
        label=_("Meetings"),
        kind_label=_("Meeting"),
        queryset=lambda: Meeting.objects.select_related("network"),
        name_fields=["title"],
        text_fields=["city", "description"],
        list_url_name="networks:meeting-list",
        detail=meeting_detail,
    ),
]


def exact_bonus(record_type: RecordType, query: str) -> models.Case:
    """Exact name or acronym first, then names starting with the query, then the rest."""
    exact = models.Q()
    prefix = models.Q()
    contains = models.Q()
    for name in record_type.name_fields:
        exact |= models.Q(**{f"{name}__iexact": query})
        prefix |= models.Q(**{f"{name}__istartswith": query})
        contains |= models.Q(**{f"{name}__icontains": query})
    return models.Case(
        models.When(exact, then=models.Value(3.0)),
        models.When(prefix, then=models.Value(2.0)),
        models.When(contains, then=models.Value(1.0)),
        default=models.Value(0.0),
        output_field=models.FloatField(),
    )


def postgres_queryset(record_type: RecordType, query: str) -> models.QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = None
    for weight, fields in (("A", record_type.name_fields), ("C", record_type.text_fields)):
        for name in fields:
            part = SearchVector(name, weight=weight, config=TS_CONFIG)
            vector = part if vector is None else vector + part
    search_query = SearchQuery(query, search_type="websearch", config=TS_CONFIG)
    fragment = models.Q()
    for name in record_type.name_fields:
        fragment |= models.Q(**{f"{name}__icontains": query})
    if record_type.extra:
        fragment |= record_type.extra(query)
    return (
        record_type.queryset()
        .annotate(document=vector)
        .filter(models.Q(document=search_query) | fragment)
        .annotate(
            rank=SearchRank(vector, search_query) + exact_bonus(record_type, query),
        )
    )


def fallback_queryset(record_type: RecordType, query: str) -> models.QuerySet:
    queryset = record_type.queryset()
    for word in query.split():
        condition = models.Q()
        for name in [*record_type.name_fields, *record_type.text_fields]:
            condition |= models.Q(**{f"{name}__icontains": word})
        if record_type.extra:
            condition |= record_type.extra(word)
        queryset = queryset.filter(condition)
    return queryset.annotate(rank=exact_bonus(record_type, query))


def search(query: str, *, limit: int = 8) -> list[HitGroup]:
    """Hits for `query`, grouped by record type, best group first; one query per type."""
    query = " ".join(query.split())[:200]
    if not query:
        return []
    build = postgres_queryset if connection.vendor == "postgresql" else fallback_queryset
    groups = []
    for record_type in RECORD_TYPES:
        order = ["-rank", *record_type.name_fields[:1]]
        rows = list(build(record_type, query).order_by(*order)[: limit + 1])
        if not rows:
            continue
        hits = [
            Hit(
                kind=record_type.kind,
                kind_label=str(record_type.kind_label),
                title=record_type.title(row),
                url=row.get_absolute_url(),
                detail=record_type.detail(row),
                rank=float(row.rank),
            )
            for row in rows[:limit]
        ]
        query_string = urlencode({"search": query})
        groups.append(
            HitGroup(
                kind=record_type.kind,
                label=str(record_type.label),
                hits=hits,
                has_more=len(rows) > limit,
                more_url=f"{reverse(record_type.list_url_name)}?{query_string}",
                api_url=f"{reverse(f'api:{record_type.kind}-list')}?{query_string}",
            )
        )
    # The group with the best hit first; ties keep the order above.
    groups.sort(key=lambda group: -group.best_rank)
    return groups
