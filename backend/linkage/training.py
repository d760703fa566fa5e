"""`contactpoint linkage train`: learn the match weights from the directory itself.

1. u, per field and level, from random pairs of children: two children picked at random
   are different children, so how often they agree is how often strangers agree.
2. m and the match share by EM (em.py) over pairs that share a blocking key, with u held
   fixed. A deduplicated directory holds few duplicates, so EM may find too few matches
   to say anything about m: under `MINIMUM_MATCHES` expected matches the hand-set m are
   kept and the stored model says so (m_source DEFAULT, with the reason in its note).
3. The model is stored with its date (linkage_model, linkage_weight) and search uses the
   newest from its next statement on.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.queries.linkage_models import TrainingRun, store_model
from backend.db.queries.linkage_training import (
    active_children,
    blocked_pair_patterns,
    exact_agreement_shares,
    random_pair_patterns,
)
from backend.linkage.em import Pattern, estimate_m
from backend.linkage.fields import LEVELS, PATTERN_FIELDS, LinkField
from backend.linkage.model import DEFAULT_PROBABILITIES, FLOOR, Model, Probability

MINIMUM_MATCHES = 50
# What EM calls matches must look like one child: mostly agreeing on each of these (the
# levels before "different"). Otherwise it found a cluster of something else, such as
# neighbours sharing the postcode they were blocked on, and its m are not used.
IDENTIFYING = (LinkField.FAMILY, LinkField.GIVEN, LinkField.BIRTH)
AGREEING_SHARE = 0.5


def plausible(m: list[list[float]]) -> bool:
    for field in IDENTIFYING:
        f = PATTERN_FIELDS.index(field)
        different = LEVELS[field].index("DIFFERENT")
        if sum(m[f][1:different]) < AGREEING_SHARE:
            return False
    return True


# A rare level seen in a few random pairs, or in none, is estimated as if this many more
# pairs had shown the hand-set shares (additive smoothing): no weight from a lucky count.
PRIOR_PAIRS = 2_000
_EXACT_FIELD = {LinkField.FAMILY: "family", LinkField.GIVEN: "given", LinkField.BIRTH: "birth",
                LinkField.POSTCODE: "postcode"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    random_pairs: int = 20_000
    blocked_children: int = 2_000
    per_key: int = 10


def level_shares(
    patterns: Mapping[Pattern, int], exact: Mapping[str, float] | None = None
) -> list[list[float]]:
    """u per pattern field: the share of each level among random pairs where it is not
    missing, smoothed towards the defaults; the exact level from value frequencies."""
    shares = []
    for f, field in enumerate(PATTERN_FIELDS):
        counts = [0] * len(LEVELS[field])
        for pattern, count in patterns.items():
            counts[pattern[f]] += count
        seen = sum(counts[1:])
        prior = _default_levels(field, "u")
        levels = [0.0] + [
            max((c + PRIOR_PAIRS * prior[code + 1]) / (seen + PRIOR_PAIRS), FLOOR)
            for code, c in enumerate(counts[1:])
        ]
        name = _EXACT_FIELD.get(field)
        if exact and name is not None and name in exact:
            exact_code = LEVELS[field].index("EXACT")
            rest = sum(levels[1:]) - levels[exact_code]
            share = max(exact[name], FLOOR)
            levels = [
                0.0,
                *(
                    share if code == exact_code else v * (1 - share) / rest
                    for code, v in enumerate(levels[1:], start=1)
                ),
            ]
        shares.append(levels)
    return shares


def _default_levels(field: LinkField, of: str) -> list[float]:
    table = DEFAULT_PROBABILITIES[field]
    return [0.0] + [
        getattr(table[level], of) if level in table else FLOOR for level in LEVELS[field][1:]
    ]


def _district(levels: list[float]) -> list[float]:
    """The district-only field from the full postcode's levels: exact, sector and district
    all mean "the district typed"."""
    missing, exact, sector, district, area, different = levels
    return [missing, 0.0, 0.0, exact + sector + district, area, different]


def table_from(
    m: list[list[float]], u: list[list[float]]
) -> dict[LinkField, dict[str, Probability]]:
    table: dict[LinkField, dict[str, Probability]] = {
        f: dict(levels) for f, levels in DEFAULT_PROBABILITIES.items()
    }
    for f, field in enumerate(PATTERN_FIELDS):
        for code, level in enumerate(LEVELS[field]):
            if code and level in table[field]:
                table[field][level] = Probability(m[f][code], u[f][code])
    postcode = PATTERN_FIELDS.index(LinkField.POSTCODE)
    district_m, district_u = _district(m[postcode]), _district(u[postcode])
    for code, level in enumerate(LEVELS[LinkField.DISTRICT]):
        if level in table[LinkField.DISTRICT]:
            table[LinkField.DISTRICT][level] = Probability(district_m[code], district_u[code])
    return table


async def train(conn: AsyncConnection, settings: TrainingSettings = TrainingSettings()) -> Model:
    children = await active_children(conn)
    random_patterns = await random_pair_patterns(conn, min(settings.random_pairs, children // 2))
    u = level_shares(random_patterns, await exact_agreement_shares(conn))
    blocked = await blocked_pair_patterns(conn, settings.blocked_children, settings.per_key)
    m_start = [_default_levels(field, "m") for field in PATTERN_FIELDS]
    result = estimate_m(blocked, u, m_start, share_start=0.01)
    pairs = sum(blocked.values())
    expected_matches = result.match_share * pairs
    if expected_matches >= MINIMUM_MATCHES and result.converged and plausible(result.m):
        m, source = result.m, "EM"
        note = f"EM converged in {result.iterations} iterations"
    else:
        m, source = m_start, "DEFAULT"
        note = (
            f"EM found about {expected_matches:.0f} duplicate pairs among {pairs} blocked"
            f" pairs (fewer than {MINIMUM_MATCHES}, not converged, or not agreeing on names and"
            " date of birth): m kept at the"
            " hand-set values, u measured"
        )
    run = TrainingRun(
        children=children,
        random_pairs=sum(random_patterns.values()),
        blocked_pairs=pairs,
        em_iterations=result.iterations,
        match_share=result.match_share,
        m_source=source,
        note=note,
    )
    return await store_model(conn, table_from(m, u), run)
