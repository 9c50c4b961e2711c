"""The lattice and compare pages (the other visual views are partials on the detail
pages: visuals/templatetags/visual.py)."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from institutions.models import Branch, Jurisdiction
from institutions.names import (
    UnknownJurisdiction,
    jurisdiction_names,
    resolve_jurisdictions,
    unknown_message,
)
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
    # A network's slug; its choices are the networks drawn, set by the view once they
    # are read (no query of its own). An unknown one is ignored, with a notice.
    focus = forms.CharField(required=False, label=_("Focus on"), widget=forms.Select)


class LatticeView(TemplateView):
    """Networks linked by shared members: two queries whatever the number of networks.

    Two views of the same graph (`view`): the drawing, clustered by sector, and a
    networks x networks matrix of shared members (a table: no JavaScript needed). With
    `focus`, both show one network and its neighbours only."""

    template_name = "networks/lattice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = LatticeForm(self.request.GET or None)
        query = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
        networks, on = lattice_networks(query)
        graph = graphs.lattice(networks, on)
        by_slug = {node["slug"]: node for node in graph["nodes"]}
        form.fields["focus"].widget.choices = [
            ("", _("None: every network")),
            *sorted(
                ((node["slug"], node["name"]) for node in graph["nodes"]),
                key=lambda choice: choice[1].casefold(),
            ),
        ]
        focus = by_slug.get(query.get("focus", ""))
        neighbours = graphs.lattice_neighbours(graph, focus["id"]) if focus else []
        keep = {focus["id"], *(n["id"] for n in neighbours)} if focus else None
        view = "matrix" if self.request.GET.get("view") == "matrix" else "graph"
        labels = {node["id"]: node["label"] for node in graph["nodes"]}
        shown = [node for node in graph["nodes"] if keep is None or node["id"] in keep]
        # The addresses of the other view, and of this one without the focus.
        params = self.request.GET.copy()
        params.pop("view", None)
        graph_query = params.urlencode()
        params["view"] = "matrix"
        matrix_query = params.urlencode()
        params = self.request.GET.copy()
        params.pop("focus", None)
        unfocused_query = params.urlencode()
        params.pop("view", None)
        context.update(
            form=form,
            graph=graph,
            shown_nodes=shown,
            focus=focus,
            focus_unknown=bool(query.get("focus")) and not focus,
            neighbours=neighbours,
            view=view,
            matrix=graphs.shared_matrix(graph, keep) if view == "matrix" else None,
            graph_query=graph_query,
            matrix_query=matrix_query,
            unfocused_query=unfocused_query,
            # A network's focus: this address with focus=<its slug> at the end.
            focus_url=reverse("networks:lattice")
            + "?"
            + (unfocused_query + "&" if unfocused_query else "")
            + "focus=",
            api_query=params.urlencode(),
            today=timezone.localdate(),
            overlaps=[
                {
                    **edge,
                    "source_label": labels[edge["source"]],
                    "target_label": labels[edge["target"]],
                }
                for edge in graph["edges"]
                if edge["kind"] == "overlap"
                and (keep is None or {edge["source"], edge["target"]} <= keep)
            ],
            member_links=[
                {
                    **edge,
                    "source_label": labels[edge["source"]],
                    "target_label": labels[edge["target"]],
                }
                for edge in graph["edges"]
                if edge["kind"] == "member"
                and (keep is None or {edge["source"], edge["target"]} <= keep)
            ],
            query_string=self.request.GET.urlencode(),
        )
        return context


# Joins the compare page's boxes into its one field: no jurisdiction's name holds it.
BOX_SEPARATOR = "\n"


class CompareForm(forms.Form):
    """Two or three jurisdictions, each named by its code (DE), its name (Germany) or
    its slug (germany): a reader types "Germany, France" as readily as "DE,FR". The
    page gives one box per jurisdiction, each suggesting names (a <datalist>); a link
    may still give them comma-separated in one parameter."""

    jurisdictions = forms.CharField(
        label=_("Countries or jurisdictions"),
        help_text=_("Two or three, by name or code: Germany, France or DE, FR, JP."),
    )

    @staticmethod
    def split(value: str) -> list[str]:
        """Boxes arrive joined by line breaks (a name may hold a comma: "Bonaire, Sint
        Eustatius and Saba"); a link's single parameter is split on its commas."""
        parts = value.split(BOX_SEPARATOR) if BOX_SEPARATOR in value else value.split(",")
        return [name.strip() for name in parts if name.strip()]

    def names(self) -> list[str]:
        """The names given, one per box (at least MAX_JURISDICTIONS boxes)."""
        names = self.split(self["jurisdictions"].value() or "")
        return names + [""] * (compare.MAX_JURISDICTIONS - len(names))

    def clean_jurisdictions(self) -> list[Jurisdiction]:
        names = self.split(self.cleaned_data["jurisdictions"])
        names = list(dict.fromkeys(name for name in names if name))
        if not 2 <= len(names) <= compare.MAX_JURISDICTIONS:
            raise forms.ValidationError(_("Give two or three jurisdictions."))
        try:
            found = resolve_jurisdictions(names)
        except UnknownJurisdiction as exc:
            raise forms.ValidationError(unknown_message(exc.names)) from exc
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
        if "jurisdictions" in data:
            # One box per jurisdiction, or one comma-separated parameter from a link.
            boxes = [value.strip() for value in data.getlist("jurisdictions")]
            boxes = [value for value in boxes if value]
            data["jurisdictions"] = BOX_SEPARATOR.join(boxes) if len(boxes) > 1 else "".join(boxes)
        form = CompareForm(data if "jurisdictions" in data else None)
        context["form"] = form
        context["jurisdiction_names"] = jurisdiction_names()
        context["boxes"] = form.names() if form.is_bound else [""] * compare.MAX_JURISDICTIONS
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
            # Every network the table names, once with its full name: the key to its
            # acronyms (#18).
            named = {}
            for column in result["jurisdictions"]:
                for branch in column["branches"]:
                    for institution in branch["institutions"]:
                        for network in institution["networks"]:
                            named.setdefault(network["slug"], network)
            # The boxes show the names of what was compared, however it was asked.
            names = [j.name for j in form.cleaned_data["jurisdictions"]]
            context.update(
                boxes=names + [""] * (compare.MAX_JURISDICTIONS - len(names)),
                result=result,
                rows=rows,
                shared=shared,
                codes=",".join(j["code"] for j in result["jurisdictions"]),
                network_key=sorted(named.values(), key=lambda n: n["name"].casefold()),
            )
        context["examples"] = ["Germany, France", "US,GB,JP", "BR,IN,ZA"]
        return context
