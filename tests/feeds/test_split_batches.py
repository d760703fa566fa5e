"""A batch is matched in two halves on two connections: it ends as if matched on one."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.services import imports
from tests import factories
from tests.feeds.conftest import LEEDS, row

NHS = "9990001014"
TWO_NEW_CHILDREN = (row(source_record_id="A"), row(source_record_id="B", given_names="Zara"))


@pytest.fixture(autouse=True)
def split_every_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here splits every batch of two or more records."""
    monkeypatch.setattr(imports, "SPLIT_FROM", 2)


async def test_a_batch_split_over_two_connections_decides_every_record_once(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Any],
    load: Any,
) -> None:
    async with engine.begin() as conn:
        by_nhs, _ = await factories.child(conn, authorities[LEEDS], nhs_number=NHS)
        exact, _ = await factories.child(
            conn, authorities[LEEDS], given_names="Noah", family_name="Brown",
            date_of_birth=date(2016, 5, 1), gender="MALE", postcode="LS6 2AB",
        )  # fmt: skip
        await factories.child(
            conn, authorities[LEEDS], given_names="Isla", family_name="Green",
            date_of_birth=date(2014, 1, 9), postcode="LS7 3CD",
        )  # fmt: skip
    path = write_csv(
        row(source_record_id="A", nhs_number=NHS),
        row(source_record_id="B", given_names="Noah", family_name="Brown",
            date_of_birth="2016-05-01", gender="MALE", postcode="LS6 2AB"),
        # Isla's twin, by everything but the given name: someone must look.
        row(source_record_id="C", given_names="Ivy", family_name="Green",
            date_of_birth="2014-01-09", postcode="LS7 3CD"),
        row(source_record_id="D", given_names="Zara", family_name="Okafor",
            date_of_birth="2020-11-30", postcode="BD1 1AA"),
    )  # fmt: skip
    summary = await load(path)
    counted = (summary.exact, summary.probable, summary.review, summary.created)
    assert counted == (1, 1, 1, 1)
    async with engine.connect() as conn:
        linked = dict(
            (await conn.execute(text("SELECT source_key, child_id FROM source_record"))).all()
        )
        shown = await conn.scalar(text("SELECT jsonb_array_length(candidates) FROM match_review"))
    assert (linked["A"], linked["B"]) == (by_nhs, exact)
    assert "C" not in linked
    assert "D" in linked
    assert shown == 1


async def test_a_split_batch_run_again_changes_nothing(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Any],
    load: Any,
) -> None:
    path = write_csv(
        row(source_record_id="A"),
        row(source_record_id="B", given_names="Zara", family_name="Okafor"),
    )
    await load(path)
    again = await load(path)
    assert (again.unchanged, again.created) == (2, 0)


async def test_a_failure_in_either_half_is_reported_as_itself_and_writes_nothing(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Any],
    load: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def lost(pg: Any) -> list[tuple[Any, ...]]:
        raise ConnectionResetError("the second connection was lost")

    monkeypatch.setattr(imports.feed_matching, "matches", lost)
    path = write_csv(*TWO_NEW_CHILDREN)
    with pytest.raises(ConnectionResetError, match="second connection was lost"):
        await load(path)
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM child")) == 0


async def test_a_load_leaves_no_records_behind_on_its_pooled_connections(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Any],
    load: Any,
) -> None:
    # The temporary tables hold the last batch's records and weights against every child.
    await load(write_csv(*TWO_NEW_CHILDREN))
    async with engine.connect() as conn:
        left = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'feed%'"
            )
        )
    assert left == 0
