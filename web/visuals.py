"""The lattice and compare pages (the other visual views are partials on the detail
pages: visuals/templatetags/visual.py)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
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
    """Two or three jurisdictions, each named by its code (DE), its name (Germany) or
    its slug (germany): a reader types "Germany, France" as readily as "DE,FR"."""

    jurisdictions = forms.CharField(
        label=_("Countries or jurisdictions"),
        help_text=_("Two or three, comma-separated, by name or code: Germany, France or DE,FR,JP."),
    )

    def clean_jurisdictions(self) -> list[Jurisdiction]:
        names = [name.strip() for name in self.cleaned_data["jurisdictions"].split(",")]
        names = list(dict.fromkeys(name for name in names if name))
        if not 2 <= len(names) <= compare.MAX_JURISDICTIONS:
            raise forms.ValidationError(_("Give two or three jurisdictions."))
        # One query for every way of naming them; matched in Python, case aside.
        condition = Q(code__in=[name.upper() for name in names]) | Q(
            slug__in=[slugify(name) for name in names]
        )
        for name in names:
            condition |= Q(name__iexact=name)
        by_key = {}
        for jurisdiction in Jurisdiction.objects.filter(condition):
            for key in (jurisdiction.code, jurisdiction.slug, jurisdiction.name):
                by_key.setdefault(key.casefold(), jurisdiction)
        found = {name: by_key.get(name.casefold()) or by_key.get(slugify(name)) for name in names}
        unknown = [name for name, jurisdiction in found.items() if jurisdiction is None]
        if unknown:
            raise forms.ValidationError(
                _("Unknown jurisdiction: %(names)s. Give a name or a code, e.g. Germany or DE.")
                % {"names": ", ".join(unknown)}
            )
        jurisdictions = list(dict.fromkeys(found.values()))
        if len(jurisdictions) < 2:
            raise forms.ValidationError(_("Give two or three jurisdictions."))
        return jurisdictions


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
        context["examples"] = ["Germany, France", "US,GB,JP", "BR,IN,ZA"]
        return context
