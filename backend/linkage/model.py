"""Match weights (Fellegi-Sunter) and what they mean to a practitioner.

For each field and agreement level, m is how often the details of the same child show
that level, and u how often two different children's do. The level's weight is
log2(m / u) bits: positive when agreeing like that is evidence for the same child,
negative when against. A candidate's match weight W is the sum over the fields compared
(a missing field adds 0).

What W means: before looking at any detail, any one of the directory's N children is the
one sought with odds 1 : N. The details multiply those odds by 2^W, so the chance that
this child is the one is P = 1 / (1 + N * 2^-W). A **possible match** has P >= 1 %
(worth checking); a **strong match** has P >= 99 %. Results under the possible line are
not shown. So the lines are W = log2(N) + log2(P / (1 - P)): at a million children,
13.3 bits for possible and 26.5 for strong (`Thresholds.for_directory`).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from backend.linkage.fields import LEVELS, MISSING, POSSIBLE_LEVELS, LinkField

POSSIBLE_PROBABILITY = 0.01
STRONG_PROBABILITY = 0.99
# The prior is never taken from fewer children than a small authority holds, so that a
# demo or test directory of a few children does not show weak matches.
SMALLEST_DIRECTORY = 10_000
# Probabilities are kept inside (0, 1): a level never seen is rare, not impossible.
FLOOR = 1e-6


@dataclass(frozen=True, slots=True)
class Probability:
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(max(self.m, FLOOR) / max(self.u, FLOOR))


Table = Mapping[LinkField, Mapping[str, Probability]]


def _table(values: dict[LinkField, dict[str, tuple[float, float]]]) -> Table:
    return MappingProxyType(
        {
            f: MappingProxyType({level: Probability(m, u) for level, (m, u) in levels.items()})
            for f, levels in values.items()
        }
    )


# Hand-set until `contactpoint linkage train` has run. m: how FEBRL dataset 3's 2,937
# duplicates agree with their originals, level by level (`bench/febrl3.py --levels`,
# rounded, a little mass kept on levels it never shows; FEBRL 3 is the only data these
# are tuned on). u: what two different children share, measured on the 100,000-child
# demo directory (`contactpoint linkage train`, which models national name frequencies;
# bench/README.md).
DEFAULT_PROBABILITIES: Table = _table(
    {
        LinkField.FAMILY: {
            "EXACT": (0.67, 0.004),
            "PART": (0.01, 0.001),
            "ONE_EDIT": (0.13, 0.001),
            "PHONETIC": (0.035, 0.002),
            # Typed as the family name, found among the child's other names: swapped
            # names, a previous name.
            "OTHER_NAME": (0.055, 0.0005),
            "TWO_EDITS": (0.02, 0.0025),
            "TRIGRAM": (0.01, 0.001),
            "DIFFERENT": (0.07, 0.988),
        },
        LinkField.GIVEN: {
            "EXACT": (0.68, 0.004),
            # FEBRL 3 has few nicknames; practitioners type them more often.
            "NICKNAME": (0.02, 0.0013),
            "ONE_EDIT": (0.11, 0.0005),
            "PHONETIC": (0.02, 0.002),
            "OTHER_NAME": (0.055, 0.0014),
            "TWO_EDITS": (0.01, 0.0025),
            "TRIGRAM": (0.01, 0.0005),
            "DIFFERENT": (0.095, 0.988),
        },
        LinkField.BIRTH: {
            "EXACT": (0.93, 0.00015),
            "DAY_MONTH_SWAPPED": (0.01, 0.0001),
            "SLIP": (0.02, 0.004),
            "SAME_MONTH": (0.005, 0.0025),
            "SAME_YEAR": (0.005, 0.047),
            "DIFFERENT": (0.03, 0.946),
        },
        LinkField.POSTCODE: {
            "EXACT": (0.82, 0.00001),
            "SECTOR": (0.04, 0.0002),
            "DISTRICT": (0.085, 0.002),
            "AREA": (0.03, 0.013),
            "DIFFERENT": (0.025, 0.985),
        },
        LinkField.DISTRICT: {
            "DISTRICT": (0.945, 0.0022),
            "AREA": (0.03, 0.013),
            "DIFFERENT": (0.025, 0.985),
        },
        LinkField.GENDER: {"SAME": (0.98, 0.5), "DIFFERENT": (0.02, 0.5)},
        LinkField.PREVIOUS: {"AMONG_NAMES": (0.9, 0.002), "NOT_AMONG_NAMES": (0.1, 0.998)},
    }
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    possible: float
    strong: float
    children: int

    @classmethod
    def for_directory(cls, children: int) -> "Thresholds":
        n = max(children, SMALLEST_DIRECTORY)

        def line(p: float) -> float:
            return math.log2(n) + math.log2(p / (1 - p))

        return cls(possible=line(POSSIBLE_PROBABILITY), strong=line(STRONG_PROBABILITY), children=n)

    def probability(self, weight: float) -> float:
        """The chance that a child with this match weight is the one sought."""
        exponent = math.log2(self.children) - weight
        if exponent > 1000:
            return 0.0
        return 1.0 / (1.0 + math.pow(2.0, exponent))


@dataclass(frozen=True, slots=True)
class Model:
    """m and u for every field and level; `id` None for the hand-set defaults."""

    probabilities: Table
    id: int | None = None
    trained_at: datetime | None = None
    m_source: str = "DEFAULT"
    weight_arrays: Mapping[LinkField, tuple[float, ...]] = field(init=False)

    def __post_init__(self) -> None:
        arrays = {
            f: tuple(
                0.0
                if level == MISSING or level not in self.probabilities[f]
                # A level that cannot occur for this field weighs nothing.
                else self.probabilities[f][level].weight
                for level in levels
            )
            for f, levels in LEVELS.items()
        }
        object.__setattr__(self, "weight_arrays", MappingProxyType(arrays))

    def weights(self, f: LinkField) -> list[float]:
        """The weight of each level code of `f`, code 0 (missing) first, for SQL arrays."""
        return list(self.weight_arrays[f])

    def weight(self, f: LinkField, level: str) -> float:
        return self.weight_arrays[f][LEVELS[f].index(level)]


DEFAULT_MODEL = Model(DEFAULT_PROBABILITIES)


def complete(table: Mapping[LinkField, Mapping[str, Probability]]) -> bool:
    """Every level that can occur has its probabilities."""
    return all(set(POSSIBLE_LEVELS[f]) <= set(table.get(f, {})) for f in LinkField)
