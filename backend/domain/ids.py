"""Ids as callers type them, checked once: each failure names the field it came from."""

import uuid

from backend.domain.identifiers import normalise_contact_point_id
from backend.errors import BadInput


def record_id(value: str, field: str, what: str) -> uuid.UUID:
    """A UUID id of a row (`what`: "a user", "an involvement"...)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadInput(f"{field} is not {what} id", field=field) from None


def contact_point_id(value: str, field: str = "childId") -> str:
    cp_id = normalise_contact_point_id(value)
    if cp_id is None:
        raise BadInput(f"{field} must be a ContactPoint ID: 12 digits", field=field)
    return cp_id
