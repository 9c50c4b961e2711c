from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """One error shape for every refused request.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"as_of": [...]}}}
    `fields` names the offending parameters, when there are any.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = {}
    if isinstance(detail, dict) and "detail" not in detail:
        fields = {
            key: [str(m) for m in (v if isinstance(v, list) else [v])] for key, v in detail.items()
        }
        message = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in fields.items())
        code = "invalid"
    elif isinstance(detail, list):
        message = " ".join(str(m) for m in detail)
        code = "invalid"
    else:
        message = str(detail.get("detail", detail))
        code = getattr(detail.get("detail"), "code", None) or getattr(exc, "default_code", "error")
    error = {"status": response.status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    response.data = {"error": error}
    return response
