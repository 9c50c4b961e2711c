"""The records a batch of reconciliation queries or suggestions is matched against, read
once per batch: four queries at most, whatever the batch's size."""

from collections import defaultdict

from django.utils.translation import gettext as _

from institutions.models import (
    Branch,
    Institution,
    InstitutionName,
    Jurisdiction,
    JurisdictionKind,
)
from networks.models import Network

from .matching import Entry, normalise

# The entity types the service knows: a type id is also the `type` of every candidate.
INSTITUTION = "institution"
NETWORK = "network"
JURISDICTION = "jurisdiction"
TYPE_IDS = (INSTITUTION, NETWORK, JURISDICTION)


def type_names() -> dict[str, str]:
    """Each type's name, in the language of the request."""
    return {
        INSTITUTION: _("Institution"),
        NETWORK: _("Network"),
        JURISDICTION: _("Jurisdiction"),
    }


def type_descriptions() -> dict[str, str]:
    return {
        INSTITUTION: _("A government unit: a regulator, central bank, court, ministry…"),
        NETWORK: _("A transgovernmental network of institutions."),
        JURISDICTION: _("A state, territory or union whose institutions are listed."),
    }


def _keys(*values: str) -> frozenset[str]:
    """Values of a constraint property as a query's values are compared with them."""
    return frozenset(key for value in values if value and (key := normalise(str(value))))


def load_entries(types: set[str]) -> list[Entry]:
    """Every record of the given types as an `Entry`, with the constraint properties
    (`jurisdiction`, `branch`) of institutions."""
    entries: list[Entry] = []
    if INSTITUTION in types:
        entries += _institutions()
    if NETWORK in types:
        network, ended = _("Network"), _("Network (ended %(year)s)")
        for row in Network.objects.values("slug", "name", "acronym", "dissolved_on").order_by():
            entries.append(
                Entry(
                    id=row["slug"],
                    type=NETWORK,
                    name=row["name"],
                    description=(
                        ended % {"year": row["dissolved_on"].year}
                        if row["dissolved_on"]
                        else network
                    ),
                    acronyms=(row["acronym"],) if row["acronym"] else (),
                )
            )
    if JURISDICTION in types:
        kinds = {value: str(label) for value, label in JurisdictionKind.choices}
        for row in Jurisdiction.objects.values("code", "name", "kind").order_by():
            entries.append(
                Entry(
                    id=row["code"],
                    type=JURISDICTION,
                    name=row["name"],
                    description=kinds.get(row["kind"], ""),
                    # The code is how a jurisdiction is abbreviated ("DE", "US").
                    acronyms=(row["code"],),
                )
            )
    return entries


def _institutions() -> list[Entry]:
    # Translated and normalised once per batch, not once per row.
    branches = {value: str(label) for value, label in Branch.choices}
    branch_keys = {value: _keys(value, label) for value, label in branches.items()}
    in_place, dissolved = (
        _("%(branch)s, %(jurisdiction)s"),
        _("%(description)s (dissolved %(year)s)"),
    )
    place_keys: dict[str | None, frozenset[str]] = {None: frozenset()}
    others: dict[int, list[str]] = defaultdict(list)
    for institution_id, name in InstitutionName.objects.values_list("institution_id", "name"):
        others[institution_id].append(name)
    entries = []
    for row in Institution.objects.values(
        "pk",
        "slug",
        "name",
        "acronym",
        "branch",
        "dissolved_on",
        "jurisdiction__code",
        "jurisdiction__name",
        "jurisdiction__slug",
    ).order_by():
        code = row["jurisdiction__code"]
        if code not in place_keys:
            place_keys[code] = _keys(code, row["jurisdiction__name"], row["jurisdiction__slug"])
        description = branches.get(row["branch"], "")
        if code:
            description = in_place % {
                "branch": description,
                "jurisdiction": row["jurisdiction__name"],
            }
        if row["dissolved_on"]:
            description = dissolved % {"description": description, "year": row["dissolved_on"].year}
        entries.append(
            Entry(
                id=row["slug"],
                type=INSTITUTION,
                name=row["name"],
                description=description,
                acronyms=(row["acronym"],) if row["acronym"] else (),
                other_names=tuple(others.get(row["pk"], ())),
                properties={
                    "jurisdiction": place_keys[code],
                    "branch": branch_keys.get(row["branch"], frozenset()),
                },
            )
        )
    return entries


def find_record(entity_id: str) -> Institution | Network | Jurisdiction | None:
    """The record an entity id names: a jurisdiction by its code (capitals: "DE",
    "CA-ON"), else an institution or a network by its slug (lower case)."""
    if entity_id.upper() == entity_id:
        jurisdiction = Jurisdiction.objects.filter(code=entity_id).first()
        if jurisdiction is not None:
            return jurisdiction
    institution = Institution.objects.filter(slug=entity_id).select_related("jurisdiction").first()
    return institution or Network.objects.filter(slug=entity_id).first()
