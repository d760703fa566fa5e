"""Demo data goes through every database rule: loaded for real, not just generated."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.demo.loader import directory_child_count, load_demo_data
from backend.errors import BadInput


async def test_demo_data_loads_within_every_database_rule(engine: AsyncEngine) -> None:
    credentials = await load_demo_data(engine, children=60, seed=5, today=date(2026, 11, 24))
    assert await directory_child_count(engine) == 60
    assert {c.organisation_code for c in credentials} >= {"E08000035", "CONTACTPOINT"}
    async with engine.connect() as conn:
        without_nhs = (
            await conn.execute(text("SELECT count(*) FROM child WHERE nhs_number IS NULL"))
        ).scalar()
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'DEMO_DATA_LOADED'")
            )
        ).scalar()
    assert without_nhs is not None
    assert without_nhs < 60
    assert events == 1


async def test_demo_data_refuses_a_directory_that_already_holds_children(
    engine: AsyncEngine,
) -> None:
    await load_demo_data(engine, children=5, seed=5, today=date(2026, 11, 24))
    with pytest.raises(BadInput, match="already holds"):
        await load_demo_data(engine, children=5, seed=6, today=date(2026, 11, 24))
