"""The book's typology in a sentence per word (#18: "typology words are unexplained").

Shown beside a network's typology badges (its own words only) and as a glossary on the
networks list. From Slaughter, *A New World Order* (2004), as /work/shared/DOMAIN.md
puts it.
"""

from django.utils.translation import gettext_lazy as _

from networks.models import Dimension, Function, Origin, Reach

# (field, field label, {value: definition}), in the order the badges show them.
TYPOLOGY = [
    (
        "dimension",
        _("Dimension"),
        {
            Dimension.HORIZONTAL: _(
                "Counterpart officials of different states working together across borders: "
                "regulators with regulators, judges with judges."
            ),
            Dimension.VERTICAL: _(
                "National officials working with their supranational counterpart, such as "
                "national courts with the European Court of Justice."
            ),
        },
    ),
    (
        "function",
        _("Function"),
        {
            Function.INFORMATION: _(
                "Exchanging information and best practice, and training one another."
            ),
            Function.ENFORCEMENT: _("Cooperating to enforce national law across borders."),
            Function.HARMONISATION: _("Bringing national rules to a common standard."),
            Function.TECHNICAL_ASSISTANCE: _(
                "Helping other states' officials build their capacity: training and advice."
            ),
        },
    ),
    (
        "reach",
        _("Reach"),
        {
            Reach.BILATERAL: _("Two states."),
            Reach.PLURILATERAL: _(
                "Several states chosen by something other than region, such as the G-7."
            ),
            Reach.REGIONAL: _("States of one region."),
            Reach.GLOBAL: _("Open to states of every region."),
        },
    ),
    (
        "origin",
        _("Origin"),
        {
            Origin.INTERNATIONAL_ORGANISATION: _(
                "Set up inside a traditional international organisation that houses it, as "
                "the Bank for International Settlements houses the Basel Committee."
            ),
            Origin.EXECUTIVE_AGREEMENT: _(
                "Created by an agreement between governments or agencies, not by a treaty."
            ),
            Origin.TREATY: _("Resting on a treaty or on supranational law."),
            Origin.SPONTANEOUS: _(
                "Grown from regular contact among officials, with no founding agreement."
            ),
        },
    ),
]

CHOICES = {"dimension": Dimension, "function": Function, "reach": Reach, "origin": Origin}


def glossary() -> list[dict]:
    """Every typology word with its definition, grouped by field."""
    return [
        {
            "field": field,
            "label": label,
            "terms": [
                {"value": value, "label": CHOICES[field](value).label, "definition": text}
                for value, text in definitions.items()
            ],
        }
        for field, label, definitions in TYPOLOGY
    ]


def network_terms(network) -> list[dict]:
    """The words of one network's typology, each with its definition."""
    values = {
        "dimension": [network.dimension],
        "function": list(network.functions or []),
        "reach": [network.reach],
        "origin": [network.origin],
    }
    return [
        {
            "field": label,
            "label": CHOICES[field](value).label,
            "definition": definitions[value],
        }
        for field, label, definitions in TYPOLOGY
        for value in values[field]
        if value in definitions
    ]
