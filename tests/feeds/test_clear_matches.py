"""A record agreeing exactly with one child is decided without the full search, and the
decision is the one the full engine makes (backend/linkage/clear_match.py)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.queries import feed_matching
from tests import factories
from tests.feeds.conftest import LEEDS, row

NHS = "9990001014"
OTHER_NHS = "9990001022"

# The directory beside the child the record describes exactly (factories.child's
# defaults: Amelia Smith, born 2015-03-14, FEMALE, LS1 4AP), and the outcome expected.
SCENARIOS: dict[str, tuple[list[dict[str, Any]], str]] = {
    "alone": ([], "probable"),
    "a sister at the address, born another year": (
        [{"given_names": "Grace", "date_of_birth": date(2012, 7, 2)}],
        "probable",
    ),
    "a twin brother with another name": (
        [{"given_names": "Oliver", "gender": "MALE"}],
        "probable",
    ),
    "a twin one letter away at the address": ([{"given_names": "Amelie"}], "review"),
    "a namesake born that day next door (same sector)": (
        [{"postcode": "LS1 4AQ", "address_line1": "14 Park Road"}],
        "review",
    ),
    # The child and the record are born on the 4th of March (SWAPPED_DAY_CHILD).
    "a namesake born on the swapped day in the sector": (
        [{"postcode": "LS1 4AQ", "date_of_birth": date(2015, 4, 3)}],
        "probable",
    ),
    "the same child held twice": ([{}], "review"),
}


# The default birth date (14 March) has no day-and-month swap.
SWAPPED_DAY_CHILD = date(2015, 3, 4)


@pytest.fixture(params=sorted(SCENARIOS))
def scenario(request: pytest.FixtureRequest) -> tuple[list[dict[str, Any]], str, date | None]:
    others, expected = SCENARIOS[request.param]
    return others, expected, SWAPPED_DAY_CHILD if "swapped" in request.param else None


async def _directory(
    engine: AsyncEngine, authority: int, others: list[dict[str, Any]], born: date | None = None
) -> None:
    async with engine.begin() as conn:
        await factories.child(conn, authority, **({"date_of_birth": born} if born else {}))
        for values in others:
            await factories.child(conn, authority, **values)


def _outcome(summary: Any) -> str:
    counts = {"probable": summary.probable, "review": summary.review, "new": summary.created}
    (outcome,) = [name for name, n in counts.items() if n]
    return outcome


async def test_a_clear_match_decides_as_the_full_engine_does(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Any],
    load: Any,
    scenario: tuple[list[dict[str, Any]], str, date | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    others, expected, born = scenario
    await _directory(engine, authorities[LEEDS], others, born)
    path = write_csv(row(**({"date_of_birth": born.isoformat()} if born else {})))
    quick = _outcome(await load(path, dry_run=True))
    monkeypatch.setattr(feed_matching, "clear_match", lambda *_, **__: None)
    full = _outcome(await load(path, dry_run=True))
    assert (quick, full) == (expected, expected)


async def test_an_nhs_number_that_contradicts_the_exact_child_goes_to_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    async with engine.begin() as conn:
        await factories.child(conn, authorities[LEEDS], nhs_number=OTHER_NHS)
    summary = await load(write_csv(row(nhs_number=NHS)))
    assert (summary.probable, summary.review) == (0, 1)


async def test_a_clear_match_is_recorded_as_a_probable_match_of_that_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    async with engine.begin() as conn:
        child_id, _ = await factories.child(conn, authorities[LEEDS])
    summary = await load(write_csv(row()))
    assert summary.probable == 1
    async with engine.connect() as conn:
        linked = await conn.scalar(
            text("SELECT child_id FROM source_record WHERE source_key = 'REC-1'")
        )
    assert linked == child_id
