"""The audit log is append-only for the application and tamper-evident for everyone."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.verify import verify
from backend.audit.writer import Actor, AuditEntry, record


async def _write(engine: AsyncEngine, count: int) -> None:
    async with engine.begin() as conn:
        for n in range(count):
            await record(
                conn, Actor(request_id=f"r{n}"), AuditEntry(action="TEST", detail={"n": n})
            )


async def test_written_events_form_an_intact_chain(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 5)
    async with owner_engine.connect() as conn:
        report = await verify(conn)
    assert report.ok, report.problems
    assert report.events == 5


async def test_application_role_cannot_update_audit_events(engine: AsyncEngine) -> None:
    await _write(engine, 1)
    with pytest.raises(DBAPIError, match="permission denied"):
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE audit_event SET outcome = 'CHANGED'"))


async def test_application_role_cannot_delete_audit_events(engine: AsyncEngine) -> None:
    await _write(engine, 1)
    with pytest.raises(DBAPIError, match="permission denied"):
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_event"))


async def test_even_the_owner_cannot_update_audit_events(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 1)
    with pytest.raises(DBAPIError, match="append-only"):
        async with owner_engine.begin() as conn:
            await conn.execute(text("UPDATE audit_event SET outcome = 'CHANGED'"))


async def test_even_the_owner_cannot_truncate_the_audit_log(owner_engine: AsyncEngine) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with owner_engine.begin() as conn:
            await conn.execute(text("TRUNCATE audit_event"))


async def _tamper(owner_engine: AsyncEngine, statement: str) -> list[str]:
    async with owner_engine.begin() as conn:
        # Only a superuser skipping triggers can do this; verify must still notice.
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(statement))
    async with owner_engine.connect() as conn:
        return (await verify(conn)).problems


async def test_verify_detects_an_edited_event(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 3)
    problems = await _tamper(
        owner_engine, "UPDATE audit_event SET detail = '{\"n\": 99}' WHERE detail->>'n' = '1'"
    )
    assert len(problems) == 1
    assert "does not match its hash" in problems[0]


async def test_verify_detects_a_deleted_event(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 3)
    problems = await _tamper(owner_engine, "DELETE FROM audit_event WHERE detail->>'n' = '1'")
    assert len(problems) == 1
    assert "event missing" in problems[0]


async def test_verify_detects_a_removed_last_event(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 3)
    problems = await _tamper(owner_engine, "DELETE FROM audit_event WHERE detail->>'n' = '2'")
    assert len(problems) == 1
    assert "events removed from the end" in problems[0]


async def test_verify_raises_no_false_alarm_while_events_are_being_written(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 200)
    stop = asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            await _write(engine, 1)

    writers = [asyncio.create_task(writer()) for _ in range(3)]
    try:
        reports = []
        for _ in range(15):
            async with owner_engine.connect() as conn:
                reports.append(await verify(conn))
    finally:
        stop.set()
        await asyncio.gather(*writers)
    assert [r.problems for r in reports if not r.ok] == []


async def test_verify_still_detects_a_removed_last_event_while_events_are_being_written(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _write(engine, 3)
    async with owner_engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text("DELETE FROM audit_event WHERE detail->>'n' = '2'"))
    stop = asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            await _write(engine, 1)

    task = asyncio.create_task(writer())
    try:
        async with owner_engine.connect() as conn:
            problems = (await verify(conn)).problems
    finally:
        stop.set()
        await task
    # The chain's next events, written since, turn the cut tail into a gap.
    assert len(problems) == 1
    assert "event missing" in problems[0] or "events removed from the end" in problems[0]
