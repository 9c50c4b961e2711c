"""How a page names networks and institutions in little room (#18: "MC" says nothing,
"FTC" names NAFTA's and USMCA's commissions and the US Federal Trade Commission).

Where there is room, a body is named in full with its acronym: `str(network)` gives
"Basel Committee on Banking Supervision (BCBS)". Where there is not (a table cell, a
graph's node), `short_labels` gives each its acronym unless another body shown with it
shares that acronym, and then its full name.
"""

from collections import Counter
from collections.abc import Hashable, Iterable


def short_labels(bodies: Iterable[tuple[Hashable, str, str]]) -> dict[Hashable, str]:
    """{key: label} for (key, name, acronym) triples: the acronym when no other body
    of `bodies` has it, else the full name (the full name when there is no acronym). A
    key given twice is one body."""
    bodies = {key: (name, acronym) for key, name, acronym in bodies}
    shared = Counter(acronym for _name, acronym in bodies.values() if acronym)
    return {
        key: acronym if acronym and shared[acronym] == 1 else name
        for key, (name, acronym) in bodies.items()
    }
