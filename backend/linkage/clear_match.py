"""When a record that agrees exactly with one child can be taken without the full search.

Most records of a refresh describe a child exactly as the directory holds it. The full
engine would find that child through a dozen routes, compare every candidate and take it
when it is a strong match leading the next candidate by the margin. For a record agreeing
exactly on family name, given name, date of birth, postcode and gender (no previous name)
the same decision can be proved from the weights and two small index lookups.

Every combination of agreement levels a rival could show is weighed (five fields, about
ten thousand combinations). When each one that comes within the margin of the exact
child has the same full postcode, or the same sector and the same date of birth (or that
date with day and month swapped), then those children are the only possible rivals: they
are compared in full, and none within the margin means the full engine would take the
exact child too. Weights that do not allow the proof leave every record to the full
engine.
"""

import itertools
from dataclasses import dataclass

from backend.linkage.fields import LEVELS, LinkField
from backend.linkage.model import Model

# The fields a clear match agrees on, at the level it agrees.
AGREED = {
    LinkField.FAMILY: "EXACT",
    LinkField.GIVEN: "EXACT",
    LinkField.BIRTH: "EXACT",
    LinkField.POSTCODE: "EXACT",
    LinkField.GENDER: "SAME",
}

# What the two lookups cover: the children at the full postcode (any date), and the
# children of the sector born on the date or on its day-and-month swap.
_SAME_DATE_OR_SWAPPED = frozenset({"EXACT", "DAY_MONTH_SWAPPED"})


def _covered(levels: dict[LinkField, str]) -> bool:
    postcode = levels[LinkField.POSTCODE]
    return postcode == "EXACT" or (
        postcode == "SECTOR" and levels[LinkField.BIRTH] in _SAME_DATE_OR_SWAPPED
    )


@dataclass(frozen=True, slots=True)
class ClearMatch:
    """A clear match's weight (every field agreed) under a model that allows the proof;
    a rival is a child weighing more than `weight - margin`."""

    weight: float
    margin: float

    @property
    def rival_floor(self) -> float:
        return self.weight - self.margin


def clear_match(model: Model, *, strong: float, margin: float) -> ClearMatch | None:
    """The clear match under this model and these lines, or None when some rival within
    the margin could lie outside what the two lookups cover."""
    weight = sum(model.weight(f, level) for f, level in AGREED.items())
    if weight < strong:
        return None
    fields = tuple(AGREED)
    for combination in itertools.product(*(LEVELS[f] for f in fields)):
        levels = dict(zip(fields, combination, strict=True))
        rival = sum(model.weight(f, level) for f, level in levels.items())
        if rival > weight - margin and not _covered(levels):
            return None
    return ClearMatch(weight=weight, margin=margin)
