import csv

import orjson
from django.urls import reverse
from django.utils.text import slugify
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder
from rest_framework_csv.renderers import CSVRenderer

# Dates and times as DRF writes them ("…Z" for UTC), not as orjson would.
ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


class LatticeJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer with orjson doing the encoding: the same JSON, several times faster.

    What orjson does not know (dates and times, lazy translations, Decimal) goes through
    DRF's JSONEncoder, so values come out as before. What orjson refuses (integers
    beyond 64 bits, keys that are not strings) and what it cannot write (an `indent=`
    in the Accept header, ASCII-only or non-compact settings) falls back to DRF's own
    rendering. One difference remains: a NaN becomes null instead of an error.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is None and self.compact and not self.ensure_ascii:
            try:
                encoded = orjson.dumps(data, default=JSONEncoder().default, option=ORJSON_OPTIONS)
            except orjson.JSONEncodeError:
                pass
            else:
                # As DRF does: JSON that is also valid JavaScript.
                return encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                    b"\xe2\x80\xa9", b"\\u2029"
                )
        return super().render(data, accepted_media_type, renderer_context)


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A text cell that would start a formula, with a leading single quote (OWASP).

    Every such text cell is escaped, "-5" and "+41 22 …" included, as OWASP advises (a finer
    rule would be one more thing to get around). Numbers stay numbers: a typed int or float
    cannot run anything.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class LatticeCSVRenderer(CSVRenderer):
    """CSV for spreadsheets: a list's rows, a detail as one row, an error as one row.

    Nested objects become dotted columns (`network.slug`, `sources.0.document_url`).
    Made safe to open in a spreadsheet, as OWASP's CSV injection guidance asks: a text cell
    that would start a formula gets a leading single quote, and every text cell is quoted,
    so that a program splitting on its own list separator (`;` in many locales) cannot
    make a new cell start inside one. The response is a download: an attachment named
    after the endpoint (`lattice-networks-btc-members.csv`).
    """

    writer_opts = {"quoting": csv.QUOTE_NONNUMERIC}

    def tablize(self, data, header=None, labels=None):
        for row in super().tablize(data, header=header, labels=labels):
            yield [neutralise_formula(value) for value in row]

    def render(self, data, media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response, request = renderer_context.get("response"), renderer_context.get("request")
        if response is not None and request is not None:
            response["Content-Disposition"] = f'attachment; filename="{self.filename(request)}"'
        if isinstance(data, dict) and "error" in data:
            error = data["error"]
            data = [{"status": error["status"], "code": error["code"], "message": error["message"]}]
        elif isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        if data == [] and "view" in renderer_context:
            # An empty list still gets its header row (and so a Content-Type).
            header = list(renderer_context["view"].get_serializer().fields)
        else:
            # Columns in the serializer's order, not alphabetical.
            header = list(dict.fromkeys(k for item in data for k in self.flatten_item(item)))
        renderer_context = {**renderer_context, "header": header}
        return super().render(data, media_type, renderer_context)

    @staticmethod
    def filename(request) -> str:
        """The download's name: /api/v1/networks/btc/members/ → lattice-networks-btc-members.csv."""
        path = request.path.removeprefix(reverse("api:api-root"))
        return "-".join(filter(None, ["lattice", slugify(path.replace("/", " "))])) + ".csv"
