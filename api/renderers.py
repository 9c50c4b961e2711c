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
