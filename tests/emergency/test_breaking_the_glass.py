"""Breaking the glass: an emergency duty worker of the child's own authority opens one
shielded record for a while, with a fresh code, a purpose and a reason; and only that."""

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pyotp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import People, graphql, partner
from tests.world import SHIELDED_SECRETS, World

REQUEST = """mutation($child: ID!, $purpose: EmergencyPurpose!, $reason: String!, $code: String!) {
  requestEmergencyAccess(childId: $child, purpose: $purpose, reason: $reason, totpCode: $code) {
    id childId purpose reason open expiresAt holderName } }"""
RECORD = """query($id: ID!) { child(id: $id) {
  address { line1 postcode } parentsAndCarers { name } involvements { practitionerName }
  nhsNumber emergencyAccess { grantId purpose expiresAt }
  responsibleAuthority { teamOutOfHoursPhone } withheld { field reason } } }"""
PARTNER_RECORD = """query($id: ID!) { child(id: $id) {
  address { line1 postcode } parentsAndCarers { name } involvements { practitionerName }
  withheld { field reason } } }"""
SEARCH = """query { searchChildren(criteria: {familyName: "Shieldson", givenName: "Riley"}) {
  matches { child { id town postcodeDistrict withheld { field reason } } } } }"""
INBOX = "{ notifications { kind childId message practitionerName } }"
REASON = "Police at the door: the child may be with the person she was shielded from."


def next_code(world: World, who: str) -> str:
    """A code of the next time step: the sign-in used this one, and a code is good once."""
    return str(pyotp.TOTP(world.people[who].totp_secret).at(int(time.time()) + 30))


async def _break_glass(
    people: People, world: World, who: str = "duty worker", **overrides: Any
) -> dict[str, Any]:
    await people.client(who)  # signed in first: the sign-in spends this step's code
    variables = {
        "child": world.shielded_child,
        "purpose": "POLICE_REQUEST",
        "reason": REASON,
        "code": next_code(world, who),
        **overrides,
    }
    return await people.ask(who, REQUEST, **variables)


async def _count(engine: AsyncEngine, sql: str, **values: Any) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql), values)).scalar_one())


async def test_the_duty_worker_sees_the_shielded_record_during_the_grant(
    people: People, duty: World
) -> None:
    granted = await _break_glass(people, duty)
    assert granted["data"]["requestEmergencyAccess"]["open"] is True
    body = await people.ask("duty worker", RECORD, id=duty.shielded_child)
    child = body["data"]["child"]
    assert child["address"]["line1"] == "7 Hidden Lane"
    assert [c["name"] for c in child["parentsAndCarers"]] == ["Carol Secretcarer"]
    assert child["emergencyAccess"]["grantId"] == granted["data"]["requestEmergencyAccess"]["id"]
    assert "SHIELDED" not in {w["reason"] for w in child["withheld"]}


async def test_the_grant_never_opens_the_matching_identifiers(people: People, duty: World) -> None:
    await _break_glass(people, duty)
    body = await people.ask("duty worker", RECORD, id=duty.shielded_child)
    assert body["data"]["child"]["nhsNumber"] is None
    assert {"field": "nhsNumber", "reason": "ROLE"} in body["data"]["child"]["withheld"]


async def test_the_grant_lasts_sixty_minutes(people: People, duty: World) -> None:
    granted = (await _break_glass(people, duty))["data"]["requestEmergencyAccess"]
    left = datetime.fromisoformat(granted["expiresAt"]) - datetime.now(UTC)
    assert 59 * 60 < left.total_seconds() <= 60 * 60


async def test_every_view_in_the_window_is_audited_with_the_grant(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    grant_id = (await _break_glass(people, duty))["data"]["requestEmergencyAccess"]["id"]
    await people.ask("duty worker", RECORD, id=duty.shielded_child)
    await people.ask("duty worker", RECORD, id=duty.shielded_child)
    views = await _count(
        engine,
        "SELECT count(*) FROM audit_event WHERE action = 'CHILD_VIEW_EMERGENCY'"
        " AND detail->>'grantId' = :g",
        g=grant_id,
    )
    assert views == 2


async def test_the_team_is_told_at_once_who_which_child_purpose_and_reason(
    people: People, duty: World
) -> None:
    await _break_glass(people, duty)
    body = await people.ask("manager", INBOX)
    (told,) = body["data"]["notifications"]
    assert told["kind"] == "EMERGENCY_ACCESS_GRANTED"
    assert told["childId"] == duty.shielded_child
    assert told["practitionerName"] == "Duty Worker"
    assert "police request" in told["message"]
    assert REASON in told["message"]


async def test_no_one_else_is_told(people: People, duty: World) -> None:
    await _break_glass(people, duty)
    for who in ("other manager", "practitioner"):
        body = await people.ask(who, INBOX)
        assert body["data"]["notifications"] == []


async def test_the_grant_opens_no_other_child(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        other_id, other = await factories.child(
            conn, duty.leeds_id, given_names="Sam", family_name="Otherhidden",
            address_line1="3 Secret Row",
        )  # fmt: skip
        await factories.shielding(conn, other_id)
    await _break_glass(people, duty)
    body = await people.ask("duty worker", RECORD, id=other)
    assert body["data"]["child"]["address"] is None
    assert body["data"]["child"]["emergencyAccess"] is None


async def test_search_results_stay_withheld_during_the_grant(people: People, duty: World) -> None:
    await _break_glass(people, duty)
    body = await people.ask("duty worker", SEARCH)
    (match,) = body["data"]["searchChildren"]["matches"]
    found = match["child"]
    assert found["town"] is None
    assert found["postcodeDistrict"] is None
    for secret in SHIELDED_SECRETS:
        assert secret not in str(body)


async def test_other_callers_see_nothing_new(
    people: People, duty: World, transport: httpx.ASGITransport
) -> None:
    await _break_glass(people, duty)
    for who in ("practitioner", "other duty worker", "other manager"):
        body = await people.ask(who, RECORD, id=duty.shielded_child)
        assert body["data"]["child"]["address"] is None, who
        assert body["data"]["child"]["emergencyAccess"] is None, who
    async with partner(transport, duty.partner_token) as http:
        body = await graphql(http, PARTNER_RECORD, id=duty.shielded_child)
    for secret in SHIELDED_SECRETS:
        assert secret not in str(body)


async def test_after_the_window_the_record_is_withheld_again(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await _break_glass(people, duty)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE emergency_access SET granted_at = now() - interval '2 hours',"
                " expires_at = now() - interval '1 hour'"
            )
        )
    body = await people.ask("duty worker", RECORD, id=duty.shielded_child)
    assert body["data"]["child"]["address"] is None
    assert body["data"]["child"]["emergencyAccess"] is None
    views = await _count(
        engine, "SELECT count(*) FROM audit_event WHERE action = 'CHILD_VIEW_EMERGENCY'"
    )
    assert views == 0


async def test_everyone_sees_the_teams_out_of_hours_number(people: People, duty: World) -> None:
    body = await people.ask("other practitioner", RECORD, id=duty.shielded_child)
    assert body["data"]["child"]["responsibleAuthority"]["teamOutOfHoursPhone"] == "0113 496 0888"
