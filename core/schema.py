"""The OpenAPI schema (drf-spectacular) is the API's contract: these pieces keep it true."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .api import ErrorSerializer


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "example": "09:00:00"}
)
class WallClockTimeField(serializers.TimeField):
    """A clinic-local time of day. OpenAPI's `format: time` would demand a UTC offset, which it has not."""


class AutoSchema(openapi.AutoSchema):
    """Documents the errors every operation can answer with, in the one error shape."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        ins = {parameter["in"] for parameter in operation.get("parameters", [])}
        changes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        errors = {}
        if changes or "query" in ins:
            errors["400"] = "Invalid input, or a request the clinic's rules refuse; `message` says why."
        errors["403"] = "Not logged in, or your role may not do this."
        if "path" in ins:
            errors["404"] = "No such object."
        if changes:
            errors["409"] = "Clashes with other data or the object's state (e.g. a double booking)."
        errors["429"] = "Too many requests; try again later."
        error = self.resolve_serializer(ErrorSerializer(), "response").ref
        for code, description in errors.items():
            operation["responses"].setdefault(
                code, {"description": description, "content": {"application/json": {"schema": error}}}
            )
        return operation


def role_shaped_responses_any_of(result, generator, request, public):
    """A response shaped by the caller's role (components named "...ForRole": the full record for
    clinical staff, a subset for others) validates against both shapes, so it is "anyOf", not
    drf-spectacular's "oneOf"."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("ForRole") and "oneOf" in component:
            component["anyOf"] = component.pop("oneOf")
    return result
