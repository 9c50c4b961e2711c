"""The public website: home, lists with facets, detail pages, search, sitemap, robots.txt.

Views stay thin. Lists instantiate the shared FilterSets (the API uses the same ones, so
a list's query string works on its API twin too); questions about dates are QuerySet
methods on the models. Every page runs a fixed number of queries whatever the number of
rows, pinned in networks/tests/.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.db.models.functions import Coalesce
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from institutions.models import Branch, Institution, Jurisdiction, Level
from institutions.names import UnknownJurisdiction, resolve_jurisdictions
from institutions.regions import Region
from links.pages import link_checks
from networks.filters import (
    InstitutionFilterSet,
    MeetingFilterSet,
    MemorandumFilterSet,
    NetworkFilterSet,
)
from networks.models import (
    Dimension,
    Function,
    ListStatus,
    Meeting,
    MeetingKind,
    MeetingParticipant,
    Membership,
    Memorandum,
    MemorandumKind,
    Network,
    NetworkSuccession,
    Origin,
    Reach,
    Role,
    Sector,
    Signatory,
)
from sources.forms import AS_OF_EARLIEST, as_of_latest
from web import search as site_search
from web.calendars import calendar_links
from web.citations import citation_context
from web.downloads import members_on
from web.feeds import membership_events
from web.freshness import freshness
from web.institutions import PublicDetailMixin, add_lineage
from web.refusals import AsOfForm
from web.roles import roles_text

# --- Shared pieces --------------------------------------------------------------------


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


# --- Facets -----------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    input_id: str
    # The value in the address that selected it, when it is not `value` itself
    # (`?jurisdiction=DE` selects "Germany"): the one its chip's link must take away.
    query_value: str = ""


@dataclass
class Facet:
    """One filter of a list shown with the number of rows each of its values would give."""

    name: str
    label: str
    options: list[FacetOption]
    # "checkbox" (any of several), "radio" (one), "select" (one, long list) or
    # "datalist" (one, typed, with the options suggested)
    widget: str

    @property
    def any_selected(self) -> bool:
        return any(option.selected for option in self.options)


# A counter takes the list's queryset, filtered by every other facet, and its FilterSet,
# and returns {value: count} (or {value: (label, count)} when the facet has no fixed
# choices). It runs one aggregate query.
Counter = Callable[[models.QuerySet, object], dict]


@dataclass
class FacetSpec:
    name: str
    label: str
    count: Counter
    choices: Sequence[tuple[str, str]] | None = None
    widget: str = "checkbox"
    # For a facet whose values are names typed in many ways (a code, any case): the
    # option value each value given in the address stands for.
    canonical: Callable[[list[str]], dict[str, str]] | None = None


def count_by(field: str) -> Counter:
    """Rows per value of `field`."""

    def count(queryset, filterset):
        rows = queryset.order_by().values_list(field).annotate(n=models.Count("pk"))
        return {value: n for value, n in rows if value is not None}

    return count


def count_flags(conditions: dict[str, models.Q]) -> Counter:
    """Rows matching each condition, in one aggregate query."""

    def count(queryset, filterset):
        totals = queryset.order_by().aggregate(
            **{f"c_{i}": models.Count("pk", filter=q) for i, q in enumerate(conditions.values())}
        )
        return {value: totals[f"c_{i}"] for i, value in enumerate(conditions)}

    return count


def count_members(field: str) -> Counter:
    """Networks with at least one member (on the list's `as_of`) per value of its `field`."""

    def count(queryset, filterset):
        rows = (
            Membership.objects.as_of(filterset.on)
            .filter(network__in=queryset.order_by().values("pk"))
            .order_by()
            .values_list(f"member_institution__{field}")
            .annotate(n=models.Count("network", distinct=True))
        )
        return {value: n for value, n in rows if value}

    return count


def network_label(name: str, acronym: str) -> str:
    """A network as a list names it: its full name with its acronym, never the acronym
    alone ("FTC" is NAFTA's, USMCA's and the US Federal Trade Commission) (#18)."""
    return f"{name} ({acronym})" if acronym else name


def count_networks(field: str = "network") -> Counter:
    """Rows per network, labelled with the network's full name and acronym."""

    def count(queryset, filterset):
        rows = (
            queryset.order_by()
            .filter(**{f"{field}__isnull": False})
            .values_list(f"{field}__slug", f"{field}__acronym", f"{field}__name")
            .annotate(n=models.Count("pk"))
            .order_by(f"{field}__name")
        )
        return {slug: (network_label(name, acronym), n) for slug, acronym, name, n in rows}

    return count


def count_jurisdictions(queryset, filterset) -> dict:
    """Institutions per jurisdiction, keyed and labelled by its name (what the country
    box shows and sends; its code works as well)."""
    rows = (
        queryset.order_by()
        .filter(jurisdiction__isnull=False)
        .values_list("jurisdiction__name")
        .annotate(n=models.Count("pk"))
        .order_by("jurisdiction__name")
    )
    return {name: (name, n) for name, n in rows}


def jurisdiction_option_names(values: list[str]) -> dict[str, str]:
    """The jurisdiction facet's option (a name) for each value given: links made before
    the facet took names say `?jurisdiction=DE`, and filter by it, so they show its chip
    too. A value that names none has no option (the form reports it)."""
    try:
        found = resolve_jurisdictions(values)
    except UnknownJurisdiction:
        return {}
    return {value: found[value.strip()].name for value in values if value.strip() in found}


def count_held_networks(queryset, filterset) -> dict:
    """Institutions per network they are in on the list's `as_of` date, in any role."""
    rows = (
        Membership.objects.as_of(filterset.on)
        .filter(member_institution__in=queryset.order_by().values("pk"))
        .order_by()
        .values_list("network__slug", "network__acronym", "network__name")
        .annotate(n=models.Count("member_institution", distinct=True))
        .order_by("network__name")
    )
    return {slug: (network_label(name, acronym), n) for slug, acronym, name, n in rows}


def build_facets(
    filterset_class, data: QueryDict, queryset: models.QuerySet, specs: Sequence[FacetSpec]
) -> list[Facet]:
    """Each facet counts the rows that the other facets' current values leave."""
    facets = []
    for spec in specs:
        others = data.copy()
        others.pop(spec.name, None)
        others.pop("page", None)
        filterset = filterset_class(others, queryset=queryset)
        counts = spec.count(filterset.qs, filterset)
        given = data.getlist(spec.name)
        # Option value -> the value given for it ("Germany" -> "DE").
        canonical = spec.canonical(given) if spec.canonical else {}
        selected = {canonical.get(value, value): value for value in given}
        if spec.choices is None:
            labelled = [(value, label, n) for value, (label, n) in counts.items()]
        else:
            labelled = [(value, label, counts.get(value, 0)) for value, label in spec.choices]
        options = [
            FacetOption(
                value=value,
                label=str(label),
                count=n,
                selected=value in selected,
                input_id=f"facet-{spec.name}-{value}",
                query_value=selected.get(value, ""),
            )
            for value, label, n in labelled
            # Values no row has are noise, unless the visitor chose one.
            if n or value in selected
        ]
        facets.append(Facet(spec.name, str(spec.label), options, spec.widget))
    return facets


def filter_errors(filterset) -> list[tuple[str, list[str]]]:
    """A FilterSet's form errors as (field label, messages), for the list pages."""
    if not filterset.is_bound:
        return []
    fields = filterset.form.fields
    return [
        (str(fields[name].label) if name in fields else "", list(messages))
        for name, messages in filterset.errors.items()
    ]


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


class FacetedListView(ListView):
    """A list filtered by a shared FilterSet, with facet counts and shareable URLs.

    Invalid filter values never raise: the form errors are shown and the list is empty.
    """

    filterset_class: type = None
    title = ""
    facet_specs: Sequence[FacetSpec] = ()
    paginate_by = 25
    api_list_url_name = ""
    # Filters that are not facets but may arrive in links (`?member=us-sec`); they are
    # shown as removable and carried along as hidden fields.
    extra_filters: Sequence[str] = ()

    def get_base_queryset(self) -> models.QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        data = self.request.GET
        self.filterset = self.filterset_class(data or None, queryset=self.get_base_queryset())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def valid_data(self) -> QueryDict:
        data = self.request.GET.copy()
        for name in self.filterset.errors if self.filterset.is_bound else ():
            data.pop(name, None)
        return data

    def active_filters(self, facets: list[Facet]) -> list[ActiveFilter]:
        data = self.request.GET
        active = []

        def without(name: str, value: str) -> str:
            query = data.copy()
            kept = [v for v in query.getlist(name) if v != value]
            if kept:
                query.setlist(name, kept)
            else:  # an empty list would still count, and the link would be a bare "?"
                query.pop(name, None)
            query.pop("page", None)
            return f"?{query.urlencode()}" if query else self.request.path

        for facet in facets:
            for option in facet.options:
                if option.selected:
                    label = f"{facet.label}: {option.label}"
                    removed = option.query_value or option.value
                    active.append(ActiveFilter(label, without(facet.name, removed)))
        for name in ("search", *self.extra_filters):
            for value in data.getlist(name):
                if value:
                    label = f"{self.filterset.filters[name].label}: {value}"
                    active.append(ActiveFilter(label, without(name, value)))
        return active

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = build_facets(
            self.filterset_class, self.valid_data(), self.get_base_queryset(), self.facet_specs
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            facets=facets,
            active_filters=self.active_filters(facets),
            hidden_filters=[
                (name, value)
                for name in self.extra_filters
                for value in self.request.GET.getlist(name)
                if value
            ],
            search_value=self.request.GET.get("search", ""),
            api_url=reverse(self.api_list_url_name) + (f"?{query.urlencode()}" if query else ""),
            filter_errors=filter_errors(self.filterset),
            json_ld=self.json_ld(context),
        )
        return context

    def json_ld(self, context) -> dict:
        """The page of results as a schema.org ItemList (rows already fetched)."""
        request = self.request
        page = context.get("page_obj")
        first = page.start_index() if page else 1
        return {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": str(self.title),
            "url": absolute(request, request.get_full_path()),
            "mainEntity": {
                "@type": "ItemList",
                "numberOfItems": page.paginator.count if page else 0,
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": first + i,
                        "name": str(row),
                        "url": absolute(request, row.get_absolute_url()),
                    }
                    for i, row in enumerate(context["object_list"])
                ],
            },
        }


