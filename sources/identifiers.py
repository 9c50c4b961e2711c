"""The one rule for each identifier in another register that Lattice records (Wikidata
QIDs, Legal Entity Identifiers): the pattern the database holds them to, the validator
the models and the loader check with, and the form field the shared FilterSets read
lookups (`?wikidata=`, `?lei=`) with. The API's schema states the same patterns
(api.schema.describe_field reads `schema_pattern`)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A Wikidata item: Q and a number without leading zeros.
WIKIDATA_QID_PATTERN = r"^Q[1-9][0-9]*$"
# ISO 17442: 18 upper-case letters or digits, then two check digits.
LEI_PATTERN = r"^[A-Z0-9]{18}[0-9]{2}$"

# Used with fullmatch: Python's `$` also matches before a final newline.
WIKIDATA_QID_RE = re.compile(WIKIDATA_QID_PATTERN)
LEI_RE = re.compile(LEI_PATTERN)

WIKIDATA_QID_MESSAGE = _("A Wikidata QID looks like Q123.")
LEI_SHAPE_MESSAGE = _(
    "A Legal Entity Identifier (LEI) is 20 characters: 18 letters or digits, then 2 check digits."
)
LEI_CHECKSUM_MESSAGE = _(
    "%(value)s is not a Legal Entity Identifier: its check digits do not match "
    "(ISO 7064 MOD 97-10)."
)


def mod97_10_number(value: str) -> int:
    """The characters as ISO 7064 MOD 97-10 reads them: each letter a number (A=10 … Z=35,
    either case), each digit itself, written one after another as one number."""
    return int("".join(str(int(character, 36)) for character in value))


def lei_check_digits(first_18: str) -> str:
    """The two check digits ISO 17442 appends to an LEI's first 18 characters."""
    return f"{98 - mod97_10_number(first_18 + '00') % 97:02d}"


def lei_checksum_ok(value: str) -> bool:
    """ISO 7064 MOD 97-10, as ISO 17442 uses it: the whole LEI read as one number leaves
    remainder 1 when divided by 97."""
    return mod97_10_number(value) % 97 == 1


def validate_wikidata_qid(value: str) -> None:
    if not WIKIDATA_QID_RE.fullmatch(value):
        raise ValidationError(WIKIDATA_QID_MESSAGE, code="invalid_qid")


def validate_lei_shape(value: str) -> None:
    """An LEI's shape only: what the database's CheckConstraints and the lookups check."""
    if not LEI_RE.fullmatch(value):
        raise ValidationError(LEI_SHAPE_MESSAGE, code="invalid_lei")


def validate_lei(value: str) -> None:
    """An LEI's shape and its check digits: what the models' `full_clean` (so the admin)
    and the loader check before an LEI is stored. A CheckConstraint cannot compute the
    checksum, so the database holds the shape only."""
    validate_lei_shape(value)
    if not lei_checksum_ok(value):
        raise ValidationError(
            LEI_CHECKSUM_MESSAGE, code="invalid_lei_checksum", params={"value": value}
        )


class IdentifierField(forms.CharField):
    """One identifier in a query, exactly as given but for case (q42 is Q42): a malformed
    one is refused with the register's rule before any query."""

    # The pattern of what it accepts, for the API's schema.
    schema_pattern = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).upper()


class WikidataQIDField(IdentifierField):
    # Upper or lower case: the field reads q42 as Q42.
    schema_pattern = "^[Qq][1-9][0-9]*$"
    default_validators = [validate_wikidata_qid]


class LEIField(IdentifierField):
    """An LEI in a lookup, checked for its shape only. Check digits that do not match are
    a well-formed question that finds nothing, as an unknown slug in `member=` does: the
    API's schema can state a pattern but not a checksum, and a request the schema allows
    must be accepted (api/tests/test_schema_fuzz.py)."""

    schema_pattern = "^[A-Za-z0-9]{18}[0-9]{2}$"
    default_validators = [validate_lei_shape]
