"""The team is told live; the role goes only where it may; emergency views are counted in
the misuse reports and listed among views of shielded records."""

import asyncio

from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, error_of
from tests.emergency.test_breaking_the_glass import REASON, RECORD, _break_glass
from tests.web.test_notifications import _subscribed
from tests.world import World

ROLES = """mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) {
  roles } }"""
EVENTS = """query($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 10) {
  events { action } } }"""


async def _user_id(engine: AsyncEngine, email: str) -> str:
    async with engine.connect() as conn:
        value = (
            await conn.execute(text("SELECT id FROM user_account WHERE email = :e"), {"e": email})
        ).scalar_one()
    return str(value)


async def test_the_team_is_told_live(
    running_app: LifespanManager, people: People, duty: World
) -> None:
    async with _subscribed(running_app, people, "manager") as ws:
        await _break_glass(people, duty)
        message = await asyncio.wait_for(ws.receive_json(), timeout=5)
    told = message["payload"]["data"]["notificationReceived"]
    assert told["childId"] == duty.shielded_child
    assert REASON in told["message"]


async def test_a_manager_grants_the_role_to_their_own_people(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    target = await _user_id(engine, "practitioner@test.example")
    body = await people.ask("manager", ROLES, id=target, roles=["PRACTITIONER", "EMERGENCY_DUTY"])
    assert body["data"]["setUserRoles"]["roles"] == ["EMERGENCY_DUTY", "PRACTITIONER"]


async def test_a_manager_cannot_grant_the_role_in_another_authority(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    target = await _user_id(engine, "other.practitioner@test.example")
    body = await people.ask("manager", ROLES, id=target, roles=["PRACTITIONER", "EMERGENCY_DUTY"])
    # Another authority's people are outside the manager's reach: not even found.
    assert error_of(body)[0] == "NOT_FOUND"


async def test_the_role_never_goes_to_people_outside_a_local_authority(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    target = await _user_id(engine, "auditor@test.example")
    body = await people.ask("administrator", ROLES, id=target, roles=["EMERGENCY_DUTY"])
    assert error_of(body) == ("BAD_USER_INPUT", "roles")


async def test_the_role_never_goes_with_auditor(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    target = await _user_id(engine, "practitioner@test.example")
    body = await people.ask("administrator", ROLES, id=target, roles=["AUDITOR", "EMERGENCY_DUTY"])
    assert error_of(body) == ("BAD_USER_INPUT", "roles")


async def test_emergency_views_are_counted_as_record_views_in_the_reports(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await _break_glass(people, duty)
    await people.ask("duty worker", RECORD, id=duty.shielded_child)
    async with engine.connect() as conn:
        views = (
            await conn.execute(
                text("SELECT sum(records_opened) FROM audit_event_counts WHERE views = 1")
            )
        ).scalar_one()
    assert views == 1


async def test_emergency_views_are_among_the_views_of_shielded_records(
    people: People, duty: World
) -> None:
    await _break_glass(people, duty)
    await people.ask("duty worker", RECORD, id=duty.shielded_child)
    body = await people.ask("manager", EVENTS, filter={"shieldedViewsOnly": True})
    assert [e["action"] for e in body["data"]["auditEvents"]["events"]] == ["CHILD_VIEW_EMERGENCY"]
