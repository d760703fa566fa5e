"""Unique, valid identifiers for demo children: ContactPoint IDs, NHS numbers and UPNs.

Each is derived injectively from the child's id, so a million children need no
uniqueness bookkeeping; lookup tables keep the check digits cheap.
"""

from functools import cache

from backend.domain.identifiers import make_contact_point_id, nhs_check_digit

# Prime, odd and not a multiple of 5, hence coprime with 10**11: multiplying by it permutes
# the 11-digit serials, so IDs are unique but consecutive children do not get neighbours.
CONTACT_POINT_MULTIPLIER = 61_803_398_903
# Demo NHS numbers come only from NHS England's test range, 999 000 0000 to 999 999 9999,
# never from a range issued to real people: the first nine digits are this plus the
# child's id. About one body in eleven has no valid check digit, and ids past the range
# get no NHS number at all (it is optional), so a 1M-child demo has about 909k of them.
NHS_TEST_BASE = 999_000_000
NHS_TEST_LIMIT = 1_000_000
MAX_CHILD_ID = 10**8 - 1
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE's check letters: no I, O or S


def contact_point_id_for(child_id: int) -> str:
    return make_contact_point_id(child_id * CONTACT_POINT_MULTIPLIER % 10**11)


def _weighted_sums(digits: int, weights: tuple[int, ...]) -> tuple[int, ...]:
    """Sum of digit x weight for every `digits`-digit number, zero-padded, in order."""
    return tuple(
        sum(int(char) * weight for char, weight in zip(f"{n:0{digits}d}", weights, strict=True))
        for n in range(10**digits)
    )


@cache
def _upn_tables() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    return (
        _weighted_sums(3, (2, 3, 4)),
        _weighted_sums(5, (5, 6, 7, 8, 9)),
        _weighted_sums(4, (10, 11, 12, 13)),
    )


def nhs_number_for(child_id: int) -> str | None:
    """A valid NHS number (modulus 11) from the test range, unique to `child_id`; or None."""
    if not 0 <= child_id < NHS_TEST_LIMIT:
        return None
    body = f"{NHS_TEST_BASE + child_id:09d}"
    check = nhs_check_digit(body)
    return None if check is None else f"{body}{check}"


def upn_for(authority_number: int, child_id: int) -> str:
    """A unique pupil number: DfE check letter, 3-digit authority number, 9-digit serial."""
    if not 0 <= authority_number < 1000 or not 0 <= child_id < 10**9:
        raise ValueError("authority number or child id out of range for a UPN")
    authority, high, low = _upn_tables()
    total = authority[authority_number] + high[child_id // 10_000] + low[child_id % 10_000]
    return f"{UPN_LETTERS[total % 23]}{authority_number:03d}{child_id:09d}"
