"""Institution and jurisdiction pages: the disaggregated state.

`institutions` never imports `networks` (the dependency runs the other way), so these
views reach memberships, signatures and meeting participations through the reverse
relations, and the Membership model through the relation's `related_model`.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from django import forms
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from institutions.filters import JurisdictionFilterSet
from institutions.models import Branch, Institution, InstitutionSuccession, Jurisdiction
from links.pages import link_checks
from networks.models import Membership
from sources.forms import AsOfField
from sources.models import Lineage
from web.citations import citation_context
from web.freshness import freshness
from web.roles import roles_text


def membership_model() -> type[models.Model]:
    return Institution._meta.get_field("memberships").related_model


def memberships_with_status(queryset: models.QuerySet) -> models.QuerySet:
    """Memberships marked `held_now` (held today), with their network and sources."""
    return (
        queryset.with_held_now()
        .select_related("network")
        .prefetch_related("sources")
        .order_by("network__name", "start_date")
    )


class LineageDateForm(forms.Form):
    """The date a page's lineage box is read on (`as_of`): which body existed then."""

    as_of = AsOfField()


def add_lineage(context: dict, record, successions, on: datetime.date | None, absolute) -> None:
    """Put in a detail page's context its `lineage` (templates/includes/lineage.html) and
    `lineage_on`, what it says of the date `on` (when given), and add the lineage to the
    page's JSON-LD."""
    lineage = Lineage(record, successions)
    context["lineage"] = lineage
    context["lineage_on"] = lineage.on(on) if on and lineage else None
    context["json_ld"] = {**context["json_ld"], **lineage.json_ld(absolute)}


