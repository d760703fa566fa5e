"""Opening a record: one statement to read it, one to audit it, whatever its size."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.driver import driver
from backend.errors import NotFound, Unauthenticated
from backend.policy.caller import Caller, Role
from backend.services.children import view_child
from backend.settings import Settings
from backend.web.context import RequestContext
from tests import factories


@asynccontextmanager
async def _context(engine: AsyncEngine, caller: Caller | None) -> AsyncIterator[RequestContext]:
    ctx = RequestContext(
        engine=engine,
        settings=Settings(),
        request_id="test",
        client_address="127.0.0.1",
        caller=caller,
    )
    try:
        yield ctx
    finally:
        await ctx.close()


async def _child_with_involvements(engine: AsyncEngine, count: int) -> tuple[int, str]:
    async with engine.begin() as conn:
        la = await factories.authority(conn)
        school = await factories.service(conn, la)
        child_id, cp_id = await factories.child(conn, la)
        await factories.carer(conn, child_id)
        for n in range(count):
            await factories.involvement(conn, child_id, school, practitioner_name=f"P{n}")
    return la, cp_id


async def _view(engine: AsyncEngine, caller: Caller | None, cp_id: str, fields: list[str]) -> Any:
    async with _context(engine, caller) as ctx:
        return await view_child(ctx, cp_id, fields)


def _practitioner(organisation_id: int) -> Caller:
    return Caller(
        organisation_id=organisation_id,
        organisation_code="E08000035",
        roles=frozenset({Role.PRACTITIONER}),
    )


@pytest.mark.parametrize("involvements", [1, 8])
async def test_a_record_view_costs_two_statements_whatever_its_involvements(
    engine: AsyncEngine, involvements: int
) -> None:
    la, cp_id = await _child_with_involvements(engine, involvements)
    statements: list[str] = []
    async with _context(engine, _practitioner(la)) as ctx:
        pg = await driver(await ctx.connection())
        pg.add_query_logger(lambda query: statements.append(query.query))
        child = await view_child(ctx, cp_id, ["involvements"])
        await asyncio.sleep(0)  # asyncpg calls query loggers on the next loop iteration
    assert child.involvements is not None
    assert len(child.involvements) == involvements
    assert len(statements) == 2  # the view, then its audit event


async def test_a_record_view_writes_one_audit_event_naming_the_fields(engine: AsyncEngine) -> None:
    la, cp_id = await _child_with_involvements(engine, 1)
    await _view(engine, _practitioner(la), cp_id, ["familyName", "nhsNumber"])
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT action, outcome, detail FROM audit_event"))).all()
    assert len(rows) == 1
    action, outcome, detail = rows[0]
    assert (action, outcome) == ("CHILD_VIEW", "OK")
    assert detail["fields"] == ["familyName"]  # nhsNumber was withheld from a practitioner
    assert "Smith" not in str(detail)


async def test_an_unknown_child_is_not_found_and_the_attempt_is_audited(
    engine: AsyncEngine,
) -> None:
    la, _ = await _child_with_involvements(engine, 1)
    with pytest.raises(NotFound):
        await _view(engine, _practitioner(la), "000000123459", ["familyName"])
    async with engine.connect() as conn:
        outcome = (await conn.execute(text("SELECT outcome FROM audit_event"))).scalar_one()
    assert outcome == "NOT_FOUND"


async def test_nobody_reads_a_child_without_signing_in(engine: AsyncEngine) -> None:
    _, cp_id = await _child_with_involvements(engine, 1)
    with pytest.raises(Unauthenticated):
        await _view(engine, None, cp_id, ["familyName"])
