"""Several root fields in one request (the app asks for a record and the inbox count at
once): each is answered and each look at a child is audited once."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import graphql, partner, signed_in
from tests.world import World, build_world

TWO_CHILDREN = """query($a: ID!, $b: ID!) {
  first: child(id: $a) { contactPointId familyName address { postcode } }
  second: child(id: $b) { contactPointId familyName address { postcode } }
}"""

RECORD_AND_INBOX = """query($a: ID!) {
  child(id: $a) { contactPointId involvements { practitionerName } }
  unreadNotificationCount
  me { email }
}"""


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    return await build_world(engine)


async def _views(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        sql = "SELECT count(*) FROM audit_event WHERE action = 'CHILD_VIEW'"
        return int((await conn.execute(text(sql))).scalar_one())


async def test_two_children_in_one_request_are_both_answered_and_each_audited_once(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    person = world.people["practitioner"]
    before = await _views(engine)
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, TWO_CHILDREN, a=world.open_child, b=world.shielded_child)
    assert "errors" not in body, body
    assert body["data"]["first"]["contactPointId"].replace(" ", "") == world.open_child
    assert body["data"]["second"]["contactPointId"].replace(" ", "") == world.shielded_child
    assert body["data"]["second"]["address"] is None  # still withheld
    assert await _views(engine) - before == 2


async def test_a_record_and_the_inbox_count_come_back_together(
    transport: httpx.ASGITransport, world: World
) -> None:
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, RECORD_AND_INBOX, a=world.open_child)
    assert "errors" not in body, body
    assert body["data"]["child"]["contactPointId"].replace(" ", "") == world.open_child
    assert isinstance(body["data"]["unreadNotificationCount"], int)
    assert body["data"]["me"]["email"] == person.email


async def test_a_partner_may_ask_for_several_children_at_once(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.partner_token) as http:
        body = await graphql(http, TWO_CHILDREN, a=world.open_child, b=world.open_child)
    assert "errors" not in body, body
    assert body["data"]["first"] == body["data"]["second"]