class PublicDetailMixin:
    """A public record page: canonical lower-case slug, and a link to its API twin.

    A mixed-case address (/networks/BCBS/) redirects to the canonical one (/networks/bcbs/).
    """

    api_url_name = ""
    # Its Atom feed of membership events (web/feeds.py), linked in the page's head.
    feed_url_name = ""

    def get(self, request, *args, **kwargs):
        slug = kwargs.get("slug", "")
        if slug != slug.lower():
            return redirect(request.resolver_match.view_name, slug=slug.lower(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["api_url"] = reverse(self.api_url_name, kwargs={"slug": self.object.slug})
        if self.feed_url_name:
            context["feed_url"] = reverse(self.feed_url_name, kwargs={"slug": self.object.slug})
        context["cite"] = citation_context(self.request, self.object)
        return context


class InstitutionDetailView(PublicDetailMixin, DetailView):
    """An institution: its networks over time, memoranda, meetings, relatives, identifiers."""

    api_url_name = "api:institution-detail"
    feed_url_name = "institutions:institution-feed"
    queryset = Institution.objects.select_related("jurisdiction", "parent").prefetch_related(
        "sources", "other_names", "identifiers", "children", "hosted_networks"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        memberships = list(memberships_with_status(institution.memberships.all()))
        signatures = list(
            institution.signatures.select_related("memorandum__network").order_by(
                models.F("signed_on").asc(nulls_last=True), "memorandum__title"
            )
        )
        participations = list(
            institution.meeting_participations.select_related("meeting__network").order_by(
                "-meeting__start_date"
            )
        )
        context.update(
            memberships=memberships,
            current_memberships=[m for m in memberships if m.held_now],
            current_roles=roles_text((m.role for m in memberships if m.held_now), held=True),
            past_memberships=[m for m in memberships if not m.held_now],
            signatures=signatures,
            participations=participations,
            hosted_meetings=institution.hosted_meetings.select_related("network").order_by(
                "-start_date"
            ),
            freshness=freshness(
                institution, Membership.history.filter(member_institution_id=institution.pk)
            ),
            json_ld=institution.json_ld(
                self.request.build_absolute_uri, [m.network for m in memberships if m.held_now]
            ),
            # The website, its sources and its memberships' sources, in one query.
            link_checks=link_checks(
                [
                    institution,
                    *institution.sources.all(),
                    *(source for m in memberships for source in m.sources.all()),
                ]
            ),
        )
        form = LineageDateForm(self.request.GET or None)
        on = form.cleaned_data["as_of"] if form.is_valid() else None
        lineage = InstitutionSuccession.objects.lineage_of(institution)
        add_lineage(context, institution, lineage, on, self.request.build_absolute_uri)
        context["lineage_form_action"] = institution.get_absolute_url()
        return context


class JurisdictionListView(ListView):
    """Every jurisdiction, by UN region, with its number of institutions."""

    template_name = "institutions/jurisdiction_list.html"

    def get_queryset(self):
        self.filterset = JurisdictionFilterSet(
            self.request.GET or None,
            queryset=Jurisdiction.objects.annotate(institution_count=models.Count("institutions")),
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Jurisdiction.objects.none()
        # By region, jurisdictions outside the UN regions (the EU) last.
        return self.filterset.qs.order_by(
            models.Case(models.When(region="", then=1), default=0), "region", "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        # Jurisdictions only referenced (a meeting's venue) are counted, not listed.
        rows = list(context["object_list"])
        context["jurisdictions"] = [j for j in rows if j.institution_count]
        context["without_institutions"] = len(rows) - len(context["jurisdictions"])
        request = self.request
        context["json_ld"] = {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": str(_("Countries and other jurisdictions")),
            "url": request.build_absolute_uri(request.get_full_path()),
            "mainEntity": {
                "@type": "ItemList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": i,
                        "name": jurisdiction.name,
                        "url": request.build_absolute_uri(jurisdiction.get_absolute_url()),
                    }
                    for i, jurisdiction in enumerate(context["jurisdictions"], start=1)
                ],
            },
        }
        query = self.request.GET.urlencode()
        context["api_url"] = reverse("api:jurisdiction-list") + (f"?{query}" if query else "")
        form = self.filterset.form
        context["filter_errors"] = [
            (str(form.fields[name].label) if name in form.fields else "", list(messages))
            for name, messages in (self.filterset.errors if self.filterset.is_bound else {}).items()
        ]
        return context


@dataclass
class BranchEntry:
    """One branch in the jurisdiction's table of contents: its size and where it starts."""

    value: str
    label: str
    count: int
    start: int  # offset of its first institution in the whole, paginated list
    page: int


def count_in(rows: models.QuerySet, per: str, counted: Count) -> Coalesce:
    """`counted` over `rows` as a correlated subquery, `rows` being filtered on an
    OuterRef through `per`: 0 when there are none."""
    counts = rows.order_by().values(per).annotate(n=counted).values("n")
    return Coalesce(Subquery(counts), 0)


def with_total(rows: models.QuerySet, per: str) -> models.QuerySet:
    """`rows` each marked with `total`, the number of rows of the same `per`, counted
    before a sliced Prefetch keeps the first few (in the same window pass)."""
    return rows.annotate(total=Window(Count("pk"), partition_by=F(per)))


def not_shown(shown: list) -> int:
    """How many rows of a list cut by `with_total` were left out."""
    return shown[0].total - len(shown) if shown else 0


class JurisdictionDetailView(PublicDetailMixin, DetailView):
    """A jurisdiction taken apart: its institutions by branch, fifty to a page, each with
    its networks, memoranda and meetings (the first few) and the source of every
    membership shown. The header's counts are over the whole jurisdiction."""

    api_url_name = "api:jurisdiction-detail"
    feed_url_name = "institutions:jurisdiction-feed"
    paginate_by = 50
    # Per institution; the rest are one click away, on the institution's own page.
    membership_limit = 10
    signature_limit = 5
    participation_limit = 5

    def get_queryset(self):
        Membership = membership_model()
        Signatory = Institution._meta.get_field("signatures").related_model
        jurisdiction = OuterRef("pk")
        # One query for the jurisdiction and every count the page shows about it: the
        # institutions of each branch (which also give the paginator its count), the
        # networks its institutions are in today and the memoranda they signed. Each is
        # a subquery: a join and GROUP BY here would run them once per institution.
        return (
            Jurisdiction.objects.select_related("parent")
            .prefetch_related("subdivisions")
            .annotate(
                network_count=count_in(
                    Membership.objects.current().filter(
                        member_institution__jurisdiction=jurisdiction
                    ),
                    "member_institution__jurisdiction",
                    Count("network", distinct=True),
                ),
                memorandum_count=count_in(
                    Signatory.objects.filter(institution__jurisdiction=jurisdiction),
                    "institution__jurisdiction",
                    Count("memorandum", distinct=True),
                ),
                **{
                    f"{value}_count": count_in(
                        Institution.objects.filter(jurisdiction=jurisdiction, branch=value),
                        "jurisdiction",
                        Count("pk"),
                    )
                    for value in Branch.values
                },
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jurisdiction = self.object
        toc = self.branches()
        paginator = Paginator(self.institutions(), self.paginate_by)
        paginator.count = sum(entry.count for entry in toc)  # known: no COUNT query
        page = self.page(paginator)
        institutions = list(page.object_list)
        for institution in institutions:
            institution.more_memberships = not_shown(institution.membership_list)
            institution.more_signatures = not_shown(institution.signature_list)
            institution.more_participations = not_shown(institution.participation_list)
        starts = {entry.value: entry.start for entry in toc}
        context.update(
            institutions=institutions,
            sections=[
                {
                    "value": value,
                    "label": Branch(value).label,
                    "institutions": list(rows),
                    # The branch began on an earlier page.
                    "continued": starts.get(value, page.start_index()) < page.start_index() - 1,
                }
                for value, rows in groupby(institutions, key=attrgetter("branch"))
            ],
            branches=toc,
            page_obj=page,
            paginator=paginator,
            paginated=page.has_other_pages(),
            institution_count=paginator.count,
            network_count=jurisdiction.network_count,
            memorandum_count=jurisdiction.memorandum_count,
            json_ld=jurisdiction.json_ld(self.request.build_absolute_uri, institutions),
            # The shown memberships' sources, the page's only outside links: one query.
            link_checks=link_checks(
                source
                for i in institutions
                for m in i.membership_list
                for source in m.sources.all()
            ),
        )
        return context

    def branches(self) -> list[BranchEntry]:
        """The branches with institutions, in the list's order, and the page each starts on."""
        entries, start = [], 0
        # The list is ordered by the stored value (the database sorts these lowercase
        # ASCII words the same way as Python does), not by the choices' order.
        for value in sorted(Branch.values):
            count = getattr(self.object, f"{value}_count")
            if count:
                page = start // self.paginate_by + 1
                entries.append(BranchEntry(value, str(Branch(value).label), count, start, page))
                start += count
        return entries

    def institutions(self) -> models.QuerySet:
        """The jurisdiction's institutions by branch, each with the first few of its
        memberships (current ones first), signatures and meetings (latest first)."""
        Membership = membership_model()
        Signatory = Institution._meta.get_field("signatures").related_model
        Participant = Institution._meta.get_field("meeting_participations").related_model
        memberships = memberships_with_status(Membership.objects.all()).order_by(
            "-held_now", "network__name", "start_date", "pk"
        )
        signatures = Signatory.objects.select_related("memorandum").order_by(
            F("signed_on").desc(nulls_last=True), "memorandum__title", "pk"
        )
        participations = Participant.objects.select_related("meeting").order_by(
            "-meeting__start_date", "pk"
        )
        # A sliced Prefetch is one query whatever the page holds: Django numbers each
        # institution's rows with a window function and keeps the first few.
        return self.object.institutions.order_by("branch", "name", "pk").prefetch_related(
            Prefetch(
                "memberships",
                queryset=with_total(memberships, "member_institution")[: self.membership_limit],
                to_attr="membership_list",
            ),
            Prefetch(
                "signatures",
                queryset=with_total(signatures, "institution")[: self.signature_limit],
                to_attr="signature_list",
            ),
            Prefetch(
                "meeting_participations",
                queryset=with_total(participations, "institution")[: self.participation_limit],
                to_attr="participation_list",
            ),
        )

    def page(self, paginator: Paginator) -> Page:
        """The requested page, as ListView finds it: ?page=N or ?page=last, else 404."""
        number = self.request.GET.get("page") or 1
        if number == "last":
            number = paginator.num_pages
        try:
            return paginator.page(number)
        except InvalidPage as error:
            raise Http404(
                _("Invalid page (%(page_number)s): %(message)s")
                % {"page_number": number, "message": str(error)}
            ) from error
