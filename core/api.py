"""API plumbing shared by every app: pagination and one error format.

Every error body is {"message": str, "code": str, "errors": {field: [str, ...]}} plus any
extra keys the domain error carries (e.g. the id of a clashing appointment). 404s and 500s
under /api/ that never reach a view have the same shape (core.views).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    message = serializers.CharField(help_text="For a person: what was wrong, specifically.")
    code = serializers.CharField(help_text="For a program: e.g. invalid, not_found, permission_denied, conflict.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Messages per input field."
    )


def error_body(message: str, code: str) -> dict:
    return {"message": message, "code": code, "errors": {}}


class Pagination(PageNumberPagination):
    """Page numbers from 1; `page_size` 1 to 200. Anything else, or a page past the end, is a 400."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _whole_number(raw, self.page_size_query_param, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None:
            _whole_number(raw, self.page_query_param)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise exceptions.ValidationError(
                {self.page_query_param: [f"Page {raw} does not exist; there {'is' if pages == 1 else 'are'} "
                                         f"{pages} page{'' if pages == 1 else 's'}."]}
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def _whole_number(raw: str, name: str, *, maximum: int | None = None) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        limit = f"from 1 to {maximum}" if maximum else "of 1 or more"
        raise exceptions.ValidationError({name: [f"Give a whole number {limit}, not “{raw}”."]})
    return value


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
