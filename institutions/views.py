from django.views.generic import DetailView

from .models import Institution, Jurisdiction


class InstitutionDetailView(DetailView):
    """An institution with its networks (a first version; issue #4 completes it)."""

    queryset = Institution.objects.select_related("jurisdiction", "parent").prefetch_related(
        "sources"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.object.memberships.select_related("network").order_by(
            "network__name", "start_date"
        )
        return context


class JurisdictionDetailView(DetailView):
    """A jurisdiction's institutions (a first version; issue #4 completes it)."""

    queryset = Jurisdiction.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Ordered by branch so that the template can {% regroup %} them.
        context["institutions"] = self.object.institutions.order_by("branch", "name")
        return context
