"""Checking how a practitioner is reached: names, job titles, phone numbers and emails.

Each check names the field it was given, so the caller's error points at the right box.
"""

import re

from backend.errors import BadInput

_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,38}$")
# No '?', '&' or '%': an address shown as a mailto: link must not smuggle in headers.
_EMAIL = re.compile(r"^[^@\s?&%]+@[^@\s?&%]+\.[^@\s?&%]+$")
_ORGANISATION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")


def _encodes(text: str) -> bool:
    """A lone surrogate (JSON's "\\ud800") is no character: it cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_field(
    value: str | None, field: str, *, limit: int, required: bool = False, lines: bool = False
) -> str | None:
    """Stripped text, None when blank (an error instead when required); with `lines`,
    several lines are allowed (a message, a reason)."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BadInput(f"{field} is required", field=field)
        return None
    if len(cleaned) > limit:
        raise BadInput(f"{field} must be at most {limit} characters", field=field)
    if "\x00" in cleaned or (not cleaned.isprintable() and not _encodes(cleaned)):
        raise BadInput(f"{field} contains a character that is not text", field=field)
    if not lines and any(ch in cleaned for ch in "\r\n"):
        raise BadInput(f"{field} must be a single line of text", field=field)
    return cleaned


def phone_number(value: str | None, field: str = "phone") -> str | None:
    cleaned = text_field(value, field, limit=40)
    if cleaned is not None and not _PHONE.match(cleaned):
        raise BadInput(
            f"{field} must be a phone number: digits, spaces and an optional leading +",
            field=field,
        )
    return cleaned


def email_address(value: str | None, field: str = "email") -> str | None:
    cleaned = text_field(value, field, limit=254)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise BadInput(f"{field} must be an email address like name@example.org", field=field)
    return cleaned.lower() if cleaned else None


def organisation_code(value: str, field: str) -> str:
    """An organisation code as stored: 2 to 32 capitals, digits, '-' or '_'."""
    code = value.strip().upper()
    if not _ORGANISATION_CODE.match(code):
        raise BadInput(f"{field} must be an organisation code, like E08000035", field=field)
    return code