# --- Home -------------------------------------------------------------------------------


@dataclass
class EntryPoint:
    label: str
    description: str
    url: str
    count: int


def entry_condition(param: str, value: str) -> models.Q:
    """The networks an entry point leads to, as the networks list's filter selects them."""
    if param == "function":
        return Network.function_q(value)
    if param == "branch":
        held = Membership.objects.current().filter(
            network=models.OuterRef("pk"), member_institution__branch=value
        )
        return models.Q(models.Exists(held))
    return models.Q(**{param: value})


# The book's typology as ways in: (label, description, filter parameter, value).
ENTRY_POINTS = [
    (
        _("Vertical networks"),
        _("National officials with their supranational counterpart."),
        "dimension",
        Dimension.VERTICAL,
    ),
    (
        _("Horizontal networks"),
        _("Counterpart officials across borders."),
        "dimension",
        Dimension.HORIZONTAL,
    ),
    (
        _("Enforcement networks"),
        _("Cooperation to enforce national law across borders."),
        "function",
        Function.ENFORCEMENT,
    ),
    (
        _("Harmonisation networks"),
        _("Bringing rules to a common standard."),
        "function",
        Function.HARMONISATION,
    ),
    (
        _("Information networks"),
        _("Exchange of information and best practice."),
        "function",
        Function.INFORMATION,
    ),
    (_("Networks of regulators"), _("Agencies and supervisors."), "branch", Branch.REGULATOR),
    (
        _("Networks of central banks"),
        _("Central bank governors and their staff."),
        "branch",
        Branch.CENTRAL_BANK,
    ),
    (
        _("Networks of ministers"),
        _("Ministries and heads of government departments."),
        "branch",
        Branch.EXECUTIVE,
    ),
    (
        _("Networks of judges"),
        _("Courts that work with foreign and supranational courts."),
        "branch",
        Branch.JUDICIARY,
    ),
    (
        _("Networks of legislators"),
        _("Parliaments and their committees."),
        "branch",
        Branch.LEGISLATURE,
    ),
]


