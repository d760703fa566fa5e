"""The fields linkage compares and the agreement levels of each.

A level's position in its tuple is the code the database's comparison function returns
(`cp_family_level` and friends, migration 0008); position 0 is always MISSING: nothing to
compare, so the field adds no evidence either way.
"""

from enum import StrEnum


class LinkField(StrEnum):
    FAMILY = "FAMILY"
    GIVEN = "GIVEN"
    BIRTH = "BIRTH"
    POSTCODE = "POSTCODE"  # a full postcode was typed
    DISTRICT = "DISTRICT"  # only the outward part ("LS6") was typed
    GENDER = "GENDER"
    PREVIOUS = "PREVIOUS"  # a previous name was typed as well as the family name


MISSING = "MISSING"

LEVELS: dict[LinkField, tuple[str, ...]] = {
    LinkField.FAMILY: (
        MISSING, "EXACT", "PART", "ONE_EDIT", "PHONETIC", "OTHER_NAME", "TWO_EDITS",
        "TRIGRAM", "DIFFERENT",
    ),
    LinkField.GIVEN: (
        MISSING, "EXACT", "NICKNAME", "ONE_EDIT", "PHONETIC", "OTHER_NAME", "TWO_EDITS",
        "TRIGRAM", "DIFFERENT",
    ),
    LinkField.BIRTH: (
        MISSING, "EXACT", "DAY_MONTH_SWAPPED", "SLIP", "SAME_MONTH", "SAME_YEAR", "DIFFERENT",
    ),
    LinkField.POSTCODE: (MISSING, "EXACT", "SECTOR", "DISTRICT", "AREA", "DIFFERENT"),
    # Same codes as POSTCODE (one SQL function); EXACT and SECTOR cannot happen when only
    # the outward part was typed, and DISTRICT then means "the district typed".
    LinkField.DISTRICT: (MISSING, "EXACT", "SECTOR", "DISTRICT", "AREA", "DIFFERENT"),
    LinkField.GENDER: (MISSING, "SAME", "DIFFERENT"),
    LinkField.PREVIOUS: (MISSING, "AMONG_NAMES", "NOT_AMONG_NAMES"),
}  # fmt: skip

# Levels that can occur, per field (DISTRICT's first two cannot).
POSSIBLE_LEVELS: dict[LinkField, tuple[str, ...]] = {
    field: tuple(
        level
        for level in levels[1:]
        if not (field is LinkField.DISTRICT and level in ("EXACT", "SECTOR"))
    )
    for field, levels in LEVELS.items()
}

# The fields compared between two children's records (training) and between a search and
# a child: the order of a comparison pattern.
PATTERN_FIELDS = (
    LinkField.FAMILY,
    LinkField.GIVEN,
    LinkField.BIRTH,
    LinkField.POSTCODE,
    LinkField.GENDER,
)


def level_name(field: LinkField, code: int) -> str:
    return LEVELS[field][code]
