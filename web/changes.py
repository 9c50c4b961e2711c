"""The public record of changes: what changed in the directory, when, and why.

Every curator action is a change set (sources.models.ChangeSet); these pages and feeds
list them, newest first, with the reason given and the source cited, never the
curator's name. Each page reads only the change sets themselves: the summary of what
each touched was written with it, so the number of queries does not grow with the
number of changes shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.core.exceptions import FieldDoesNotExist
from django.urls import path, reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, ListView

from sources.models import ChangeKind, ChangeSet

FEED_LENGTH = 50
ITEMS_IN_LIST = 5


@dataclass
class RecordChange:
    """One record a change set touched, as the public pages show it."""

    model: str
    label: str
    url: str
    action: str
    fields: list[str]


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _action(history_type: str) -> str:
    return {"+": _("added"), "~": _("changed"), "-": _("deleted")}.get(history_type, "")


def counts(change_set: ChangeSet) -> list[str]:
    """ "3 memberships added", "1 institution changed"… for one change set."""
    lines = []
    for label, by_type in change_set.summary.get("counts", {}).items():
        model = _model(label)
        if model is None:
            continue
        for history_type in ("+", "~", "-"):
            n = by_type.get(history_type, 0)
            if not n:
                continue
            if history_type == "+":
                text = ngettext("%(count)s %(name)s added", "%(count)s %(name)s added", n)
            elif history_type == "~":
                text = ngettext("%(count)s %(name)s changed", "%(count)s %(name)s changed", n)
            else:
                text = ngettext("%(count)s %(name)s deleted", "%(count)s %(name)s deleted", n)
            name = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
            lines.append(text % {"count": n, "name": name})
    return lines


def record_changes(change_set: ChangeSet, limit: int | None = None) -> list[RecordChange]:
    items = change_set.summary.get("items", [])
    result = []
    for item in items[:limit] if limit else items:
        model = _model(item.get("model", ""))
        if model is None:
            continue
        fields = []
        for name in item.get("fields", []):
            try:
                fields.append(str(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                continue
        result.append(
            RecordChange(
                model=capfirst(model._meta.verbose_name),
                label=item.get("label", ""),
                url=item.get("url", ""),
                action=_action(item.get("type", "")),
                fields=fields,
            )
        )
    return result


def title(change_set: ChangeSet) -> str:
    """A one-line title: the kind of change, and what it touched when that is one record."""
    items = change_set.summary.get("items", [])
    if change_set.kind == ChangeKind.IMPORT and change_set.source_id:
        return _("%(kind)s: %(source)s") % {
            "kind": change_set.get_kind_display(),
            "source": change_set.source,
        }
    if change_set.record_count == 1 and items:
        return _("%(kind)s: %(record)s") % {
            "kind": change_set.get_kind_display(),
            "record": items[0].get("label", ""),
        }
    return str(change_set.get_kind_display())


class ChangeSetListView(ListView):
    """Recent changes, newest first."""

    template_name = "changes/changeset_list.html"
    context_object_name = "change_sets"
    paginate_by = 30

    def get_queryset(self):
        return ChangeSet.objects.recent()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = [
            {
                "change_set": cs,
                "title": title(cs),
                "counts": counts(cs),
                "records": record_changes(cs, ITEMS_IN_LIST),
                "more": max(0, cs.record_count - ITEMS_IN_LIST),
            }
            for cs in context["change_sets"]
        ]
        return context


class ChangeSetDetailView(DetailView):
    """One change set: every record it touched (the first ones by name), why, on what."""

    template_name = "changes/changeset_detail.html"
    context_object_name = "change_set"

    def get_queryset(self):
        return ChangeSet.objects.recent()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change_set = self.object
        records = record_changes(change_set)
        context.update(
            title=title(change_set),
            counts=counts(change_set),
            records=records,
            unnamed=max(0, change_set.record_count - len(records)),
            undoes=change_set.undoes_id,
        )
        return context


class ChangesFeed(Feed):
    """Recent changes as RSS."""

    title = gettext_lazy("Lattice: recent changes")
    link = reverse_lazy("changes:list")
    description = gettext_lazy(
        "Changes to the directory of transgovernmental networks, with the reason for each."
    )

    def items(self):
        return ChangeSet.objects.recent()[:FEED_LENGTH]

    def item_title(self, item: ChangeSet) -> str:
        return title(item)

    def item_description(self, item: ChangeSet) -> str:
        parts = [*counts(item)]
        if item.reason:
            parts.insert(0, item.reason)
        if item.source_id:
            parts.append(_("Source: %(url)s") % {"url": item.source.url})
        return " — ".join(parts)

    def item_link(self, item: ChangeSet) -> str:
        return reverse("changes:detail", kwargs={"pk": item.pk})

    def item_pubdate(self, item: ChangeSet):
        return item.created_at

    def item_guid(self, item: ChangeSet) -> str:
        return f"lattice-change-set-{item.pk}"

    item_guid_is_permalink = False


class ChangesAtomFeed(ChangesFeed):
    """Recent changes as Atom."""

    feed_type = Atom1Feed
    subtitle = ChangesFeed.description

    def item_updateddate(self, item: ChangeSet):
        return item.created_at


app_name = "changes"

urlpatterns = [
    path("changes/", ChangeSetListView.as_view(), name="list"),
    path("changes/<int:pk>/", ChangeSetDetailView.as_view(), name="detail"),
    path("changes/feed/rss/", ChangesFeed(), name="rss"),
    path("changes/feed/atom/", ChangesAtomFeed(), name="atom"),
]
