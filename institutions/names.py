"""Jurisdictions named the way a reader names them (#18): "Germany", "germany", "DE",
"deu" or "United States of America" all find their jurisdiction.

The one resolver behind every field that asks for a jurisdiction: the compare page,
the lists' filters and their API twins. Codes keep working, so existing links do.
"""

from collections.abc import Iterable

import pycountry
from django import forms
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction

# Everyday names that neither our names nor ISO 3166's (pycountry) know.
ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "america": "US",
    "turkey": "TR",
    "ivory coast": "CI",
    "holland": "NL",
    "korea": "KR",
    "czech republic": "CZ",
    "european union": "EU",
}


MAX_NAME_LENGTH = 200


class UnknownJurisdiction(ValueError):
    """Some of the names given match no jurisdiction."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(", ".join(names))


def _iso_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of an ISO name, official name or alpha-3 code."""
    if alias := ALIASES.get(name.casefold()):
        return alias
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def resolve_jurisdictions(names: Iterable[str]) -> dict[str, Jurisdiction]:
    """Each of `names` (a code, a name or a slug, any case) with its jurisdiction, in
    the order given; raises UnknownJurisdiction naming those that match none. One query
    for all of them."""
    names = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    if not names:
        return {}
    # A NUL names nothing, and PostgreSQL refuses it in a query.
    if unknown := [name for name in names if "\x00" in name]:
        raise UnknownJurisdiction(unknown)
    codes = {name: name.upper() for name in names}
    codes.update({name: code for name in names if (code := _iso_code(name))})
    condition = Q(code__in=set(codes.values())) | Q(slug__in=[slugify(n) for n in names])
    for name in names:
        condition |= Q(name__iexact=name)
    by_key: dict[str, Jurisdiction] = {}
    for jurisdiction in Jurisdiction.objects.filter(condition):
        # A code, then a name, then a slug: "DE" is Germany even if a name were "De".
        for key in (jurisdiction.code, jurisdiction.name, jurisdiction.slug):
            by_key.setdefault(key.casefold(), jurisdiction)
    found = {}
    for name in names:
        found[name] = (
            by_key.get(name.casefold())
            or by_key.get(codes[name].casefold())
            or by_key.get(slugify(name))
        )
    if unknown := [name for name, jurisdiction in found.items() if jurisdiction is None]:
        raise UnknownJurisdiction(unknown)
    return found


def unknown_message(names: list[str]) -> str:
    return _("Unknown jurisdiction: %(names)s. Give a name or a code, e.g. Germany or DE.") % {
        "names": ", ".join(names)
    }


class JurisdictionNameField(forms.ModelChoiceField):
    """One jurisdiction, by name or code; its cleaned value is the Jurisdiction. A name
    that matches none is an `invalid_choice`, as an unknown code always was (the API
    answers it with a 404, like any missing record)."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(Jurisdiction.objects.all() if queryset is None else queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        # Longer than any name: not looked up.
        name = str(value).strip()[:MAX_NAME_LENGTH]
        try:
            return resolve_jurisdictions([name])[name]
        except UnknownJurisdiction as exc:
            raise forms.ValidationError(unknown_message(exc.names), code="invalid_choice") from exc


def jurisdiction_names() -> list[tuple[str, str]]:
    """(name, code) of every jurisdiction, by name: the options of the name fields'
    autocomplete (a <datalist>). One query."""
    return list(Jurisdiction.objects.order_by("name").values_list("name", "code"))
