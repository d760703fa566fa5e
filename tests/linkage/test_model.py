"""Match weights: what they mean, how EM estimates them, and that a trained model is
stored, read back and used exactly."""

import math
import random
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.queries.child_search import search_children
from backend.db.queries.linkage_models import TrainingRun, load_model, store_model
from backend.linkage.em import estimate_m
from backend.linkage.fields import LinkField
from backend.linkage.model import (
    DEFAULT_MODEL,
    DEFAULT_PROBABILITIES,
    SMALLEST_DIRECTORY,
    Probability,
    Thresholds,
    complete,
)
from backend.linkage.training import TrainingSettings, train
from backend.search.criteria import parse_criteria
from backend.services.search import search_parameters
from tests import factories


def test_the_defaults_weigh_every_level_that_can_occur() -> None:
    assert complete(DEFAULT_PROBABILITIES)


def test_a_strong_match_is_a_99_percent_chance_and_a_possible_one_1_percent() -> None:
    lines = Thresholds.for_directory(1_000_000)
    assert lines.probability(lines.strong) == pytest.approx(0.99)
    assert lines.probability(lines.possible) == pytest.approx(0.01)
    assert lines.possible == pytest.approx(math.log2(1_000_000) + math.log2(1 / 99))


def test_a_small_directory_is_held_to_the_lines_of_a_small_authority() -> None:
    assert Thresholds.for_directory(12) == Thresholds.for_directory(SMALLEST_DIRECTORY)


def test_date_of_birth_and_postcode_outweigh_two_wrong_names() -> None:
    w = DEFAULT_MODEL.weight
    total = (
        w(LinkField.BIRTH, "EXACT")
        + w(LinkField.POSTCODE, "EXACT")
        + w(LinkField.FAMILY, "DIFFERENT")
        + w(LinkField.GIVEN, "DIFFERENT")
    )
    assert total >= Thresholds.for_directory(1_000_000).possible


def test_em_recovers_m_and_the_match_share_from_patterns() -> None:
    rng = random.Random(7)  # noqa: S311 - test data
    true_m = [[0.0, 0.9, 0.1], [0.0, 0.8, 0.2], [0.0, 0.95, 0.05]]
    u = [[0.0, 0.05, 0.95], [0.0, 0.1, 0.9], [0.0, 0.01, 0.99]]
    patterns: dict[tuple[int, ...], int] = {}
    for _ in range(40_000):
        probabilities = true_m if rng.random() < 0.2 else u
        pattern = tuple(1 if rng.random() < p[1] else 2 for p in probabilities)
        patterns[pattern] = patterns.get(pattern, 0) + 1
    start = [[0.0, 0.6, 0.4]] * 3
    result = estimate_m(patterns, u, start, share_start=0.05)
    assert result.converged
    assert result.match_share == pytest.approx(0.2, abs=0.01)
    for estimated, true in zip(result.m, true_m, strict=True):
        assert estimated[1] == pytest.approx(true[1], abs=0.02)


async def test_a_stored_model_reads_back_exactly(engine: AsyncEngine) -> None:
    table = {
        f: {level: Probability(p.m * 0.9, p.u * 1.1) for level, p in levels.items()}
        for f, levels in DEFAULT_PROBABILITIES.items()
    }
    run = TrainingRun(
        children=1234, random_pairs=10, blocked_pairs=20, em_iterations=3, match_share=0.01,
        m_source="EM", note="a test",
    )  # fmt: skip
    async with engine.begin() as conn:
        stored = await store_model(conn, table, run)
        loaded = await load_model(conn, stored.id or 0)
        row = (
            await conn.execute(text("SELECT children, note, trained_at FROM linkage_model"))
        ).one()
    assert loaded.probabilities == stored.probabilities
    assert loaded.weight_arrays == stored.weight_arrays
    assert (row.children, row.note) == (1234, "a test")
    assert row.trained_at is not None


async def test_search_ranks_with_the_newest_stored_model(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        await factories.child(conn, authority, given_names="Robert", family_name="Smith")
        criteria = parse_criteria(family_name="Smith", given_name="Robert", today=date(2026, 12, 1))
        before = await search_children(conn, await search_parameters(conn, criteria))
        table = {f: dict(levels) for f, levels in DEFAULT_PROBABILITIES.items()}
        table[LinkField.GIVEN]["EXACT"] = Probability(0.8, 0.0001)
        run = TrainingRun(1, 1, 1, 1, 0.0, "EM", "given names rarer")
        model = await store_model(conn, table, run)
        after = await search_children(conn, await search_parameters(conn, criteria))
    gained = model.weight(LinkField.GIVEN, "EXACT") - DEFAULT_MODEL.weight(LinkField.GIVEN, "EXACT")
    assert after.matches[0].weight - before.matches[0].weight == pytest.approx(gained)


async def test_training_measures_u_and_keeps_the_default_m_without_duplicates(
    engine: AsyncEngine,
) -> None:
    rng = random.Random(3)  # noqa: S311 - test data

    def made_up_name() -> str:
        return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        for n in range(60):
            await factories.child(
                conn,
                authority,
                given_names=["Amelia", "Oliver", "Isla", "Noah"][n % 4],
                family_name=made_up_name().title(),
                date_of_birth=date(2010 + n % 8, 1 + n % 12, 1 + n % 28),
                postcode=f"LS{n % 9 + 1} {n % 9}AB",
            )
        model = await train(conn, TrainingSettings(random_pairs=25, blocked_children=20))
        stored = (
            await conn.execute(text("SELECT m_source, random_pairs FROM linkage_model"))
        ).one()
    assert stored.m_source == "DEFAULT"
    assert stored.random_pairs == 25
    given = model.probabilities[LinkField.GIVEN]
    assert given["EXACT"].m == DEFAULT_PROBABILITIES[LinkField.GIVEN]["EXACT"].m
    # A quarter of random pairs share one of the four given names.
    assert 0.1 < given["EXACT"].u < 0.45