class HomeView(TemplateView):
    """What Lattice is, a search box, counts, the typology as ways in, recent changes."""

    template_name = "home.html"
    recent_per_kind = 6

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Memberships by role, in the one query their total took: observers are not
        # members (#18).
        by_role = dict(
            Membership.objects.order_by().values_list("role").annotate(n=models.Count("pk"))
        )
        context["counts"] = {
            "networks": Network.objects.count(),
            "institutions": Institution.objects.count(),
            "jurisdictions": Jurisdiction.objects.count(),
            "memberships": sum(by_role.values()),
        }
        context["membership_roles"] = roles_text(by_role)
        # One aggregate query for every entry point's count.
        totals = Network.objects.aggregate(
            **{
                f"e{i}": models.Count("pk", filter=entry_condition(param, value))
                for i, (_label, _description, param, value) in enumerate(ENTRY_POINTS)
            }
        )
        network_list = reverse("networks:network-list")
        context["entry_points"] = [
            EntryPoint(label, description, f"{network_list}?{param}={value}", totals[f"e{i}"])
            for i, (label, description, param, value) in enumerate(ENTRY_POINTS)
        ]
        context["recent"] = self.recently_changed()
        context["api_url"] = reverse("api:api-root")
        context["json_ld"] = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "Lattice",
            "url": absolute(self.request, "/"),
            "potentialAction": {
                "@type": "SearchAction",
                "target": absolute(self.request, reverse("networks:search")) + "?q={query}",
                "query-input": "required name=query",
            },
        }
        return context

    def recently_changed(self) -> list:
        """The latest joins, departures and changes of role in any network, dated by the
        events themselves (not by when the dataset was loaded): none announced for later,
        none whose date is unknown."""
        return membership_events(
            Membership.objects.all(),
            limit=self.recent_per_kind,
            until=timezone.localdate(),
            undated=False,
            sources=False,
        )


