"""The lattice and compare pages (the other visual views are partials on the detail
pages: visuals/templatetags/visual.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from institutions.models import Branch, Jurisdiction
from networks.models import Dimension, Function, Sector
from visuals import compare, graphs
from visuals.graphs import lattice_networks


class LatticeForm(forms.Form):
    """The lattice's filters: a plain GET form."""

    sector = forms.ChoiceField(
        required=False, label=_("Sector"), choices=[("", _("All")), *Sector.choices]
    )
    dimension = forms.ChoiceField(
        required=False, label=_("Dimension"), choices=[("", _("All")), *Dimension.choices]
    )
    function = forms.ChoiceField(
        required=False, label=_("Function"), choices=[("", _("All")), *Function.choices]
    )


class LatticeView(TemplateView):
    """Networks linked by shared members: two queries whatever the number of networks."""

    template_name = "networks/lattice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LatticeForm(self.request.GET or None)
        query = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
        networks, on = lattice_networks(query)
        graph = graphs.lattice(networks, on)
        labels = {node["id"]: node["label"] for node in graph["nodes"]}
        context.update(
            form=form,
            graph=graph,
            today=timezone.localdate(),
            overlaps=[
                {
                    **edge,
                    "source_label": labels[edge["source"]],
                    "target_label": labels[edge["target"]],
                }
                for edge in graph["edges"]
                if edge["kind"] == "overlap"
            ],
            member_links=[
                {
                    **edge,
                    "source_label": labels[edge["source"]],
                    "target_label": labels[edge["target"]],
                }
                for edge in graph["edges"]
                if edge["kind"] == "member"
            ],
            query_string=self.request.GET.urlencode(),
        )
        return context


class CompareForm(forms.Form):
    """Two or three jurisdictions, chosen from those with institutions."""

    jurisdictions = forms.CharField(
        label=_("Jurisdiction codes"),
        help_text=_("Two or three codes, comma-separated, e.g. DE,FR,JP."),
    )

    def clean_jurisdictions(self) -> list[Jurisdiction]:
        codes = [
            code.strip().upper()
            for code in self.cleaned_data["jurisdictions"].split(",")
            if code.strip()
        ]
        codes = list(dict.fromkeys(codes))
        if not 2 <= len(codes) <= compare.MAX_JURISDICTIONS:
            raise forms.ValidationError(_("Give two or three jurisdiction codes."))
        found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("Unknown jurisdiction code: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in codes]


class CompareView(TemplateView):
    """Disaggregated states side by side: institutions by branch and their networks."""

    template_name = "networks/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        if len(data.getlist("jurisdictions")) > 1:
            data["jurisdictions"] = ",".join(data.getlist("jurisdictions"))
        form = CompareForm(data if "jurisdictions" in data else None)
        context["form"] = form
        if form.is_valid():
            result = compare.compare(form.cleaned_data["jurisdictions"])
            shared = set(result["shared_networks"])
            # One row per branch, a column per jurisdiction.
            rows = []
            for value, label in Branch.choices:
                cells = [
                    next((b["institutions"] for b in j["branches"] if b["branch"] == value), [])
                    for j in result["jurisdictions"]
                ]
                if any(cells):
                    rows.append({"label": label, "cells": cells})
            context.update(result=result, rows=rows, shared=shared)
        context["examples"] = ["DE,FR", "US,GB,JP", "BR,IN,ZA"]
        return context
