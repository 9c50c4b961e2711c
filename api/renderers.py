from rest_framework_csv.renderers import CSVRenderer


class LatticeCSVRenderer(CSVRenderer):
    """CSV for spreadsheets: a list's rows, a detail as one row, an error as one row.

    Nested objects become dotted columns (`network.slug`, `sources.0.document_url`).
    """

    def render(self, data, media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and "error" in data:
            error = data["error"]
            data = [{"status": error["status"], "code": error["code"], "message": error["message"]}]
        elif isinstance(data, dict) and "results" in data:
            data = data["results"]
        return super().render(data, media_type, renderer_context)
