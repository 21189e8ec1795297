"""The API schema documents the errors every operation can answer, from the rules DRF applies to
its view (drf-spectacular documents successes only):

- 400: an operation that takes a body, with DRF's validation errors (an object of field ->
  messages, or a list of messages);
- 403: an operation that needs a login (not logged in, or not allowed), or that reads credentials
  (a token or session that is not valid);
- 404: an operation on one object (`{id}`): not there, or not visible to the requester;
- 429: a throttled operation (its view has throttle classes).

Registered as a drf-spectacular postprocessing hook (`SPECTACULAR_SETTINGS`); the API fuzz test
(`tests/coach/test_api_fuzz.py`) checks every response against the result.
"""

from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ]
}
BODY_METHODS = ("post", "put", "patch", "delete")


def _response(description: str, component: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{component}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, _, method, callback in generator.endpoints:
        # The schema's path, as drf-spectacular wrote it ({pk} -> {id}).
        path = generator.coerce_path(path, method, generator.create_view(callback, method))
        operation = result["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        view_class = callback.cls
        responses = operation.setdefault("responses", {})
        errors = {}
        if method.lower() in BODY_METHODS:
            errors["400"] = _response("Invalid input", "ValidationError")
        needs_login = any(
            permission is not AllowAny for permission in view_class.permission_classes
        )
        if needs_login or view_class.authentication_classes:
            errors["403"] = _response(
                "Not logged in, not allowed, or credentials not valid", "Error"
            )
        if "{" in path:
            errors["404"] = _response("No such object, or not visible to you", "Error")
        if view_class.throttle_classes:
            errors["429"] = _response("Too many requests: try again later", "Error")
        for status, response in errors.items():
            responses.setdefault(status, response)
    return result
