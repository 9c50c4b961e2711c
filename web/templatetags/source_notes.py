"""Sources as numbered notes (#18): a table cites each row's sources as "[1]", "[2]", and
lists every distinct source once, numbered, under the table.

Most rows of a member table cite the same one or two documents: printing the title and
date in every row made the network pages ten thousand pixels long. Here a source keeps
its number wherever it is cited on the page, so "[1]" in two rows is the same document.

    {% source_notes memberships former as notes %}       (rows with prefetched `sources`)
    {% source_notes_under sections "institutions" "membership_list" as notes %}
    … {% note_refs membership.sources.all notes %} …      (in each row)
    {% include "includes/source_notes.html" %}           (the numbered list)

Only prefetched sources are read: building the notes costs no query.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django import template

register = template.Library()


class SourceNotes:
    """The distinct sources of some rows, numbered from 1 in the order they are first cited."""

    def __init__(self, rows: Iterable, prefix: str = "note") -> None:
        self.prefix = prefix
        self.sources: list = []
        self._numbers: dict[int, int] = {}
        for row in rows:
            for source in row.sources.all():
                if source.pk not in self._numbers:
                    self.sources.append(source)
                    self._numbers[source.pk] = len(self.sources)

    def __bool__(self) -> bool:
        return bool(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def number(self, source) -> int:
        """Its number; a source the rows given did not cite gets the next one (so a
        page never fails on it; the list shows it when rendered after the row)."""
        if source.pk not in self._numbers:
            self.sources.append(source)
            self._numbers[source.pk] = len(self.sources)
        return self._numbers[source.pk]

    def anchor(self, number: int) -> str:
        return f"{self.prefix}-{number}"

    def items(self) -> list[dict]:
        """(number, anchor, source) for the list under the table."""
        return [
            {"number": n, "anchor": self.anchor(n), "source": source}
            for n, source in enumerate(self.sources, start=1)
        ]


@register.simple_tag
def source_notes(*row_lists: Iterable, prefix: str = "note") -> SourceNotes:
    """The numbered notes for the rows of one or more tables of the same page."""
    return SourceNotes((row for rows in row_lists if rows for row in rows), prefix)


@register.simple_tag
def source_notes_under(groups: Iterable, *path: str, prefix: str = "note") -> SourceNotes:
    """The notes for rows nested in groups: `source_notes_under sections "institutions"
    "membership_list"` reads section.institutions[…].membership_list[…]."""
    items: Iterable = groups or []
    for attribute in path:
        items = [row for item in items for row in (_field(item, attribute) or [])]
    return SourceNotes(items, prefix)


def _field(item, name: str):
    """`item.name` or `item[name]`, as a template's dot would read it."""
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


@register.inclusion_tag("includes/note_refs.html")
def note_refs(sources: Iterable, notes: SourceNotes) -> dict:
    """One row's citations: a link to each of its sources' notes, by number."""
    numbers = sorted(((notes.number(source), source) for source in sources), key=lambda n: n[0])
    return {
        "refs": [
            {"number": number, "anchor": notes.anchor(number), "source": source}
            for number, source in numbers
        ]
    }


@register.filter
def site(url: str) -> str:
    """A website as a reader names it: no scheme, no "www.", no trailing slash."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")
