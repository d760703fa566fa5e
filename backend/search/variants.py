"""Given-name variants: Bob, Robbie and Robert are one name to a practitioner."""

import csv
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "given_name_variants.csv"


@cache
def _groups() -> dict[str, frozenset[str]]:
    """Each name to every name it may stand for (its canonicals and their variants)."""
    canon_to_variants: dict[str, set[str]] = {}
    if _DATA.exists():
        with _DATA.open(newline="") as handle:
            for row in csv.DictReader(handle):
                canon_to_variants.setdefault(row["canonical"], set()).add(row["variant"])
    groups: dict[str, set[str]] = {}
    for canonical, variants in canon_to_variants.items():
        family = {canonical, *variants}
        for name in family:
            groups.setdefault(name, set()).update(family)
    return {name: frozenset(names) for name, names in groups.items()}


def variants_of(given_key: str) -> list[str]:
    """Names equivalent to the first word of `given_key`, itself included."""
    first = given_key.split(" ", 1)[0]
    return sorted(_groups().get(first, frozenset({first})) | {first})
