"""The UN M49 geographic regions and sub-regions (unstats.un.org/unsd/methodology/m49/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


class SubRegion(models.TextChoices):
    NORTHERN_AFRICA = "northern_africa", _("Northern Africa")
    SUB_SAHARAN_AFRICA = "sub_saharan_africa", _("Sub-Saharan Africa")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")
    NORTHERN_AMERICA = "northern_america", _("Northern America")
    CENTRAL_ASIA = "central_asia", _("Central Asia")
    EASTERN_ASIA = "eastern_asia", _("Eastern Asia")
    SOUTH_EASTERN_ASIA = "south_eastern_asia", _("South-eastern Asia")
    SOUTHERN_ASIA = "southern_asia", _("Southern Asia")
    WESTERN_ASIA = "western_asia", _("Western Asia")
    EASTERN_EUROPE = "eastern_europe", _("Eastern Europe")
    NORTHERN_EUROPE = "northern_europe", _("Northern Europe")
    SOUTHERN_EUROPE = "southern_europe", _("Southern Europe")
    WESTERN_EUROPE = "western_europe", _("Western Europe")
    AUSTRALIA_NEW_ZEALAND = "australia_new_zealand", _("Australia and New Zealand")
    MELANESIA = "melanesia", _("Melanesia")
    MICRONESIA = "micronesia", _("Micronesia")
    POLYNESIA = "polynesia", _("Polynesia")


# Which region each sub-region belongs to (M49 hierarchy).
SUBREGION_REGION: dict[str, str] = {
    SubRegion.NORTHERN_AFRICA: Region.AFRICA,
    SubRegion.SUB_SAHARAN_AFRICA: Region.AFRICA,
    SubRegion.LATIN_AMERICA_CARIBBEAN: Region.AMERICAS,
    SubRegion.NORTHERN_AMERICA: Region.AMERICAS,
    SubRegion.CENTRAL_ASIA: Region.ASIA,
    SubRegion.EASTERN_ASIA: Region.ASIA,
    SubRegion.SOUTH_EASTERN_ASIA: Region.ASIA,
    SubRegion.SOUTHERN_ASIA: Region.ASIA,
    SubRegion.WESTERN_ASIA: Region.ASIA,
    SubRegion.EASTERN_EUROPE: Region.EUROPE,
    SubRegion.NORTHERN_EUROPE: Region.EUROPE,
    SubRegion.SOUTHERN_EUROPE: Region.EUROPE,
    SubRegion.WESTERN_EUROPE: Region.EUROPE,
    SubRegion.AUSTRALIA_NEW_ZEALAND: Region.OCEANIA,
    SubRegion.MELANESIA: Region.OCEANIA,
    SubRegion.MICRONESIA: Region.OCEANIA,
    SubRegion.POLYNESIA: Region.OCEANIA,
}