# --- Networks ---------------------------------------------------------------------------


class NetworkListView(FacetedListView):
    """Networks with typology facets, text search, sorting and pagination."""

    title = _("Networks")
    filterset_class = NetworkFilterSet
    api_list_url_name = "api:network-list"
    extra_filters = (
        "member",
        "host",
        "parent",
        "as_of",
        "founded_after",
        "founded_before",
        "wikidata",
        "lei",
    )
    template_name = "networks/network_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Members joining and leaving the networks these filters select (web/feeds.py).
        query = self.valid_data().copy()
        for name in ("page", "ordering"):
            query.pop(name, None)
        context["feed_url"] = reverse("networks:network-list-feed") + (
            f"?{query.urlencode()}" if query else ""
        )
        for network in context["network_list"]:
            network.roles = roles_text({r: getattr(network, f"role_{r}") for r in Role.values})
        return context

    @property
    def facet_specs(self):
        return [
            FacetSpec("dimension", _("Dimension"), count_by("dimension"), Dimension.choices),
            FacetSpec(
                "function",
                _("Function"),
                count_flags({f: Network.function_q(f) for f in Function.values}),
                Function.choices,
            ),
            FacetSpec("branch", _("Members' branch"), count_members("branch"), Branch.choices),
            FacetSpec("reach", _("Reach"), count_by("reach"), Reach.choices),
            FacetSpec("sector", _("Sector"), count_by("sector"), Sector.choices),
            FacetSpec("origin", _("Origin"), count_by("origin"), Origin.choices),
            FacetSpec(
                "list_status", _("Our list of members"), count_by("list_status"), ListStatus.choices
            ),
            FacetSpec(
                "region",
                _("Members' region"),
                count_members("jurisdiction__region"),
                Region.choices,
            ),
            FacetSpec(
                "active",
                _("Status"),
                count_flags({"true": Network.active_q(), "false": ~Network.active_q()}),
                [("true", _("Active")), ("false", _("Dissolved"))],
                widget="radio",
            ),
        ]

    def get_base_queryset(self):
        return Network.objects.select_related("list_source")

    def get_queryset(self):
        queryset = super().get_queryset()
        on = self.filterset.on if self.filterset.is_bound and self.filterset.is_valid() else None
        # Member counts on the list's `as_of` date; default order by name.
        queryset = queryset.with_member_counts(on)
        # And by role, in the same query: observers are not members (#18).
        then = Membership.as_of_q(on or timezone.localdate(), prefix="memberships__")
        queryset = queryset.annotate(
            **{
                f"role_{role}": models.Count(
                    "memberships", filter=then & models.Q(memberships__role=role), distinct=True
                )
                for role in Role.values
            }
        )
        queryset = queryset.with_list_counts()  # N of its completeness statement
        if not self.request.GET.get("ordering"):
            queryset = queryset.order_by("name")
        return queryset


