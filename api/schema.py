"""The OpenAPI schema tells the truth: what a request may carry, and every error answer.

A request the schema allows is one the API accepts (Schemathesis checks it:
api/tests/test_schema_fuzz.py, `positive_data_acceptance`), and one it forbids is
refused. So each query parameter carries the bounds its field enforces: list sizes
(sources.filters.MAX_LIST_VALUES), search words, slug and code patterns, the `as_of`
range; and every operation documents its 400, 404, 429, 500 and 503 answers.
"""

import datetime

from django import forms
from django.db import models
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from sources.filters import BoundedCSVField, SearchField
from sources.forms import AS_OF_EARLIEST, as_of_latest
from sources.identifiers import IdentifierField

# What forms.SlugField (and Django's <slug:...> converter) accepts.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
# Jurisdictions are looked up by their exact code: DE, EU, CA-ON.
CODE_PATTERN = "^[A-Z]{2}(-[A-Z0-9]{1,3})?$"


def space_class() -> str:
    """The characters Python's str.split() and str.strip() take for white space, as the
    inside of a character class: JSON Schema patterns are ECMA-262 regular expressions,
    whose `\\s` is another set (no U+001C-U+001F or U+0085)."""
    spaces = [code for code in range(0x3001) if chr(code).isspace()]
    runs, start = [], spaces[0]
    for previous, code in zip(spaces, [*spaces[1:], None], strict=True):
        if code != previous + 1:
            runs.append((start, previous))
            start = code
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in runs
    )


SPACE = f"[{space_class()}]"
# A character of a word: neither white space nor NUL (ops.nul refuses NUL).
WORD_CHARACTER = f"[^{space_class()}\\u0000]"
# Free text: not blank (api.filters.strict_error) and no NUL.
TEXT_PATTERN = f"^{SPACE}*{WORD_CHARACTER}[^\\u0000]*$"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refused request answers with this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status code."},
                "code": {"type": "string", "description": "A machine-readable reason."},
                "message": {"type": "string", "description": "What went wrong, in words."},
                "fields": {
                    "type": "object",
                    "description": "Messages per offending query parameter.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}

ERRORS = {
    "400": "A query parameter is malformed; `fields` names it.",
    "404": (
        "No such record: a path's slug or id, or a filter's slug or code, names none "
        "(`fields` names the filter); a page past the last; or an unknown `format`."
    ),
    "429": "Too many requests: wait for the number of seconds in `Retry-After`.",
    "500": "A fault of ours. It is logged; try again later.",
    "503": (
        "The database is unavailable, or the request took too long and was stopped: "
        "try again after the number of seconds in `Retry-After`."
    ),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: add the Error schema and its answers to every operation, and
    the rules every query parameter of a kind shares."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for status, description in ERRORS.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": ref},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                )
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                # An empty value is refused (api.filters.StrictFilterBackend).
                if parameter["in"] == "query" and schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                    if not {"enum", "format", "pattern"} & schema.keys():
                        schema["pattern"] = TEXT_PATTERN
                # Records are named by slug, or memberships and sources by number; any
                # other path segment finds none (404).
                if parameter["in"] == "path" and parameter["name"] == "slug":
                    parameter["schema"] = {"type": "string", "pattern": SLUG_PATTERN}
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer"}
                # One `as_of` everywhere (sources.forms.AsOfField), with its one range.
                if parameter["name"] == "as_of":
                    schema["pattern"] = date_pattern(AS_OF_EARLIEST, as_of_latest())
                if parameter["name"] == "page":
                    parameter["schema"]["minimum"] = 1
                if parameter["name"] == "page_size":
                    parameter["schema"].update({"minimum": 1, "maximum": 1000})
    return result


class StrictFilterExtension(DjangoFilterExtension):
    """The FilterSets' parameters as drf-spectacular reads them, with the bounds their
    form fields enforce (api.filters.StrictFilterBackend reads the same FilterSets)."""

    target_class = "api.filters.StrictFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            describe_field(parameter["schema"], filter_field.field)
        return parameters


