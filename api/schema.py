"""OpenAPI post-processing: document the errors every operation can answer with."""

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
    "404": "No such record, or an unknown `format`.",
    "429": "Too many requests: wait for the number of seconds in `Retry-After`.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: add the Error schema and 400/404/429 to every operation."""
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
                if parameter["name"] == "page":
                    parameter["schema"]["minimum"] = 1
                if parameter["name"] == "page_size":
                    parameter["schema"].update({"minimum": 1, "maximum": 1000})
    return result
