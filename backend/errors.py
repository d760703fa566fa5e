"""Errors a person can act on: each has a stable code and never carries a protected value."""

import traceback
from typing import Literal

ErrorCode = Literal[
    "BAD_USER_INPUT",
    "FORBIDDEN",
    "UNAUTHENTICATED",
    "NOT_FOUND",
    "RATE_LIMITED",
    "UNAVAILABLE",
    "AUDIT_UNAVAILABLE",
]


class ContactPointError(Exception):
    """An expected failure, shown to the caller with its code and (optionally) the field."""

    code: ErrorCode = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadInput(ContactPointError):
    code = "BAD_USER_INPUT"


class Forbidden(ContactPointError):
    code = "FORBIDDEN"


class Unauthenticated(ContactPointError):
    code = "UNAUTHENTICATED"


class NotFound(ContactPointError):
    code = "NOT_FOUND"


class RateLimited(ContactPointError):
    code = "RATE_LIMITED"


class Unavailable(ContactPointError):
    code = "UNAVAILABLE"


class AuditUnavailable(ContactPointError):
    """The audit event could not be written, so nothing it would account for is given
    ("no audit, no data"): operators and partners must tell it from a bug."""

    code = "AUDIT_UNAVAILABLE"


class SetupError(Exception):
    """The machine or configuration is not fit to run: one line saying what to do."""


def describe_unexpected(error: BaseException) -> str:
    """Exception type and code location only: the message may quote protected values."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ", ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" for frame in frames[-4:]
    )
    return f"{type(error).__name__} at {where}"
