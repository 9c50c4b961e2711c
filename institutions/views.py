"""Institution and jurisdiction pages: the disaggregated state.

`institutions` never imports `networks` (the dependency runs the other way), so these
views reach memberships, signatures and meeting participations through the reverse
relations, and the Membership model through the relation's `related_model`.
"""

from django.db import models
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from links.pages import link_checks
from sources.partial_dates import iso_partial_date

from .filters import JurisdictionFilterSet
from .models import Institution, Jurisdiction, JurisdictionKind


def membership_model() -> type[models.Model]:
    return Institution._meta.get_field("memberships").related_model


def memberships_with_status(queryset: models.QuerySet) -> models.QuerySet:
    """Memberships marked `held_now` (held today), with their network and sources."""
    held_today = membership_model().as_of_q(timezone.localdate())
    return (
        queryset.annotate(
            held_now=models.ExpressionWrapper(held_today, output_field=models.BooleanField())
        )
        .select_related("network")
        .prefetch_related("sources")
        .order_by("network__name", "start_date")
    )


class PublicDetailMixin:
    """A public record page: canonical lower-case slug, and a link to its API twin.

    A mixed-case address (/networks/BCBS/) redirects to the canonical one (/networks/bcbs/).
    """

    api_url_name = ""

    def get(self, request, *args, **kwargs):
        slug = kwargs.get("slug", "")
        if slug != slug.lower():
            return redirect(request.resolver_match.view_name, slug=slug.lower(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["api_url"] = reverse(self.api_url_name, kwargs={"slug": self.object.slug})
        return context


class InstitutionDetailView(PublicDetailMixin, DetailView):
    """An institution: its networks over time, memoranda, meetings, relatives, identifiers."""

    api_url_name = "api:institution-detail"
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
            past_memberships=[m for m in memberships if not m.held_now],
            signatures=signatures,
            participations=participations,
            hosted_meetings=institution.hosted_meetings.select_related("network").order_by(
                "-start_date"
            ),
            last_updated=max(
                [institution.updated_at, *(m.updated_at for m in memberships)],
            ),
            json_ld=self.json_ld(memberships),
            # The website, its sources and its memberships' sources, in one query.
            link_checks=link_checks(
                [
                    institution,
                    *institution.sources.all(),
                    *(source for m in memberships for source in m.sources.all()),
                ]
            ),
        )
        return context

    def json_ld(self, memberships: list) -> dict:
        institution, request = self.object, self.request
        url = request.build_absolute_uri(institution.get_absolute_url())
        data = {
            "@context": "https://schema.org",
            "@type": "GovernmentOrganization",
            "@id": url,
            "name": institution.name,
            "url": url,
        }
        if institution.acronym:
            data["alternateName"] = institution.acronym
        if institution.description:
            data["description"] = institution.description
        same_as = [institution.website] if institution.website else []
        same_as += [
            f"https://www.wikidata.org/wiki/{i.identifier}"
            for i in institution.identifiers.all()
            if i.scheme == "wikidata"
        ]
        if same_as:
            data["sameAs"] = same_as
        if institution.founded_on:
            data["foundingDate"] = iso_partial_date(
                institution.founded_on, institution.founded_on_precision
            )
        if institution.jurisdiction:
            data["areaServed"] = {
                "@type": "Country"
                if institution.jurisdiction.kind == JurisdictionKind.STATE
                else "AdministrativeArea",
                "name": institution.jurisdiction.name,
                "identifier": institution.jurisdiction.code,
            }
        if institution.parent:
            data["parentOrganization"] = {
                "@type": "GovernmentOrganization",
                "name": institution.parent.name,
                "url": request.build_absolute_uri(institution.parent.get_absolute_url()),
            }
        data["memberOf"] = [
            {
                "@type": "Organization",
                "name": m.network.name,
                "url": request.build_absolute_uri(m.network.get_absolute_url()),
            }
            for m in memberships
            if m.held_now
        ]
        return data


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


class JurisdictionDetailView(PublicDetailMixin, DetailView):
    """A jurisdiction taken apart: its institutions by branch, each with its networks,
    memoranda and meetings, and the source of every membership."""

    api_url_name = "api:jurisdiction-detail"
    queryset = Jurisdiction.objects.select_related("parent").prefetch_related("subdivisions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jurisdiction = self.object
        Membership = membership_model()
        # Ordered by branch so that the template can {% regroup %} them.
        institutions = list(
            jurisdiction.institutions.order_by("branch", "name").prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=memberships_with_status(Membership.objects.all()),
                    to_attr="membership_list",
                ),
                Prefetch(
                    "signatures",
                    queryset=Institution._meta.get_field("signatures")
                    .related_model.objects.select_related("memorandum")
                    .order_by("memorandum__title"),
                    to_attr="signature_list",
                ),
                Prefetch(
                    "meeting_participations",
                    queryset=Institution._meta.get_field("meeting_participations")
                    .related_model.objects.select_related("meeting__network")
                    .order_by("-meeting__start_date"),
                    to_attr="participation_list",
                ),
            )
        )
        current = {m.network_id for i in institutions for m in i.membership_list if m.held_now}
        context.update(
            institutions=institutions,
            network_count=len(current),
            memorandum_count=len({s.memorandum_id for i in institutions for s in i.signature_list}),
            json_ld=self.json_ld(institutions),
            # The memberships' sources, the page's only outside links: one query.
            link_checks=link_checks(
                source
                for i in institutions
                for m in i.membership_list
                for source in m.sources.all()
            ),
        )
        return context

    def json_ld(self, institutions: list[Institution]) -> dict:
        jurisdiction, request = self.object, self.request
        url = request.build_absolute_uri(jurisdiction.get_absolute_url())
        place = {
            "@type": "Country"
            if jurisdiction.kind == JurisdictionKind.STATE
            else "AdministrativeArea",
            "@id": url,
            "name": jurisdiction.name,
            "identifier": jurisdiction.code,
            "url": url,
        }
        return {
            "@context": "https://schema.org",
            "@graph": [
                place,
                *(
                    {
                        "@type": "GovernmentOrganization",
                        "name": i.name,
                        "url": request.build_absolute_uri(i.get_absolute_url()),
                        "areaServed": {"@id": url},
                    }
                    for i in institutions
                ),
            ],
        }
