"""Shielding and unshielding: who may, what they must say, and what everyone else then sees."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import graphql, signed_in
from tests.world import World, build_world

SHIELD = """mutation($id: ID!, $reason: ShieldingReason!, $review: Date!, $note: String) {
  shieldChild(childId: $id, reason: $reason, reviewDate: $review, note: $note) {
    shielded address { line1 } withheld { field reason } } }"""
UNSHIELD = """mutation($id: ID!, $note: String!) {
  unshieldChild(childId: $id, note: $note) { shielded } }"""
NEXT_YEAR = (date.today() + timedelta(days=365)).isoformat()


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    return await build_world(engine)


async def _as(
    transport: httpx.ASGITransport, world: World, who: str, query: str, **variables: object
) -> dict[str, object]:
    person = world.people[who]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        return await graphql(http, query, **variables)


async def test_the_management_team_shields_a_child_of_its_authority(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    body = await _as(
        transport,
        world,
        "manager",
        SHIELD,
        id=world.open_child,
        reason="DOMESTIC_VIOLENCE",
        review=NEXT_YEAR,
    )
    assert body["data"]["shieldChild"]["shielded"] is True  # type: ignore[index]
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'CHILD_SHIELDED'")
            )
        ).scalar()
    assert events == 1


async def test_once_shielded_a_practitioner_sees_only_identity(
    transport: httpx.ASGITransport, world: World
) -> None:
    await _as(
        transport,
        world,
        "manager",
        SHIELD,
        id=world.open_child,
        reason="WITNESS_PROTECTION",
        review=NEXT_YEAR,
    )
    body = await _as(
        transport,
        world,
        "practitioner",
        "query($id: ID!) { child(id: $id) { familyName involvements { phone } } }",
        id=world.open_child,
    )
    assert body["data"] == {"child": {"familyName": "Openshaw", "involvements": None}}


@pytest.mark.parametrize("who", ["other manager", "practitioner", "auditor"])
async def test_nobody_else_may_shield_a_child(
    transport: httpx.ASGITransport, world: World, who: str
) -> None:
    body = await _as(
        transport, world, who, SHIELD, id=world.open_child, reason="ADOPTION", review=NEXT_YEAR
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]


async def test_an_administrator_may_shield_any_child(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _as(
        transport,
        world,
        "administrator",
        SHIELD,
        id=world.open_child,
        reason="ADOPTION",
        review=NEXT_YEAR,
    )
    assert body["data"]["shieldChild"]["shielded"] is True  # type: ignore[index]


async def test_shielding_for_another_reason_needs_a_note(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    body = await _as(
        transport,
        world,
        "manager",
        SHIELD,
        id=world.open_child,
        reason="OTHER",
        review=NEXT_YEAR,
        note="  ",
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "note"}  # type: ignore[index]
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM shielding"))).scalar() == 1


async def test_a_review_date_in_the_past_is_refused(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _as(
        transport,
        world,
        "manager",
        SHIELD,
        id=world.open_child,
        reason="ADOPTION",
        review="2020-01-01",
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "reviewDate"}  # type: ignore[index]


async def test_an_already_shielded_child_cannot_be_shielded_again(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _as(
        transport,
        world,
        "manager",
        SHIELD,
        id=world.shielded_child,
        reason="ADOPTION",
        review=NEXT_YEAR,
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "childId"}  # type: ignore[index]


async def test_the_management_team_unshields_with_a_reason(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    body = await _as(
        transport,
        world,
        "manager",
        UNSHIELD,
        id=world.shielded_child,
        note="Family has moved to a safe area and risk is reviewed",
    )
    assert body["data"]["unshieldChild"]["shielded"] is False  # type: ignore[index]
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT unshielded_by IS NOT NULL, unshield_note FROM shielding")
            )
        ).one()
    assert row[0] is True


async def test_an_unknown_child_is_not_found(transport: httpx.ASGITransport, world: World) -> None:
    body = await _as(
        transport, world, "manager", SHIELD, id="000000123459", reason="ADOPTION", review=NEXT_YEAR
    )
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "childId"}  # type: ignore[index]
