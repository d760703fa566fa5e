"""Expectation-maximisation for Fellegi-Sunter: m and the match share from patterns.

A comparison pattern is one agreement level code per field of `PATTERN_FIELDS` (0 for
missing). Given how many candidate pairs show each pattern, EM finds the share of pairs
that are the same child and, for each field and level, m = P(level | same child),
assuming the fields agree independently given the truth (the usual simplification).
u = P(level | different children) is held fixed: it is measured directly on random
pairs, which are almost all different children, and is the better estimate.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Per field (in pattern order), the probability of each level code; index 0 (missing)
# is unused: a missing field multiplies both hypotheses by the same 1.
Levels = Sequence[float]
Pattern = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EmResult:
    m: list[list[float]]
    match_share: float
    iterations: int
    converged: bool


def _likelihood(pattern: Pattern, probabilities: Sequence[Levels]) -> float:
    product = 1.0
    for code, levels in zip(pattern, probabilities, strict=True):
        if code:
            product *= levels[code]
    return product


def estimate_m(
    patterns: Mapping[Pattern, int],
    u: Sequence[Levels],
    m_start: Sequence[Levels],
    share_start: float,
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-6,
    floor: float = 1e-6,
) -> EmResult:
    """EM over pattern counts with u fixed; returns m, the match share and convergence."""
    m = [list(levels) for levels in m_start]
    share = share_start
    total = sum(patterns.values())
    if total == 0:
        return EmResult(m=m, match_share=0.0, iterations=0, converged=False)
    for iteration in range(1, max_iterations + 1):
        # E step: the chance each pattern is a match.
        expected = [[0.0] * len(levels) for levels in m]
        matches = 0.0
        for pattern, count in patterns.items():
            on_match = share * _likelihood(pattern, m)
            on_other = (1 - share) * _likelihood(pattern, u)
            posterior = on_match / (on_match + on_other) if on_match + on_other else 0.0
            weight = posterior * count
            matches += weight
            for f, code in enumerate(pattern):
                if code:
                    expected[f][code] += weight
        # M step: m from the expected matches' levels, per field over non-missing ones.
        new_m = []
        for f, levels in enumerate(expected):
            seen = sum(levels[1:])
            new_m.append(
                [0.0]
                + [max(value / seen, floor) if seen else m[f][code + 1]
                   for code, value in enumerate(levels[1:])]
            )  # fmt: skip
        new_share = matches / total
        change = abs(new_share - share) + max(
            abs(a - b)
            for old, new in zip(m, new_m, strict=True)
            for a, b in zip(old, new, strict=True)
        )
        m, share = new_m, new_share
        if change < tolerance:
            return EmResult(m=m, match_share=share, iterations=iteration, converged=True)
    return EmResult(m=m, match_share=share, iterations=max_iterations, converged=False)
