"""Search criteria as a practitioner types them, checked and normalised (no I/O).

Minimum criteria (SPEC section 4): a family name plus at least one of given name, date of
birth or postcode; or an exact ContactPoint ID. Names are matched on letters only, so
quotes, `%`, `_` and `*` are separators, never wildcards.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from backend.domain.identifiers import normalise_contact_point_id, normalise_postcode, outward_code
from backend.errors import BadInput

MAX_NAME_LENGTH = 100
OLDEST = timedelta(days=366 * 26)  # records are kept past 18; anything older is a typing slip


@dataclass(frozen=True, slots=True)
class Criteria:
    family: str | None = None  # name key: lower case letters and single spaces
    given: str | None = None
    previous: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    postcode: str | None = None  # full, normalised ("LS1 4AP"), if a full one was given
    outward: str | None = None  # outward part ("LS1")
    contact_point_id: str | None = None
    # The criteria typed, by their input names ("postcodeDistrict" for an outward part
    # only): what a partner's allowlist is checked against.
    typed: frozenset[str] = frozenset()

    def as_audit(self) -> dict[str, str]:
        """The criteria as searched, for the audit event (SPEC section 6)."""
        values = {
            "familyName": self.family,
            "givenName": self.given,
            "previousName": self.previous,
            "dateOfBirth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "gender": self.gender,
            "postcode": self.postcode or self.outward,
            "contactPointId": self.contact_point_id,
        }
        return {key: value for key, value in values.items() if value}


def name_key(text: str) -> str:
    """The same normalisation as the database's cp_name_key()."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z]+", " ", letters).split())


def _name(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_NAME_LENGTH:
        raise BadInput(f"{field} must be at most {MAX_NAME_LENGTH} characters", field=field)
    key = name_key(value)
    if not key:
        raise BadInput(f"{field} must contain letters", field=field)
    return key


def parse_date_of_birth(value: str | None, today: date) -> date | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    parsed: date | None = None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if match:
            try:
                parsed = date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                parsed = None
    if parsed is None:
        raise BadInput(
            "dateOfBirth must be a date like 2015-03-14 or 14/03/2015", field="dateOfBirth"
        )
    if parsed > today:
        raise BadInput("dateOfBirth cannot be in the future", field="dateOfBirth")
    if parsed < today - OLDEST:
        raise BadInput("dateOfBirth is too long ago for a child's record", field="dateOfBirth")
    return parsed


def parse_criteria(
    *,
    family_name: str | None = None,
    given_name: str | None = None,
    previous_name: str | None = None,
    date_of_birth: str | None = None,
    gender: str | None = None,
    postcode: str | None = None,
    contact_point_id: str | None = None,
    today: date,
) -> Criteria:
    if contact_point_id and contact_point_id.strip():
        cp_id = normalise_contact_point_id(contact_point_id)
        if cp_id is None:
            raise BadInput(
                "contactPointId must be a ContactPoint ID: 12 digits, as printed",
                field="contactPointId",
            )
        return Criteria(contact_point_id=cp_id, typed=frozenset({"contactPointId"}))
    family = _name(family_name, "familyName")
    given = _name(given_name, "givenName")
    previous = _name(previous_name, "previousName")
    dob = parse_date_of_birth(date_of_birth, today)
    full_postcode = outward = None
    if postcode and postcode.strip():
        if len(postcode) > 10:
            raise BadInput(
                "postcode must be a UK postcode like LS1 4AP, or its first part", field="postcode"
            )
        full_postcode = normalise_postcode(postcode)
        outward = outward_code(postcode)
        if outward is None:
            raise BadInput(
                "postcode must be a UK postcode like LS1 4AP, or its first part like LS1",
                field="postcode",
            )
    if family is None and previous is None:
        raise BadInput(
            "give the child's family name (or an exact ContactPoint ID)", field="familyName"
        )
    if given is None and dob is None and outward is None:
        raise BadInput(
            "with a family name, also give a given name, a date of birth or a "
            "postcode: searches that wide are not allowed",
            field="familyName",
        )
    typed = {
        name
        for name, value in (
            ("familyName", family),
            ("givenName", given),
            ("previousName", previous),
            ("dateOfBirth", dob),
            ("gender", gender),
            ("postcode", full_postcode),
        )
        if value is not None
    }
    if outward is not None and full_postcode is None:
        typed.add("postcodeDistrict")
    return Criteria(
        typed=frozenset(typed),
        family=family or previous,
        given=given,
        previous=previous,
        date_of_birth=dob,
        gender=gender,
        postcode=full_postcode,
        outward=outward,
    )
