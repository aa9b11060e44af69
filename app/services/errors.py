"""Errors raised by services; the web and the API translate each to a response."""

from __future__ import annotations

# Ids are INTEGER columns, 32 bits on PostgreSQL: larger ids cannot exist, and looking them up (or
# comparing with them) makes PostgreSQL refuse the query ("integer out of range"), a 500.
MAX_ID = 2**31


class ServiceError(Exception):
    """Base class: `message` is already in the user's language."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class TooManyAttempts(ServiceError):
    """Refused for now (e.g. too many failed sign-ins); ``retry_after`` seconds until it may succeed."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class RuleViolation(ServiceError):
    """A programme rule refuses the request (e.g. the call is closed)."""

    status = 422


class ValidationFailed(ServiceError):
    status = 422

    def __init__(self, errors: list, message: str):
        super().__init__(message)
        self.errors = errors
