from django.views.generic import DetailView, ListView, TemplateView

from institutions.models import Institution, Jurisdiction

from .models import Function, Meeting, Membership, Memorandum, Network


class HomeView(TemplateView):
    """What Lattice is, and how much it holds."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = {
            "networks": Network.objects.count(),
            "institutions": Institution.objects.count(),
            "jurisdictions": Jurisdiction.objects.count(),
            "memberships": Membership.objects.count(),
        }
        return context


class NetworkListView(ListView):
    """Every network with its current member count."""

    queryset = Network.objects.with_member_counts().order_by("name")
    paginate_by = 50


class NetworkDetailView(DetailView):
    """A network and its current members (a first version; issue #4 completes it)."""

    queryset = Network.objects.select_related("host", "parent").prefetch_related("sources")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["function_labels"] = [Function(f).label for f in self.object.functions]
        context["memberships"] = (
            self.object.memberships.current()
            .select_related("member_institution__jurisdiction", "member_network")
            .order_by("role", "member_institution__name", "member_network__name")
        )
        return context


class MemorandumDetailView(DetailView):
    """A memorandum of understanding and its signatories."""

    queryset = Memorandum.objects.select_related("network").prefetch_related("sources")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signatories"] = self.object.signatories.select_related(
            "institution__jurisdiction"
        ).order_by("signed_on", "institution__name")
        return context


class MeetingDetailView(DetailView):
    """A meeting of a network."""

    queryset = Meeting.objects.select_related("network", "jurisdiction", "host").prefetch_related(
        "sources"
    )
