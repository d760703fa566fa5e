"""Recording CAF status: started, completed, closed; who holds it and who may change it."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, error_of
from tests.world import World

RECORD_CAF = """mutation($child: ID!, $status: CafStatus!, $date: Date!) {
  recordCafStatus(childId: $child, status: $status, date: $date) {
    status startedOn completedOn closedOn holder { code } holderName } }"""
TODAY = date.today()
LAST_MONTH = TODAY - timedelta(days=30)


async def _caf(people: People, who: str, child: str, status: str, on: date) -> dict[str, Any]:
    return await people.ask(who, RECORD_CAF, child=child, status=status, date=on.isoformat())


async def test_a_started_caf_is_held_by_the_recording_practitioner(
    people: People, world: World
) -> None:
    body = await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    caf = body["data"]["recordCafStatus"]
    assert caf == {
        "status": "STARTED",
        "startedOn": LAST_MONTH.isoformat(),
        "completedOn": None,
        "closedOn": None,
        "holder": {"code": "E08000035"},
        "holderName": "Practitioner",
    }


async def test_a_completed_caf_keeps_its_start_date_and_holder(
    people: People, world: World
) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    body = await _caf(people, "practitioner", world.open_child, "COMPLETED", TODAY)
    caf = body["data"]["recordCafStatus"]
    assert (caf["status"], caf["startedOn"], caf["completedOn"]) == (
        "COMPLETED",
        LAST_MONTH.isoformat(),
        TODAY.isoformat(),
    )


async def test_a_caf_cannot_be_completed_before_it_is_started(people: People, world: World) -> None:
    body = await _caf(people, "practitioner", world.open_child, "COMPLETED", TODAY)
    assert error_of(body) == ("BAD_USER_INPUT", "status")


async def test_a_caf_cannot_be_completed_before_its_start_date(
    people: People, world: World
) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", TODAY)
    body = await _caf(people, "practitioner", world.open_child, "COMPLETED", LAST_MONTH)
    assert error_of(body) == ("BAD_USER_INPUT", "date")


async def test_a_caf_date_in_the_future_is_refused(people: People, world: World) -> None:
    body = await _caf(
        people, "practitioner", world.open_child, "STARTED", TODAY + timedelta(days=1)
    )
    assert error_of(body) == ("BAD_USER_INPUT", "date")


async def test_another_organisation_cannot_change_a_caf_it_does_not_hold(
    people: People, world: World
) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    body = await _caf(people, "other practitioner", world.open_child, "CLOSED", TODAY)
    assert error_of(body) == ("FORBIDDEN", "childId")


async def test_on_a_shielded_child_only_the_management_team_records_a_caf(
    people: People, world: World, engine: AsyncEngine
) -> None:
    refused = await _caf(people, "practitioner", world.shielded_child, "STARTED", TODAY)
    assert error_of(refused) == ("FORBIDDEN", "childId")
    allowed = await _caf(people, "manager", world.shielded_child, "STARTED", TODAY)
    assert allowed["data"]["recordCafStatus"]["status"] == "STARTED"
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'CAF_RECORDED'")
            )
        ).scalar_one()
    assert events == 1


async def test_a_caf_closed_without_completion_shows_no_completion_date(
    people: People, world: World
) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    body = await _caf(people, "practitioner", world.open_child, "CLOSED", TODAY)
    caf = body["data"]["recordCafStatus"]
    assert (caf["status"], caf["completedOn"], caf["closedOn"]) == (
        "CLOSED",
        None,
        TODAY.isoformat(),
    )


async def test_a_closed_caf_is_not_reopened_as_completed(people: People, world: World) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    await _caf(people, "practitioner", world.open_child, "CLOSED", TODAY)
    body = await _caf(people, "practitioner", world.open_child, "COMPLETED", TODAY)
    assert error_of(body) == ("BAD_USER_INPUT", "status")


async def test_after_a_caf_closes_another_organisation_may_start_a_new_one(
    people: People, world: World
) -> None:
    await _caf(people, "practitioner", world.open_child, "STARTED", LAST_MONTH)
    await _caf(people, "practitioner", world.open_child, "CLOSED", TODAY)
    body = await _caf(people, "other practitioner", world.open_child, "STARTED", TODAY)
    assert body["data"]["recordCafStatus"]["holder"] == {"code": "E08000003"}
