"""Atom feeds of membership events: who joined, who left and whose role changed, for one
network, one institution, the institutions of one jurisdiction, or any filtered list of
networks (the networks list's own filters).

Events, not saves. An entry is a fact about a network on the date it happened ("… joined
the Basel Committee", dated 2004-01-01 and said "2004" when the source gives only the
year), so a curator correcting a typo adds nothing here. Two kinds of entry are dated by
Lattice instead, because there is no other date: a membership whose start is unknown is
one entry, "recorded as a member, since an unknown date", dated when it was recorded;
and a change of role is dated when the change was recorded, from the membership's
history (a history row whose role differs from the row before it).

Each feed is a fixed number of queries whatever the size of the network: the newest
FEED_LENGTH events of each kind are read with one query per kind and merged.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from institutions.models import Institution, Jurisdiction
from networks.filters import NetworkFilterSet
from networks.models import Membership, Network, Role
from web.refusals import refused_fields

FEED_LENGTH = 50


@dataclass(frozen=True)
class Event:
    kind: str  # joined, left, recorded or role
    membership: Membership
    when: datetime.datetime  # the entry's date: the event's, or when Lattice recorded it
    key: str  # unique within the membership's events

    @property
    def title(self) -> str:
        m = self.membership
        role = m.get_role_display().lower()
        names = {"member": m.member, "network": m.network, "role": role}
        if self.kind == "joined":
            if m.role == Role.MEMBER:
                return _("%(member)s joined %(network)s") % names
            return _("%(member)s joined %(network)s as %(role)s") % names
        if self.kind == "left":
            return _("%(member)s left %(network)s") % names
        if self.kind == "role":
            return _("%(member)s changed role in %(network)s: now %(role)s") % names
        return _("%(member)s is recorded as %(role)s of %(network)s, since an unknown date") % (
            names
        )

    @property
    def date_display(self) -> str:
        """The event's date at its source's precision ("2004"), or the day it was recorded."""
        if self.kind == "joined":
            return self.membership.start_display
        if self.kind == "left":
            return self.membership.end_display
        return str(self.when.date())

    @property
    def description(self) -> str:
        m = self.membership
        if self.kind == "joined":
            parts = [_("Since %(date)s.") % {"date": m.start_display}]
        elif self.kind == "left":
            parts = [_("Until %(date)s.") % {"date": m.end_display}]
            if m.end_reason:
                parts.append(m.get_end_reason_display() + ".")
        elif self.kind == "role":
            parts = [_("Role changed; recorded on %(date)s.") % {"date": self.when.date()}]
        else:
            parts = [
                _("When it joined is not known; recorded on %(date)s.") % {"date": self.when.date()}
            ]
        sources = list(m.sources.all())
        if sources:
            parts.append(_("Source: %(url)s") % {"url": sources[0].url})
        return " ".join(parts)


def _midnight(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)


def membership_events(
    scope: QuerySet,
    *,
    limit: int = FEED_LENGTH,
    until: datetime.date | None = None,
    undated: bool = True,
    sources: bool = True,
) -> list[Event]:
    """The newest `limit` events of the memberships in `scope`, newest first. With
    `until`, only joins and departures on or before that day (not those announced for
    later); without `undated`, no "recorded, since an unknown date" entries; without
    `sources`, the sources are not loaded (the description, which cites one, is unused)."""
    loaded = scope.select_related("network", "member_institution", "member_network")
    if sources:
        loaded = loaded.prefetch_related("sources")
    events: list[Event] = []
    for m in loaded.joins(until).order_by("-start_date", "-pk")[:limit]:
        events.append(Event("joined", m, _midnight(m.start_date), "joined"))
    for m in loaded.departures(until).order_by("-end_date", "-pk")[:limit]:
        events.append(Event("left", m, _midnight(m.end_date), "left"))
    if undated:
        for m in loaded.start_unknown().order_by("-created_at", "-pk")[:limit]:
            events.append(Event("recorded", m, m.created_at, "recorded"))
    changes = role_changes(scope, limit)
    if changes:
        by_pk = {m.pk: m for m in loaded.filter(pk__in={pk for pk, _, _ in changes})}
        events += [
            Event("role", by_pk[pk], when, f"role-{history_id}")
            for pk, history_id, when in changes
            if pk in by_pk
        ]
    events.sort(key=lambda event: (event.when, event.membership.pk, event.key), reverse=True)
    return events[:limit]


def role_changes(scope: QuerySet, limit: int) -> list[tuple[int, int, datetime.datetime]]:
    """(membership pk, history row, when) of the newest recorded changes of role."""
    history = Membership.history.model.objects.filter(id__in=scope.values("pk"))
    rows = history.annotate(
        previous_role=Window(Lag("role"), partition_by=[F("id")], order_by=F("history_date").asc())
    ).filter(~Q(previous_role=F("role")), previous_role__isnull=False, history_type="~")
    return list(
        rows.order_by("-history_date").values_list("id", "history_id", "history_date")[:FEED_LENGTH]
    )


class MembershipEventsFeed(Feed):
    """The events of one record's memberships; subclasses name the record and its scope."""

    feed_type = Atom1Feed
    author_name = "Lattice"

    def items(self, obj) -> list[Event]:
        return membership_events(self.scope(obj))

    def scope(self, obj) -> QuerySet:
        raise NotImplementedError

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def title(self, obj) -> str:
        return _("Lattice: who joins and leaves, %(name)s") % {"name": obj}

    def subtitle(self, obj) -> str:
        return _(
            "Members joining and leaving, and changes of role, as recorded in Lattice, "
            "the directory of transgovernmental networks."
        )

    def item_title(self, item: Event) -> str:
        return item.title

    def item_description(self, item: Event) -> str:
        return item.description

    def item_link(self, item: Event) -> str:
        return item.membership.network.get_absolute_url()

    def item_guid(self, item: Event) -> str:
        return f"tag:lattice,2026:membership-{item.membership.pk}-{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Event) -> datetime.datetime:
        return item.when

    def item_updateddate(self, item: Event) -> datetime.datetime:
        return item.when


