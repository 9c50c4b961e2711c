import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sources.identifiers import WIKIDATA_QID_PATTERN, validate_lei
from sources.models import (
    SCHEMA_ORG,
    Absolute,
    Organisation,
    OrganisationQuerySet,
    Succession,
    TimestampedModel,
    history_records,
    organisation_constraints,
    succession_constraints,
)

from .regions import SUBREGION_REGION, Region, SubRegion

# Codes outside ISO 3166-1's assigned list that we still accept: "EU" is exceptionally
# reserved by ISO for the European Union; "XK" is the user-assigned code for Kosovo
# used by the European Commission, the IMF and the World Bank.
NON_ISO_CODES = {"EU": "union", "XK": "state"}


class JurisdictionKind(models.TextChoices):
    STATE = "state", _("Sovereign state")
    TERRITORY = "territory", _("Territory or special administrative region")
    SUBDIVISION = "subdivision", _("Subdivision of a state")
    UNION = "union", _("Supranational union")


class Jurisdiction(TimestampedModel):
    """A polity institutions belong to: a state, a territory, a subdivision or the EU."""

    code = models.CharField(
        max_length=6,
        unique=True,
        help_text=_(
            "ISO 3166-1 alpha-2 code for states and territories (DE, HK), ISO 3166-2 for "
            "subdivisions (CA-ON), EU for the European Union."
        ),
    )
    name = models.CharField(max_length=200, help_text=_("Short English name, e.g. 'Germany'."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Used in page addresses."))
    kind = models.CharField(
        max_length=12,
        choices=JurisdictionKind.choices,
        default=JurisdictionKind.STATE,
        help_text=_("What sort of polity this is."),
    )
    parent = models.ForeignKey(
        "self",
        # A subdivision cannot outlive its state record.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subdivisions",
        help_text=_("The state a subdivision belongs to (empty otherwise)."),
    )
    region = models.CharField(
        max_length=10,
        choices=Region.choices,
        blank=True,
        help_text=_("UN M49 region."),
    )
    subregion = models.CharField(
        max_length=30,
        choices=SubRegion.choices,
        blank=True,
        help_text=_("UN M49 sub-region (Latin America and the Caribbean counts as one)."),
    )

    history = history_records()

    class Meta:
        ordering = ["name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"),
                name="jurisdiction_code_format",
                violation_error_message=_(
                    "Code must be two capital letters (ISO 3166-1) or a subdivision code "
                    "such as CA-ON (ISO 3166-2)."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=JurisdictionKind.values),
                name="jurisdiction_kind_valid",
            ),
            models.CheckConstraint(
                # Subdivisions, and only they, hang under a state.
                condition=models.Q(kind=JurisdictionKind.SUBDIVISION, parent__isnull=False)
                | (~models.Q(kind=JurisdictionKind.SUBDIVISION) & models.Q(parent__isnull=True)),
                name="jurisdiction_parent_iff_subdivision",
                violation_error_message=_("A subdivision needs its state; nothing else has one."),
            ),
            models.CheckConstraint(
                condition=models.Q(subregion="")
                | models.Q(
                    *[
                        models.Q(region=region, subregion=subregion)
                        for subregion, region in SUBREGION_REGION.items()
                    ],
                    _connector=models.Q.OR,
                ),
                name="jurisdiction_subregion_in_region",
                violation_error_message=_("The sub-region must lie in the region."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:jurisdiction-detail", kwargs={"slug": self.slug})

    @property
    def json_ld_type(self) -> str:
        """Its schema.org type: a state is a Country, anything else an AdministrativeArea."""
        return "Country" if self.kind == JurisdictionKind.STATE else "AdministrativeArea"

    def json_ld(self, absolute: Absolute, institutions: list["Institution"]) -> dict:
        """The jurisdiction's page as schema.org JSON-LD: the place, and the institutions
        the page lists, each serving it."""
        url = absolute(self.get_absolute_url())
        place = {
            "@type": self.json_ld_type,
            "@id": url,
            "name": self.name,
            "identifier": self.code,
            "url": url,
        }
        return {
            "@context": SCHEMA_ORG,
            "@graph": [
                place,
                *(
                    {**institution.json_ld_ref(absolute), "areaServed": {"@id": url}}
                    for institution in institutions
                ),
            ],
        }

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        code = (self.code or "").upper()
        if self.kind == JurisdictionKind.SUBDIVISION:
            if pycountry.subdivisions.get(code=code) is None:
                errors["code"] = _("Unknown ISO 3166-2 subdivision code: %(code)s.") % {
                    "code": code
                }
            elif self.parent_id and self.parent.code != code.split("-")[0]:
                errors["parent"] = _("Subdivision %(code)s does not belong to %(parent)s.") % {
                    "code": code,
                    "parent": self.parent.code,
                }
        elif NON_ISO_CODES.get(code) == self.kind:
            pass
        elif self.kind == JurisdictionKind.UNION:
            errors["code"] = _("Unknown union code: %(code)s (only EU is known).") % {"code": code}
        elif pycountry.countries.get(alpha_2=code) is None:
            errors["code"] = _("Unknown ISO 3166-1 country code: %(code)s.") % {"code": code}
        if self.subregion and self.region != SUBREGION_REGION.get(self.subregion):
            errors["subregion"] = _("%(subregion)s is not in %(region)s.") % {
                "subregion": self.get_subregion_display(),
                "region": self.get_region_display() or _("no region"),
            }
        if errors:
            raise ValidationError(errors)


class Branch(models.TextChoices):
    EXECUTIVE = "executive", _("Executive / ministry")
    REGULATOR = "regulator", _("Regulator / agency")
    CENTRAL_BANK = "central_bank", _("Central bank")
    JUDICIARY = "judiciary", _("Judiciary")
    LEGISLATURE = "legislature", _("Legislature")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")


class Level(models.TextChoices):
    SUBNATIONAL = "subnational", _("Subnational")
    NATIONAL = "national", _("National")
    SUPRANATIONAL = "supranational", _("Supranational")
    INTERNATIONAL = "international", _("International")


class InstitutionQuerySet(OrganisationQuerySet):
    pass


class Institution(Organisation):
    """One government unit (not a whole state): a regulator, a court, a ministry."""

    name = models.CharField(
        max_length=300, help_text=_("Official English name, e.g. 'Bank of England'.")
    )
    acronym = models.CharField(
        max_length=40, blank=True, help_text=_("Usual abbreviation, e.g. 'BaFin'.")
    )
    branch = models.CharField(
        max_length=30, choices=Branch.choices, help_text=_("What the institution does.")
    )
    level = models.CharField(
        max_length=15,
        choices=Level.choices,
        default=Level.NATIONAL,
        help_text=_(
            "Where it sits: subnational, national, supranational (power delegated by states, "
            "e.g. the European Commission) or international (an organisation of states)."
        ),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        # Institutions are the point of the directory; never lose them with a jurisdiction.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text=_(
            "The polity it belongs to; empty only for international and supranational bodies "
            "that belong to none (the BIS, the ICC)."
        ),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The institution it is part of, e.g. a committee's parliament."),
    )
    dissolved_on = models.DateField(
        null=True, blank=True, help_text=_("When it ceased to exist (empty while it exists).")
    )
    description = models.TextField(blank=True, help_text=_("A short neutral description."))
    # #20: every institution is in a network, memorandum or meeting, or says why it is
    # here; the data audit counts only the unexplained ones.
    listed_because = models.TextField(
        blank=True,
        help_text=_(
            "Why the directory holds it although it takes part in no network, memorandum or "
            "meeting recorded here: one sentence its source supports, e.g. the network it "
            "belongs to that Lattice does not record yet."
        ),
    )

    objects = InstitutionQuerySet.as_manager()
    history = history_records(sourced=True)

    part_of_itself_message = _("An institution cannot be part of itself.")
    json_ld_type = "GovernmentOrganization"

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                # International bodies: international organisations, and supranational
                # ones outside any polity we list (the ICC, the COMESA commission).
                condition=models.Q(jurisdiction__isnull=False)
                | models.Q(level__in=[Level.INTERNATIONAL, Level.SUPRANATIONAL]),
                name="institution_jurisdiction_unless_international",
                violation_error_message=_(
                    "Only international and supranational bodies may have no jurisdiction."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(branch__in=Branch.values), name="institution_branch_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="institution_level_valid"
            ),
            *organisation_constraints(
                "institution",
                ends_before_founded=_("An institution cannot be dissolved before it is founded."),
            ),
        ]
        indexes = [
            # Jurisdiction pages and the API's ?jurisdiction=&branch= filter.
            models.Index(fields=["jurisdiction", "branch"], name="institution_juris_branch_idx"),
            # Branch facet across jurisdictions.
            models.Index(fields=["branch"], name="institution_branch_idx"),
            # "Recently changed" lists.
            models.Index(fields=["-updated_at"], name="institution_updated_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("institutions:institution-detail", kwargs={"slug": self.slug})

    def wikidata_ids(self) -> list[str]:
        # From the identifiers (prefetched by the pages that ask).
        return [
            i.identifier for i in self.identifiers.all() if i.scheme == IdentifierScheme.WIKIDATA
        ]

    def json_ld(self, absolute: Absolute, networks: list) -> dict:
        """The institution as schema.org JSON-LD, member of the `networks` given (those
        its page shows as current)."""
        data = self.json_ld_head(absolute)
        if self.jurisdiction:
            data["areaServed"] = {
                "@type": self.jurisdiction.json_ld_type,
                "name": self.jurisdiction.name,
                "identifier": self.jurisdiction.code,
            }
        if self.parent:
            data["parentOrganization"] = self.parent.json_ld_ref(absolute)
        # From the identifiers, like `wikidata_ids` (prefetched by the pages that ask).
        for identifier in self.identifiers.all():
            if identifier.scheme == IdentifierScheme.LEI:
                data["leiCode"] = identifier.identifier
        data["memberOf"] = [network.json_ld_ref(absolute) for network in networks]
        return data


class InstitutionName(models.Model):
    """Another name an institution is known by: former, translated or informal."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="other_names",
        help_text=_("The institution this name belongs to."),
    )
    name = models.CharField(max_length=300, help_text=_("The name as written."))
    language = models.CharField(
        max_length=10,
        blank=True,
        help_text=_("Language of the name as a BCP 47 tag, e.g. 'de' or 'fr'."),
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=_("E.g. 'former name until 2013'.")
    )

    history = history_records()

    class Meta:
        ordering = ["name"]
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="institution_name_unique"),
        ]
        indexes = [models.Index(fields=["name"], name="institution_name_name_idx")]

    def __str__(self) -> str:
        return self.name


class IdentifierScheme(models.TextChoices):
    WIKIDATA = "wikidata", _("Wikidata QID")
    LEI = "lei", _("Legal Entity Identifier (LEI)")
    ROR = "ror", _("Research Organization Registry (ROR)")
    ISNI = "isni", _("ISNI")
    VIAF = "viaf", _("VIAF")


class InstitutionIdentifier(models.Model):
    """An identifier of an institution in another register (Wikidata, LEI…)."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="identifiers",
        help_text=_("The institution identified."),
    )
    scheme = models.CharField(
        max_length=10, choices=IdentifierScheme.choices, help_text=_("The register.")
    )
    identifier = models.CharField(
        max_length=100, help_text=_("The identifier in that register, e.g. 'Q333497'.")
    )

    history = history_records()

    class Meta:
        ordering = ["scheme"]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            # One register entry names one institution: a clash means a duplicate to merge.
            models.UniqueConstraint(
                fields=["scheme", "identifier"], name="identifier_unique_in_scheme"
            ),
            models.UniqueConstraint(
                fields=["institution", "scheme"], name="identifier_one_per_scheme"
            ),
            models.CheckConstraint(
                condition=~models.Q(scheme=IdentifierScheme.WIKIDATA)
                | models.Q(identifier__regex=WIKIDATA_QID_PATTERN),
                name="identifier_wikidata_format",
                violation_error_message=_("A Wikidata QID looks like Q123."),
            ),
            models.CheckConstraint(
                condition=models.Q(scheme__in=IdentifierScheme.values),
                name="identifier_scheme_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.identifier}"

    def clean(self) -> None:
        super().clean()
        # The same check as Network.lei (sources.identifiers): shape and check digits.
        if self.scheme == IdentifierScheme.LEI:
            try:
                validate_lei(self.identifier)
            except ValidationError as error:
                raise ValidationError({"identifier": error.messages}) from None


class InstitutionRedirect(models.Model):
    """The slug of an institution merged into another: its old addresses lead to the survivor."""

    old_slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The merged institution's slug.")
    )
    institution = models.ForeignKey(
        Institution,
        # A redirect to nowhere is useless; merging the survivor again re-points it first.
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text=_("The institution it was merged into."),
    )
    created_at = models.DateTimeField(
        auto_now_add=True, help_text=_("When the institutions were merged.")
    )

    history = history_records()

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("redirect of a merged institution")
        verbose_name_plural = _("redirects of merged institutions")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.institution.slug}"

    def get_absolute_url(self) -> str:
        return self.institution.get_absolute_url()


class InstitutionSuccession(Succession):
    """An institution followed by another (or renamed), per a source: the UK FSA split
    into the FCA and the PRA on 1 April 2013."""

    predecessor = models.ForeignKey(
        Institution,
        # Lineage is history: the bodies it names are not deleted from under it.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor_links",
        help_text=_(
            "The institution that came before (empty for a renaming within one record, "
            "with its former name)."
        ),
    )
    successor = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        help_text=_("The institution that followed it."),
    )

    history = history_records(sourced=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("succession of institutions")
        verbose_name_plural = _("successions of institutions")
        constraints = succession_constraints("institution_succession")
