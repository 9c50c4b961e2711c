"""ARCHITECTURE.md, "One home per rule": the date rules are written once, in the models.

"Active" (`Organisation.active_q`, `.active()`, `.is_active()`), "in force"
(`Memorandum.in_force_q`), "current signatory" (`Signatory.current_q`), "upcoming
meeting" (`Meeting.upcoming_q`), "held on a date" (`Membership.as_of_q`, `.as_of()`,
`.held_on()`) and a network's functions (`Network.function_q`). Views, serializers,
FilterSets, admin screens, charts and imports call them; this test fails, naming the
line, when one of them spells a rule out again with its own lookups.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every app but the models that are the rules' home.
CALLERS = [
    *(
        ROOT / app
        for app in (
            "web",
            "api",
            "visuals",
            "curation",
            "links",
            "responsecache",
            "ops",
            "reconcile",
        )
    ),
    *(
        ROOT / app / f"{module}.py"
        for app in ("sources", "institutions", "networks")
        for module in ("filters", "admin", "services", "history")
    ),
]

RESPELLED = re.compile(
    "|".join(
        [
            # Lookups on the dates the rules read.
            r"\b(dissolved_on|terminated_on|withdrawn_on)__(isnull|gt|gte|lt|lte)\b",
            r"\bend_date__(isnull|gt|gte|lt)\b",
            r"\bstart_date__(isnull|lt|lte)\b",
            # The same comparisons in Python.
            r"\b(dissolved_on|terminated_on|withdrawn_on)\s*(<|>|<=|>=)",
            # A network's functions as its own Q.
            r"Q\(\*\*\{f\"function_",
        ]
    )
)


def python_files():
    for place in CALLERS:
        files = [place] if place.is_file() else sorted(place.rglob("*.py"))
        for path in files:
            if path.exists() and not {"tests", "migrations"} & set(path.parts):
                yield path


def test_no_caller_spells_a_date_rule_out_again():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if RESPELLED.search(line)
    ]
    assert found == [], "call the model's rule instead:\n" + "\n".join(found)


def test_the_check_finds_a_respelled_rule():
    assert RESPELLED.search("queryset.filter(models.Q(dissolved_on__gt=today))")
    assert RESPELLED.search("if s.withdrawn_on <= on:")
    assert RESPELLED.search('models.Q(**{f"function_{value}": True})')
    assert not RESPELLED.search("queryset.active() if value else queryset.dissolved()")
