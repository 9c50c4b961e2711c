"""Who is missing: a network's member jurisdictions against a reference group of states.

The groups come from maintained data packages, not from hand-typed lists, as shipped in
Lattice's data files generated from them (`institutions/reference_data/`, read by
`institutions.reference`; package versions in its provenance.json): country_converter
(UN membership, G7, G20, OECD, EU, continents) and OCHA's Countries & Territories Taxonomy
packaged in hdx-python-country (World Bank income groups).
"""

import functools
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions import reference
from institutions.regions import Region
from networks.labels import short_labels
from networks.models import ListStatus, Membership, Network, Origin, Reach, Role, Sector
from visuals.graphs import map_areas, member_state

# Our UN M49 regions against the `continent` column of country_converter's table.
CONTINENT_REGION = {
    "Africa": Region.AFRICA,
    "America": Region.AMERICAS,
    "Asia": Region.ASIA,
    "Europe": Region.EUROPE,
    "Oceania": Region.OCEANIA,
}

GROUPS: dict[str, object] = {
    "un": _("All UN member states"),
    "g20": _("G20 member states"),
    "g7": _("G7"),
    "oecd": _("OECD members"),
    "eu": _("EU member states"),
    **{f"region-{value}": label for value, label in Region.choices},
    "income-high": _("World Bank income group: high"),
    "income-upper-middle": _("World Bank income group: upper middle"),
    "income-lower-middle": _("World Bank income group: lower middle"),
    "income-low": _("World Bank income group: low"),
}

# The taxonomy's "World Bank Income Level" values against our group keys.
INCOME_LEVELS = {
    "High": "income-high",
    "Upper middle": "income-upper-middle",
    "Lower middle": "income-lower-middle",
    "Low": "income-low",
}
DEFAULT_GROUP = "un"
SOURCES_NOTE = _(
    "Reference groups from maintained data packages, as shipped in Lattice's data files "
    "generated from country_converter %(country_converter)s (UN membership, G7, G20, OECD, "
    "EU, regions) and OCHA's Countries & Territories Taxonomy in hdx-python-country %(hdx)s "
    "(World Bank income groups; states the World Bank leaves unclassified are in none)."
)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    region: str


@functools.cache
def income_groups() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> income group key, from the taxonomy's World Bank income
    levels (a country the World Bank leaves unclassified has no entry)."""
    groups = {}
    for row in reference.read(reference.INCOME_FILE):
        if group := INCOME_LEVELS.get(row[reference.INCOME_LEVEL]):
            groups[row[reference.INCOME_CODE]] = group
    return groups


@functools.cache
def _table() -> list[tuple[Country, frozenset[str]]]:
    """Every UN member state with the groups it belongs to (loaded once per process)."""
    rows = []
    for record in reference.read(reference.COUNTRIES_FILE):
        if not record["UNmember"].strip():
            continue
        region = CONTINENT_REGION.get(record["continent"], "")
        groups = {"un", f"region-{region}"} if region else {"un"}
        for column, group in (("G7", "g7"), ("OECD", "oecd"), ("EU27", "eu")):
            if record[column].strip():
                groups.add(group)
        code = record["ISO2"]
        # country_converter lists every EU state under G20 because the EU is a member;
        # the member *states* are the G20 countries that are not in the EU, with the
        # three EU states that sit in their own right.
        if record["G20"].strip() and ("eu" not in groups or "g7" in groups):
            groups.add("g20")
        if income := income_groups().get(code):
            groups.add(income)
        rows.append((Country(code, record["name_short"], region), frozenset(groups)))
    return sorted(rows, key=lambda row: row[0].name)


def sources_note() -> str:
    """The sentence naming the data behind the groups, with the package versions the shipped
    files were generated from: under the page's coverage table and in the API's description."""
    versions = reference.source_versions()
    return SOURCES_NOTE % {
        "country_converter": versions["country_converter"],
        "hdx": versions["hdx-python-country"],
    }


# Said wherever "who is missing" rests on a list that is not complete (#14 item 3).
MISSING_UNPROVEN = _(
    "Our list of this network's members is %(status)s: a state shown as not in may have a "
    "member we have not recorded. Only a complete list shows who is missing."
)


def missing_caveat(network: Network) -> dict:
    """Whether the network's list can show that a state is missing: only a complete one
    can (`ListCompleteness.is_complete`); otherwise the notice that says so."""
    completeness = network.completeness()
    proven = completeness.is_complete
    return {
        "list_status": completeness.status,
        "missing_proven": proven,
        "notice": ""
        if proven
        else str(MISSING_UNPROVEN % {"status": str(completeness.status_label).lower()}),
    }


def group_members(group: str) -> list[Country]:
    return [country for country, groups in _table() if group in groups]


def coverage(member_codes: set[str], group: str) -> dict:
    """The group's states split into those with a member institution and those without."""
    countries = group_members(group)
    covered = [c for c in countries if c.code in member_codes]
    missing = [c for c in countries if c.code not in member_codes]
    return {
        "group": group,
        "group_label": str(GROUPS[group]),
        "total": len(countries),
        "covered": covered,
        "missing": missing,
        "share": round(len(covered) / len(countries), 3) if countries else 0.0,
    }


