"""Given-name variants: Bob, Robbie and Robert are one name to a practitioner.

The list (`data/given_name_variants.csv`, canonical name and variant) is loaded into the
database's `given_name_variant` table by a migration, so that search and data feeds read
the same variants, set-based, through `cp_given_variants()`.
"""

import csv
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "given_name_variants.csv"


@cache
def _groups() -> dict[str, frozenset[str]]:
    """Each name to every name it may stand for (its canonicals and their variants)."""
    canon_to_variants: dict[str, set[str]] = {}
    with _DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            canon_to_variants.setdefault(row["canonical"], set()).add(row["variant"])
    groups: dict[str, set[str]] = {}
    for canonical, variants in canon_to_variants.items():
        family = {canonical, *variants}
        for name in family:
            groups.setdefault(name, set()).update(family)
    return {name: frozenset(names) for name, names in groups.items()}


def variant_pairs() -> list[tuple[str, str]]:
    """(name, variant) for every name of the list and every other name it may stand for."""
    return sorted(
        (name, variant)
        for name, variants in _groups().items()
        for variant in variants
        if variant != name
    )


def variants_of(given_key: str) -> list[str]:
    """Names equivalent to the first word of `given_key`, itself included (the same answer
    as the database's `cp_given_variants`; a test holds them together)."""
    first = given_key.split(" ", 1)[0]
    return sorted(_groups().get(first, frozenset()) | {first})
