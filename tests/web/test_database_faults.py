"""The app's database connections cut while practitioners work: no request hangs, every
failure is a clear error, and everything acknowledged is in the database, audited."""

import asyncio
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People
from tests.web.test_involvements import CONSENT, RECORD
from tests.world import World

VIEW = "query($id: ID!) { child(id: $id) { familyName involvements { serviceType } } }"
# The app's own connections (application_name 'contactpoint'), in this database only.
CUT = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND application_name = 'contactpoint'"
    " AND pid <> pg_backend_pid()"
)
# Twelve writes, each a service a practitioner is not yet involved with.
SERVICES = ["SOCIAL_CARE", "FAMILY_SUPPORT", "EDUCATION_WELFARE", "YOUTH_SUPPORT", "GP", "MIDWIFE"]


async def _work(people: People, world: World, n: int) -> dict[str, Any]:
    if n % 2:
        return await people.ask("practitioner", VIEW, id=world.open_child)
    write = n // 2
    service = SERVICES[write // 2]
    who = "practitioner" if write % 2 else "other practitioner"
    return await people.ask(
        who, RECORD, child=world.open_child,
        input={"serviceType": service, "practitionerName": f"Worker {n}", "consent": CONSENT},
    )  # fmt: skip


async def test_cut_connections_give_clear_errors_lose_nothing_and_recover(
    people: People, world: World, engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await people.ask("practitioner", VIEW, id=world.open_child)  # signed in, pool warm
    await people.ask("other practitioner", VIEW, id=world.open_child)
    answers: list[dict[str, Any]] = []
    for round_ in range(3):
        async with owner_engine.connect() as conn:
            await conn.execute(CUT)
        batch = [_work(people, world, round_ * 8 + n) for n in range(8)]
        answers += await asyncio.wait_for(asyncio.gather(*batch), timeout=30)
    codes = {e["extensions"]["code"] for a in answers for e in a.get("errors", [])}
    messages = [e["message"] for a in answers for e in a.get("errors", [])]
    assert codes <= {"UNAVAILABLE"}, messages  # never the generic internal error
    cut_at = time.perf_counter()
    async with owner_engine.connect() as conn:
        await conn.execute(CUT)
    while "errors" in await people.ask("practitioner", VIEW, id=world.open_child):
        assert time.perf_counter() - cut_at < 10, "not recovered within 10 s"
    acknowledged = {
        a["data"]["recordInvolvement"]["id"]
        for a in answers
        if a.get("data") and a["data"].get("recordInvolvement")
    }
    async with owner_engine.connect() as conn:
        stored = set(
            (await conn.execute(text("SELECT CAST(id AS text) FROM involvement"))).scalars()
        )
        audited = set(
            (
                await conn.execute(
                    text(
                        "SELECT detail->>'involvementId' FROM audit_event"
                        " WHERE action = 'INVOLVEMENT_RECORDED'"
                    )
                )
            ).scalars()
        )
    assert acknowledged <= stored
    assert acknowledged <= audited
