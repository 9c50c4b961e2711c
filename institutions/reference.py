"""Reference tables of states, shipped as data files in `institutions/reference_data/`.

Two extracts of maintained data packages, each with its provenance (package, version, date
generated, checksum) in `reference_data/provenance.json`:
- `countries.csv`: columns of country_converter's `country_data.tsv` (ISO code, short name,
  continent, UN M49 region, UN membership, G7, G20, OECD, EU);
- `income_groups.csv`: the World Bank income level of OCHA's Countries & Territories
  Taxonomy as packaged in hdx-python-country.
`manage.py build_reference_data` (the development-only bench app) regenerates them from the
installed packages, which are development dependencies only: a web worker reads two small
CSV files instead of importing pandas for them.
"""

import csv
import functools
import json
from pathlib import Path

from institutions.regions import SUBREGION_REGION, Region, SubRegion

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
COUNTRIES_FILE = "countries.csv"
INCOME_FILE = "income_groups.csv"
PROVENANCE_FILE = "provenance.json"

# The columns kept from each source, under the source's own names, in file order.
COUNTRY_COLUMNS = (
    "ISO2",
    "name_short",
    "continent",
    "UNregion",
    "UNmember",
    "G7",
    "G20",
    "OECD",
    "EU27",
)
INCOME_CODE = "ISO 3166-1 Alpha 2-Codes"
INCOME_LEVEL = "World Bank Income Level"
INCOME_COLUMNS = (INCOME_CODE, INCOME_LEVEL)

# UN M49 intermediate regions (as country_converter names them) folded into the
# sub-regions we use: M49 counts Latin America and the Caribbean as one sub-region,
# and Sub-Saharan Africa as one.
M49_SUBREGION = {
    "Northern Africa": SubRegion.NORTHERN_AFRICA,
    "Eastern Africa": SubRegion.SUB_SAHARAN_AFRICA,
    "Middle Africa": SubRegion.SUB_SAHARAN_AFRICA,
    "Southern Africa": SubRegion.SUB_SAHARAN_AFRICA,
    "Western Africa": SubRegion.SUB_SAHARAN_AFRICA,
    "Caribbean": SubRegion.LATIN_AMERICA_CARIBBEAN,
    "Central America": SubRegion.LATIN_AMERICA_CARIBBEAN,
    "South America": SubRegion.LATIN_AMERICA_CARIBBEAN,
    "Northern America": SubRegion.NORTHERN_AMERICA,
    "Central Asia": SubRegion.CENTRAL_ASIA,
    "Eastern Asia": SubRegion.EASTERN_ASIA,
    "South-eastern Asia": SubRegion.SOUTH_EASTERN_ASIA,
    "South-Eastern Asia": SubRegion.SOUTH_EASTERN_ASIA,
    "Southern Asia": SubRegion.SOUTHERN_ASIA,
    "Western Asia": SubRegion.WESTERN_ASIA,
    "Eastern Europe": SubRegion.EASTERN_EUROPE,
    "Northern Europe": SubRegion.NORTHERN_EUROPE,
    "Southern Europe": SubRegion.SOUTHERN_EUROPE,
    "Western Europe": SubRegion.WESTERN_EUROPE,
    "Australia and New Zealand": SubRegion.AUSTRALIA_NEW_ZEALAND,
    "Melanesia": SubRegion.MELANESIA,
    "Micronesia": SubRegion.MICRONESIA,
    "Polynesia": SubRegion.POLYNESIA,
}
# Codes M49 does not list: the EU spans a region; Kosovo lies in Southern Europe.
M49_EXTRA = {"EU": (Region.EUROPE, ""), "XK": (Region.EUROPE, SubRegion.SOUTHERN_EUROPE)}


@functools.cache
def read(name: str) -> tuple[dict[str, str], ...]:
    """One of the shipped tables: every value a string, a missing one empty."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


@functools.cache
def provenance() -> dict[str, dict]:
    """Per shipped file: the package and version it came from, when, and its checksum."""
    return json.loads((DATA_DIR / PROVENANCE_FILE).read_text("utf-8"))


def source_versions() -> dict[str, str]:
    """Package name -> the version the shipped files were generated from."""
    return {entry["package"]: entry["version"] for entry in provenance().values()}


@functools.cache
def _un_regions() -> dict[str, str]:
    return {row["ISO2"]: row["UNregion"] for row in read(COUNTRIES_FILE)}


def m49_region(code: str) -> tuple[str, str]:
    """(region, sub-region) of an ISO 3166-1 code, or ("", "") when M49 has none."""
    code = code.upper()
    if code in M49_EXTRA:
        return M49_EXTRA[code]
    subregion = M49_SUBREGION.get(_un_regions().get(code, ""))
    if subregion is None:
        return "", ""
    return SUBREGION_REGION[subregion], subregion
