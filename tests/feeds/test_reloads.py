"""Loading again changes nothing; a stopped load resumes; a dry run writes nothing."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.services.imports import ImportRequest, import_file
from tests.feeds.conftest import row

TABLES = ("child", "source_record", "provenance", "match_review", "carer", "involvement")


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            table: int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())  # noqa: S608 - constant names
            for table in TABLES
        }


def _family(n: int) -> str:
    return ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Patel", "Khan"][n]


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        row(
            source_record_id=f"REC-{n}",
            given_names=["Amelia", "Oliver", "Isla", "Noah"][n % 4],
            family_name=_family(n % 8),
            date_of_birth=f"201{n % 10}-0{1 + n % 9}-1{n % 10}",
            postcode=f"LS{1 + n} 4AP",
        )
        for n in range(count)
    ]


async def test_loading_the_same_file_again_changes_nothing(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    path = write_csv(*_rows(6))
    await load(path)
    before = await _counts(engine)
    again = await load(path)
    assert (again.unchanged, again.created, again.exact, again.probable) == (6, 0, 0, 0)
    assert await _counts(engine) == before


async def test_a_record_sent_again_with_a_change_updates_the_same_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    await load(write_csv(row(town="Leeds")))
    again = await load(write_csv(row(town="Otley", postcode="LS21 1AA")))
    assert (again.exact, again.created) == (1, 0)
    async with engine.connect() as conn:
        towns = (await conn.execute(text("SELECT town FROM child"))).scalars().all()
    assert towns == ["Otley"]


async def test_a_record_that_changes_nothing_the_child_holds_leaves_the_child_unwritten(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    await load(write_csv(row(source_record_id="REC-1")))
    async with engine.connect() as conn:
        before = (await conn.execute(text("SELECT xmin::text FROM child"))).scalar_one()
    again = await load(write_csv(row(source_record_id="REC-2")))
    assert (again.probable, again.created) == (1, 0)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT xmin::text FROM child"))).scalar_one() == before


async def test_a_load_stopped_half_way_resumes_without_duplicating(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path]
) -> None:
    path = write_csv(*_rows(7))
    request = ImportRequest(source="SCHOOL_CENSUS", path=path, fmt="csv")

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt  # the operator's Ctrl-C, or a crash, after one batch

    with pytest.raises(KeyboardInterrupt):
        await import_file(engine, request, batch_size=3, progress=stop_after_first_batch)
    assert (await _counts(engine))["child"] == 3

    resumed = await import_file(engine, request, batch_size=3)
    assert resumed.resumed_from_line == 4  # the header is line 1
    assert (resumed.created, resumed.records) == (7, 7)
    assert (await _counts(engine))["child"] == 7
    async with engine.connect() as conn:
        runs = (await conn.execute(text("SELECT status, created FROM import_run"))).all()
    assert [tuple(r) for r in runs] == [("COMPLETED", 7)]


async def test_a_dry_run_counts_the_outcomes_and_writes_nothing(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    before = await _counts(engine)
    summary = await load(write_csv(*_rows(4)), dry_run=True)
    assert (summary.created, summary.run_id) == (4, None)
    assert await _counts(engine) == before
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM import_run"))).scalar_one() == 0


async def test_a_source_of_lower_precedence_does_not_overwrite_a_value(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    nhs = "9990001014"
    await load(
        write_csv(row(nhs_number=nhs, date_of_birth="2015-03-14")), source="NHS_DEMOGRAPHICS"
    )
    # The school census says otherwise; the NHS is the authority on the date of birth.
    await load(write_csv(row(nhs_number=nhs, date_of_birth="2015-03-15", town="Otley")))
    async with engine.connect() as conn:
        child = (await conn.execute(text("SELECT date_of_birth, town FROM child"))).one()
        sources = dict((await conn.execute(text("SELECT field, source FROM provenance"))).all())
    assert str(child.date_of_birth) == "2015-03-14"
    assert sources["date_of_birth"] == "NHS_DEMOGRAPHICS"
    # Nor on the address: by default the NHS ranks above the school census.
    assert child.town == "Leeds"
    assert sources["address"] == "NHS_DEMOGRAPHICS"


async def test_a_source_of_higher_precedence_overwrites_a_value(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    nhs = "9990001014"
    await load(write_csv(row(nhs_number=nhs, date_of_birth="2015-03-15")))
    await load(
        write_csv(row(nhs_number=nhs, date_of_birth="2015-03-14")), source="NHS_DEMOGRAPHICS"
    )
    async with engine.connect() as conn:
        born = (await conn.execute(text("SELECT date_of_birth FROM child"))).scalar_one()
    assert str(born) == "2015-03-14"
