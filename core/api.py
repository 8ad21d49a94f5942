"""API plumbing shared by every app: pagination and one error format.

Every error body is {"message": str, "code": str, "errors": {field: [str, ...]}} plus any
extra keys the domain error carries (e.g. the id of a clashing appointment).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {key: [str(e) for e in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(e) for e in detail]}
    return {}


def _first_message(errors: dict) -> str:
    for field, messages in errors.items():
        if messages:
            # Errors about the whole object (Django's "__all__") read as they are, without a key.
            return messages[0] if field in ("non_field_errors", NON_FIELD_ERRORS) else f"{field}: {messages[0]}"
    return "Invalid input."


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"message": exc.message, "code": exc.code, "errors": {}, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        response.data = {"message": _first_message(errors), "code": "invalid", "errors": errors}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"message": str(detail), "code": code if isinstance(code, str) else "error", "errors": {}}
    return response