def describe_field(schema: dict, field: forms.Field) -> None:
    """Add to a parameter's schema the bounds its form field checks."""
    if isinstance(field, BoundedCSVField):
        schema.update(minItems=1, maxItems=field.max_values)
        schema = schema["items"]
        schema.setdefault("minLength", 1)
    if isinstance(field, SearchField):
        word = f"{WORD_CHARACTER}+"
        more = f"(?:{SPACE}+{word}){{0,{field.max_words - 1}}}"
        schema["pattern"] = f"^{SPACE}*{word}{more}{SPACE}*$"
        schema["maxLength"] = field.max_length
    elif isinstance(field, IdentifierField):
        # Wikidata QIDs and LEIs: the pattern the field checks (sources.identifiers).
        schema["pattern"] = field.schema_pattern
    elif isinstance(field, forms.SlugField):
        schema["pattern"] = SLUG_PATTERN
    elif isinstance(field, forms.ModelChoiceField) and field.to_field_name:
        target = field.queryset.model._meta.get_field(field.to_field_name)
        schema["pattern"] = SLUG_PATTERN if isinstance(target, models.SlugField) else CODE_PATTERN


# Each part of a date written YYYY-MM-DD: its width, smallest and largest value.
DATE_PARTS = ((4, 1, 9999), (2, 1, 12), (2, 1, 31))


def date_pattern(earliest: datetime.date, latest: datetime.date) -> str:
    """A regular expression for the dates from `earliest` to `latest`, written YYYY-MM-DD.

    JSON Schema has no minimum or maximum for a date; a pattern states the range exactly
    (whether a day exists in its month is the `date` format's business).
    """
    low = (earliest.year, earliest.month, earliest.day)
    high = (latest.year, latest.month, latest.day)
    return f"^{parts_between(low, high, DATE_PARTS)}$"


def parts_between(low: tuple, high: tuple, parts: tuple) -> str:
    """Dates as parts (year, month, day) from `low` to `high`, as a regular expression."""
    (width, _smallest, _largest), rest = parts[0], parts[1:]

    def text(number: int) -> str:
        return str(number).zfill(width)

    if not rest:
        return digits_between(text(low[0]), text(high[0]))
    if low[0] == high[0]:
        return f"{text(low[0])}-{parts_between(low[1:], high[1:], rest)}"
    first = tuple(part[1] for part in rest)
    final = tuple(part[2] for part in rest)
    options = []
    start, stop = low[0], high[0]
    if low[1:] != first:
        options.append(f"{text(start)}-{parts_between(low[1:], final, rest)}")
        start += 1
    if high[1:] != final:
        stop -= 1
    if start <= stop:
        any_rest = parts_between(first, final, rest)
        options.append(f"{digits_between(text(start), text(stop))}-{any_rest}")
    if high[1:] != final:
        options.append(f"{text(high[0])}-{parts_between(first, high[1:], rest)}")
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


def digits_between(low: str, high: str) -> str:
    """The digit strings as long as `low`, from `low` to `high`, as a regular expression."""
    if low == high:
        return low
    if low[0] == high[0]:
        return low[0] + digits_between(low[1:], high[1:])
    rest = len(low) - 1
    zeros, nines = "0" * rest, "9" * rest
    tail = {0: "", 1: r"\d"}.get(rest, rf"\d{{{rest}}}")
    options = []
    first, last = int(low[0]), int(high[0])
    if low[1:] != zeros:
        options.append(low[0] + digits_between(low[1:], nines))
        first += 1
    if high[1:] != nines:
        last -= 1
    if first <= last:
        options.append((str(first) if first == last else f"[{first}-{last}]") + tail)
    if high[1:] != nines:
        options.append(high[0] + digits_between(zeros, high[1:]))
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