def region_summary(member_codes: set[str]) -> list[dict]:
    """Per UN region: how many of its UN member states take part."""
    rows = []
    for value, label in Region.choices:
        countries = group_members(f"region-{value}")
        covered = sum(1 for c in countries if c.code in member_codes)
        rows.append(
            {
                "region": value,
                "label": str(label),
                "total": len(countries),
                "covered": covered,
                "missing": len(countries) - covered,
            }
        )
    return rows


# --- Queries -------------------------------------------------------------------------------


def jurisdiction_network_counts(on=None) -> list[dict]:
    """Per jurisdiction, the number of networks its institutions belong to on the date
    (today by default). One query."""
    return map_areas(
        Membership.objects.as_of(on or timezone.localdate())
        .filter(member_institution__jurisdiction__isnull=False)
        .values(**member_state())
        .annotate(count=Count("network", distinct=True))
        .order_by("-count", "state_name")
    )


# Reaches whose membership is a fixed group: not one a jurisdiction "is missing" from.
CLOSED_REACHES = {Reach.BILATERAL, Reach.PLURILATERAL}
# Roles that make a network's membership: observers and its secretariat do not say whom
# it is open to (the United States observes the Middle East and North Africa's FATF-style
# body).
MEMBER_ROLES = [Role.MEMBER, Role.ASSOCIATE, Role.AFFILIATE, Role.CHAIR, Role.VICE_CHAIR]


def open_to(places: tuple[set[str], set[str]], region: str, subregion: str) -> bool:
    """Whether a regional network whose members come from `places` (their regions, and
    their sub-regions, or "region:<r>" for a member of unknown sub-region) is open to a
    jurisdiction of `region` and `subregion`. Unknown places are open."""
    regions, subregions = places
    if not region:
        return True
    if subregion:
        return subregion in subregions or f"region:{region}" in subregions
    return region in regions


def member_places(on, sectors=None) -> dict[int, tuple[set[str], set[str]]]:
    """The UN M49 regions and sub-regions each regional network's members (observers and
    secretariats aside) come from on the date (a subdivision counts in its country's),
    for the networks of `sectors` (all when None). One query."""
    places: dict[int, tuple[set[str], set[str]]] = {}
    memberships = Membership.objects.as_of(on).filter(role__in=MEMBER_ROLES)
    if sectors is not None:
        memberships = memberships.filter(network__sector__in=sectors)
    rows = (
        memberships.filter(network__reach=Reach.REGIONAL, member_institution__isnull=False)
        # No ordering: the model's own would join the network and add its columns to
        # the DISTINCT, sorting every membership row on disk in a large directory.
        .order_by()
        .values_list(
            "network_id",
            "member_institution__jurisdiction__region",
            "member_institution__jurisdiction__subregion",
            "member_institution__jurisdiction__parent__region",
            "member_institution__jurisdiction__parent__subregion",
        )
        .distinct()
    )
    for network, region, subregion, parent_region, parent_subregion in rows:
        region, subregion = region or parent_region, subregion or parent_subregion
        if region:
            regions, subregions = places.setdefault(network, (set(), set()))
            regions.add(region)
            subregions.add(subregion or f"region:{region}")
    return places