class NetworkDetailView(PublicDetailMixin, DetailView):
    """A network: typology, accountability, members on any date and what changed since.

    Bounded whatever the network's size: the members table is paginated, the lists of
    changes and former members show the most recent ones, and every count on the page
    comes from one aggregate query over all the network's memberships.
    """

    api_url_name = "api:network-detail"
    feed_url_name = "networks:network-feed"
    queryset = (
        Network.objects.select_related("host", "parent", "list_source")
        .prefetch_related("sources")
        .with_list_counts()  # N of its completeness statement
    )
    past_meetings = 10
    members_per_page = 100
    # Joined / left since the chosen date and former members: the most recent ones.
    changes_shown = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        network = self.object
        today = timezone.localdate()
        form = AsOfForm(self.request.GET or None)
        on = (form.cleaned_data["as_of"] if form.is_valid() else None) or today
        then, now = Membership.as_of_q(on), Membership.as_of_q(today)
        possible = Membership.possible_on_q(on)
        ended = Membership.ended_q(today)
        counts = network.memberships.aggregate(
            members=models.Count("pk", filter=then),
            # Members on the date are confirmed or possible; the possible ones are known
            # only from sources dated later (from `possible_listed_from` to `…_until`).
            possible=models.Count("pk", filter=possible),
            possible_listed_from=models.Min(Membership.known_from_expression(), filter=possible),
            possible_listed_until=models.Max(Membership.known_from_expression(), filter=possible),
            jurisdictions=models.Count(
                "member_institution__jurisdiction", filter=then, distinct=True
            ),
            joined=models.Count("pk", filter=now & ~then),
            left=models.Count("pk", filter=then & ~now),
            former=models.Count("pk", filter=ended),
            # Those on the list on the date, by role: observers are not members (#18).
            **{
                f"role_{role}": models.Count("pk", filter=then & models.Q(role=role))
                for role in Role.values
            },
        )
        members = network.memberships.select_related(
            "member_institution__jurisdiction", "member_network"
        )
        # Confirmed members first, then the possible ones; by name within each.
        paginator = Paginator(members_on(network, on), self.members_per_page)
        # The aggregate above already counted them: spare the paginator its own query.
        paginator.count = counts["members"]
        page = paginator.get_page(self.request.GET.get("page"))
        shown = list(page.object_list)
        changed = on != today
        joined, left = [], []
        if changed:
            joined = list(
                members.filter(now & ~then).order_by("-start_date", "pk")[: self.changes_shown]
            )
            left = list(
                members.filter(then & ~now).order_by("-end_date", "pk")[: self.changes_shown]
            )
        former = list(
            members.ended(today)
            .annotate(
                ended_on=Coalesce(
                    "end_date",
                    "member_institution__dissolved_on",
                    "member_network__dissolved_on",
                    "network__dissolved_on",
                )
            )
            .prefetch_related("sources")
            # Latest first; one ended by a dissolution, with no end of its own, by that.
            .order_by(models.F("ended_on").desc(), "pk")[: self.changes_shown]
        )
        past = list(
            network.meetings.past().select_related("jurisdiction")[: self.past_meetings + 1]
        )
        # "This list in the API": the members shown, on the date shown (#17).
        api_members = reverse("api:network-members", kwargs={"slug": network.slug})
        context.update(
            api_url=api_members + (f"?as_of={on.isoformat()}" if changed else ""),
            download_query=f"?as_of={on.isoformat()}" if changed else "",
            cite=citation_context(self.request, network, on if changed else None),
            meeting_calendar=calendar_links(self.request, QueryDict(f"network={network.slug}")),
            form=form,
            as_of=on,
            as_of_is_today=not changed,
            as_of_earliest=AS_OF_EARLIEST,
            as_of_latest=as_of_latest(today),
            today=today,
            memberships=shown,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            member_count=counts["members"],
            member_roles=roles_text({r: counts[f"role_{r}"] for r in Role.values}),
            confirmed_count=counts["members"] - counts["possible"],
            possible_count=counts["possible"],
            possible_listed_from=counts["possible_listed_from"],
            possible_listed_until=counts["possible_listed_until"],
            member_jurisdiction_count=counts["jurisdictions"],
            joined=joined,
            joined_count=counts["joined"] if changed else 0,
            left=left,
            left_count=counts["left"] if changed else 0,
            former=former,
            former_count=counts["former"],
            changes_shown=self.changes_shown,
            function_labels=[Function(f).label for f in network.functions],
            memoranda=network.memoranda.annotate(signatory_count=models.Count("signatories")),
            upcoming_meetings=network.meetings.upcoming().select_related("jurisdiction"),
            past_meetings=past[: self.past_meetings],
            more_past_meetings=len(past) > self.past_meetings,
            children=network.children.all(),
            member_of=network.memberships_as_member.current().select_related("network"),
            freshness=freshness(network, Membership.history.filter(network_id=network.pk)),
            json_ld=network.json_ld(
                self.request.build_absolute_uri, [row for row in shown if row.held_now]
            ),
            # The website, the shown members' websites and every source shown: one query.
            link_checks=link_checks(
                [
                    network,
                    *network.sources.all(),
                    *(row.member for row in shown),
                    *(source for row in (*shown, *former) for source in row.sources.all()),
                ]
            ),
        )
        # Formerly / succeeded by, and on a past date which of them existed.
        lineage = NetworkSuccession.objects.lineage_of(network)
        add_lineage(
            context, network, lineage, None if on == today else on, self.request.build_absolute_uri
        )
        return context


