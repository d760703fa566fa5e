"""ContactPoint IDs, NHS numbers and postcodes: the same rules the database CHECKs enforce."""

import re

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return str(interim)


def make_contact_point_id(serial: int) -> str:
    """A 12-digit ContactPoint ID: 11 digits from `serial`, then the Damm check digit."""
    if not 0 <= serial < 10**11:
        raise ValueError("serial out of range")
    body = f"{serial:011d}"
    return body + damm_digit(body)


def normalise_contact_point_id(text: str) -> str | None:
    """The 12 digits of an ID typed with spaces or hyphens, or None when it is not valid."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[0-9]{12}", digits) or damm_digit(digits) != "0":
        return None
    return digits


def format_contact_point_id(cp_id: str) -> str:
    return f"{cp_id[0:4]} {cp_id[4:8]} {cp_id[8:12]}"


def nhs_check_digit(first_nine: str) -> int | None:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_valid(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{10}", text):
        return False
    return nhs_check_digit(text[:9]) == int(text[9])


def normalise_postcode(text: str) -> str | None:
    """`ls14ap` -> `LS1 4AP`; None when it is not a full UK postcode."""
    compact = re.sub(r"\s+", "", text).upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def outward_code(text: str) -> str | None:
    """The outward part of a full or partial postcode (`LS1 4AP` or `ls1` -> `LS1`)."""
    full = normalise_postcode(text)
    if full:
        return full.split(" ")[0]
    compact = re.sub(r"\s+", "", text).upper()
    return compact if _OUTWARD.match(compact) else None


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE's check letters: no I, O or S
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def upn_valid(text: str) -> bool:
    """A unique pupil number: a DfE check letter, then 11 digits and a digit or letter
    (a temporary UPN ends in a letter). The check letter is the sum of each later
    character's value times its position (2 to 13), modulo 23."""
    if not _UPN.match(text):
        return False
    last = text[12]
    if last.isalpha() and last not in _UPN_LETTERS:
        return False
    values = [int(c) for c in text[1:12]]
    values.append(int(last) if last.isdigit() else _UPN_LETTERS.index(last))
    total = sum(value * weight for value, weight in zip(values, range(2, 14), strict=True))
    return text[0] == _UPN_LETTERS[total % 23]