class NetworkEventsFeed(MembershipEventsFeed):
    def get_object(self, request, slug: str) -> Network:
        return get_object_or_404(Network, slug=slug)

    def scope(self, obj: Network) -> QuerySet:
        return Membership.objects.filter(network=obj)


class InstitutionEventsFeed(MembershipEventsFeed):
    def get_object(self, request, slug: str) -> Institution:
        return get_object_or_404(Institution, slug=slug)

    def scope(self, obj: Institution) -> QuerySet:
        return Membership.objects.filter(member_institution=obj)


class JurisdictionEventsFeed(MembershipEventsFeed):
    def get_object(self, request, slug: str) -> Jurisdiction:
        return get_object_or_404(Jurisdiction, slug=slug)

    def scope(self, obj: Jurisdiction) -> QuerySet:
        # As the jurisdiction page counts them: its own institutions.
        return Membership.objects.filter(member_institution__jurisdiction=obj)


@dataclass(frozen=True)
class NetworkSelection:
    networks: QuerySet
    query: str

    def __str__(self) -> str:
        return _("the networks selected")


class NetworkListEventsFeed(MembershipEventsFeed):
    """The events of every network the networks list's filters select (`?dimension=…`)."""

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        filterset = self.filterset(request)
        if filterset.is_bound and not filterset.is_valid():
            return refused_fields(filterset.errors)
        return super().__call__(request, *args, **kwargs)

    @staticmethod
    def filterset(request: HttpRequest) -> NetworkFilterSet:
        return NetworkFilterSet(request.GET or None, queryset=Network.objects.all())

    def get_object(self, request) -> NetworkSelection:
        # Feed views are shared by every request: what a request selected travels in the
        # object, never on self.
        return NetworkSelection(self.filterset(request).qs, request.GET.urlencode())

    def title(self, obj: NetworkSelection) -> str:
        return _("Lattice: who joins and leaves the networks")

    def link(self, obj: NetworkSelection) -> str:
        return reverse("networks:network-list") + (f"?{obj.query}" if obj.query else "")

    def scope(self, obj: NetworkSelection) -> QuerySet:
        return Membership.objects.filter(network__in=obj.networks.order_by().values("pk"))