# --- Institutions list (the FilterSet knows networks, so the view lives here) ----------------


class InstitutionListView(FacetedListView):
    """Institutions by branch, level, region and the network they belong to."""

    title = _("Institutions")
    filterset_class = InstitutionFilterSet
    api_list_url_name = "api:institution-list"
    extra_filters = ("parent", "subregion", "as_of", "wikidata", "lei")
    template_name = "institutions/institution_list.html"

    @property
    def facet_specs(self):
        active = Institution.active_q()
        return [
            # Country by name, with a list of names to pick from (#18).
            FacetSpec(
                "jurisdiction",
                _("Country or jurisdiction"),
                count_jurisdictions,
                None,
                "datalist",
                canonical=jurisdiction_option_names,
            ),
            FacetSpec("network", _("Network"), count_held_networks, None, "select"),
            FacetSpec("branch", _("Branch"), count_by("branch"), Branch.choices),
            FacetSpec("level", _("Level"), count_by("level"), Level.choices, widget="radio"),
            FacetSpec(
                "region", _("Region"), count_by("jurisdiction__region"), Region.choices, "radio"
            ),
            FacetSpec(
                "active",
                _("Status"),
                count_flags({"true": active, "false": ~active}),
                [("true", _("Active")), ("false", _("Dissolved"))],
                widget="radio",
            ),
        ]

    def get_base_queryset(self):
        return Institution.objects.select_related("jurisdiction")

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.GET.get("ordering"):
            queryset = queryset.order_by("name")
        return queryset


# --- Memoranda --------------------------------------------------------------------------


class MemorandumListView(FacetedListView):
    """Memoranda of understanding by kind, sector, administering network and status."""

    title = _("Memoranda of understanding")
    filterset_class = MemorandumFilterSet
    api_list_url_name = "api:memorandum-list"
    extra_filters = ("signatory", "signed_after", "signed_before")
    template_name = "networks/memorandum_list.html"

    @property
    def facet_specs(self):
        return [
            FacetSpec("kind", _("Kind"), count_by("kind"), MemorandumKind.choices, "radio"),
            FacetSpec("sector", _("Sector"), count_by("sector"), Sector.choices),
            FacetSpec("network", _("Administered by"), count_networks(), None, "select"),
            FacetSpec(
                "in_force",
                _("Status"),
                count_flags({"true": Memorandum.in_force_q(), "false": ~Memorandum.in_force_q()}),
                [("true", _("In force")), ("false", _("Terminated"))],
                widget="radio",
            ),
        ]

    def get_base_queryset(self):
        return Memorandum.objects.select_related("network", "list_source")

    def get_queryset(self):
        queryset = super().get_queryset().annotate(signatory_count=models.Count("signatories"))
        queryset = queryset.with_list_counts()  # N of its completeness statement
        if not self.request.GET.get("ordering"):
            queryset = queryset.order_by("title")
        return queryset


