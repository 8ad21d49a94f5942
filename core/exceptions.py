"""Domain errors. Services raise them; the API and views turn them into responses."""

from __future__ import annotations


class ApplicationError(Exception):
    """A request the domain refuses, with a message for a person."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    status_code = 404
    code = "not_found"


class ConflictError(ApplicationError):
    """The request clashes with existing data (e.g. a double booking)."""

    status_code = 409
    code = "conflict"