def jurisdiction_gaps(jurisdiction, on=None) -> list[dict]:
    """Per sector the jurisdiction's institutions work in: the networks of that sector
    it takes part in, and those it is absent from. Four queries.

    Absent means eligible and absent (#18). Not counted as networks it is "not in":
    - `other_regions`: a regional network whose members (observers aside) all come from
      other UN sub-regions (the EU's boards for Brazil, GAFILAT for Japan, the Asia/Pacific
      Group for Brazil even though the United States is a member; where a member's or
      the jurisdiction's sub-region is unknown, its region decides);
    - `not_open`: a network open only to a fixed group: bilateral or plurilateral (the G7,
      the G10 governors), or regional and resting on a treaty among its parties (NAFTA's
      commission, the EU's boards).
    Reach, origin and members' places are the eligibility Lattice records; a network with
    no member of known region counts as eligible."""
    on = on or timezone.localdate()
    home = jurisdiction.region or (jurisdiction.parent.region if jurisdiction.parent_id else "")
    home_sub = jurisdiction.subregion or (
        jurisdiction.parent.subregion if jurisdiction.parent_id else ""
    )
    # Its own networks first: only their sectors are shown, so only the networks of those
    # sectors are counted (every network's members were counted before, on every page).
    present = dict(
        Membership.objects.as_of(on)
        .filter(
            Q(member_institution__jurisdiction=jurisdiction)
            | Q(member_institution__jurisdiction__parent=jurisdiction)
        )
        .values_list("network_id", "network__sector")
    )
    sectors = set(present.values())
    places = member_places(on, sectors)
    # Members per network grouped straight from the memberships: the same rule as
    # NetworkQuerySet.with_member_counts, without its COUNT(DISTINCT) (a sort of every
    # membership) and its confirmed/possible counts, which this table does not show.
    counts = dict(
        Membership.objects.as_of(on)
        .filter(network__sector__in=sectors)
        .order_by()
        .values("network")
        .annotate(members=Count("pk"))
        .values_list("network", "members")
    )
    networks = Network.objects.active(on).filter(sector__in=sectors).order_by("sector", "name")
    # Plain values and one reverse(): a large directory has thousands of networks here.
    labels = dict(Sector.choices)
    page = reverse("networks:network-detail", kwargs={"slug": "-slug-"})
    by_sector: dict[str, dict] = {}
    rows = list(
        networks.values_list(
            "slug", "name", "acronym", "sector", "pk", "list_status", "reach", "origin"
        )
    )
    # An acronym two of these networks share (NAFTA's and USMCA's FTC) gives way to the
    # full names (#18).
    labels_of = short_labels((row[4], row[1], row[2]) for row in rows)
    for slug, name, _acronym, sector, pk, list_status, reach, origin in rows:
        members = counts.get(pk, 0)
        if not members:
            continue
        entry = by_sector.setdefault(
            sector,
            {
                "sector": sector,
                "label": str(labels.get(sector, sector)),
                "in": [],
                "absent": [],
                "other_regions": [],
                "not_open": [],
            },
        )
        # Judged by sub-region only where the list is complete: a partial list's members
        # from one corner of a region do not show that the rest of it may not join.
        near = home_sub if list_status == ListStatus.COMPLETE else ""
        if pk in present:
            side = "in"
        elif reach in CLOSED_REACHES:
            side = "not_open"
        elif pk in places and not open_to(places[pk], home, near):
            # A regional treaty body far from the jurisdiction is open only to its parties;
            # near it, the jurisdiction may well be one of them, so its absence counts.
            regional_treaty = reach == Reach.REGIONAL and origin == Origin.TREATY
            side = "not_open" if regional_treaty else "other_regions"
        else:
            side = "absent"
        entry[side].append(
            {
                "slug": slug,
                "name": name,
                "label": labels_of[pk],
                "url": page.replace("-slug-", slug),
                "members": members,
                # Absence from a list that is not complete proves nothing.
                "list_status": list_status,
                "list_complete": list_status == ListStatus.COMPLETE,
            }
        )
    return [entry for entry in by_sector.values() if entry["in"]]