class MemorandumDetailView(PublicDetailMixin, DetailView):
    """A memorandum of understanding and its signatories, with dates, tiers and sources."""

    api_url_name = "api:memorandum-detail"
    queryset = (
        Memorandum.objects.select_related("network", "list_source")
        .prefetch_related("sources")
        .with_list_counts()
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memorandum, request = self.object, self.request
        signatories = list(
            memorandum.signatories.select_related("institution__jurisdiction")
            .prefetch_related("sources")
            .order_by(models.F("signed_on").asc(nulls_last=True), "institution__name")
        )
        context["signatories"] = signatories
        context["freshness"] = freshness(
            memorandum, Signatory.history.filter(memorandum_id=memorandum.pk)
        )
        context["link_checks"] = link_checks(
            [
                memorandum,
                *memorandum.sources.all(),
                *(source for s in signatories for source in s.sources.all()),
            ]
        )
        context["json_ld"] = memorandum.json_ld(request.build_absolute_uri, signatories)
        return context


# --- Meetings ---------------------------------------------------------------------------


class MeetingListView(FacetedListView):
    """Meetings of networks by kind, network and whether they are still to come."""

    title = _("Meetings")
    filterset_class = MeetingFilterSet
    api_list_url_name = "api:meeting-list"
    extra_filters = ("jurisdiction", "host", "participant", "starts_after", "starts_before")
    template_name = "networks/meeting_list.html"

    @property
    def facet_specs(self):
        upcoming = Meeting.upcoming_q()
        return [
            FacetSpec(
                "upcoming",
                _("When"),
                count_flags({"true": upcoming, "false": ~upcoming}),
                [("true", _("Upcoming")), ("false", _("Past"))],
                widget="radio",
            ),
            FacetSpec("kind", _("Kind"), count_by("kind"), MeetingKind.choices),
            FacetSpec("network", _("Network"), count_networks(), None, "select"),
        ]

    def get_base_queryset(self):
        return Meeting.objects.select_related("network", "jurisdiction")

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.GET.get("ordering"):
            queryset = queryset.order_by("-start_date", "title")
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["calendar"] = calendar_links(self.request, self.valid_data())
        return context


def by_month(meetings) -> list[dict]:
    """Meetings in their order, grouped by the month they start in."""
    months: list[dict] = []
    for meeting in meetings:
        month = meeting.start_date.replace(day=1)
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "meetings": []})
        months[-1]["meetings"].append(meeting)
    return months


class MeetingCalendarView(TemplateView):
    """Upcoming meetings month by month, and the latest ones held."""

    template_name = "networks/meeting_calendar.html"
    limit = 500
    recent = 5
    recent_when_none_to_come = 12

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = list(
            Meeting.objects.upcoming().select_related("network", "jurisdiction")[: self.limit]
        )
        context["months"] = by_month(meetings)
        # With nothing to come, the latest held lead the page, more of them (#18).
        recent = self.recent if meetings else self.recent_when_none_to_come
        context["recent_months"] = by_month(
            Meeting.objects.past().select_related("network", "jurisdiction")[:recent]
        )
        context["api_url"] = reverse("api:meeting-list") + "?upcoming=true"
        context["calendar"] = calendar_links(self.request, QueryDict("upcoming=true"))
        context["meeting_count"] = len(meetings)
        context["json_ld"] = {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": str(_("Upcoming meetings of government networks")),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": i,
                    "item": meeting.json_ld(self.request.build_absolute_uri, embedded=True),
                }
                for i, meeting in enumerate(meetings, start=1)
            ],
        }
        return context


class MeetingDetailView(PublicDetailMixin, DetailView):
    """A meeting of a network: when, where, who took part, what came out of it."""

    api_url_name = "api:meeting-detail"
    queryset = Meeting.objects.select_related(
        "network", "jurisdiction", "host__jurisdiction"
    ).prefetch_related("sources", "outcome_documents")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participants"] = self.object.participants.select_related(
            "institution__jurisdiction"
        ).order_by("role", "institution__name")
        context["is_upcoming"] = self.object.is_upcoming()
        context["freshness"] = freshness(
            self.object, MeetingParticipant.history.filter(meeting_id=self.object.pk)
        )
        # The records, the outcome documents and the sources (all prefetched): one query.
        context["link_checks"] = link_checks(
            [
                self.object,
                *self.object.outcome_documents.all(),
                *self.object.sources.all(),
            ]
        )
        context["json_ld"] = self.object.json_ld(self.request.build_absolute_uri)
        return context


# --- Search -----------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False, strip=True)


class SearchView(TemplateView):
    """Search across networks, institutions, jurisdictions, memoranda and meetings."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        groups = site_search.search(query) if query else []
        context.update(
            form=form,
            query=query,
            groups=groups,
            hit_count=sum(len(group.hits) for group in groups),
            json_ld={
                "@context": "https://schema.org",
                "@type": "SearchResultsPage",
                "name": str(_("Search Lattice")),
            },
        )
        return context


# --- robots.txt -------------------------------------------------------------------------


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"
