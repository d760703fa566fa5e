"""Telling the others: when a service becomes involved, the practitioners already involved
are told, in the inbox and live over a WebSocket subscription; for a shielded child only
the management team is, and no notification carries a field its reader may not see.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from httpx_ws import AsyncWebSocketSession, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.listener import NotificationListener
from backend.settings import Settings
from backend.web.app import create_app
from tests.clients import People
from tests.web.test_involvements import CONSENT, RECORD
from tests.world import SENSITIVE_NATURE, SHIELDED_SECRETS, World

INBOX = """{ unreadNotificationCount notifications {
  id kind childId childName organisationName practitionerName serviceTypeLabel message readAt
  withheld { field reason } } }"""
MARK_READ = "mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }"
SUBSCRIBE = """subscription { notificationReceived {
  childId organisationName serviceTypeLabel message withheld { field reason } } }"""


async def _involve(people: People, who: str, child: str, **input: object) -> None:
    body = await people.ask(who, RECORD, child=child, input={"serviceType": "SOCIAL_CARE", **input})
    assert "errors" not in body, body


async def _inbox(people: People, who: str) -> dict[str, Any]:
    body = await people.ask(who, INBOX)
    assert "errors" not in body, body
    inbox: dict[str, Any] = body["data"]
    return inbox


async def test_a_practitioner_already_involved_is_told_of_a_new_service(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "other practitioner", world.open_child, serviceType="YOUTH_SUPPORT")
    inbox = await _inbox(people, "practitioner")
    assert inbox["unreadNotificationCount"] == 1
    (told,) = inbox["notifications"]
    assert told["childId"] == world.open_child
    assert told["childName"] == "Alex Openshaw"
    assert told["organisationName"] == "Manchester City Council"
    assert told["serviceTypeLabel"] == "Youth support"
    assert "Manchester City Council" in told["message"]


async def test_the_practitioner_who_recorded_it_is_not_told(people: People, world: World) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "practitioner", world.open_child, serviceType="FAMILY_SUPPORT")
    assert (await _inbox(people, "practitioner"))["notifications"] == []


async def test_a_practitioner_not_involved_with_the_child_is_not_told(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    assert (await _inbox(people, "other practitioner"))["notifications"] == []
    assert (await _inbox(people, "manager"))["notifications"] == []


async def test_a_practitioner_whose_involvement_ended_is_not_told(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    body = await people.ask(
        "practitioner",
        "query($id: ID!) { child(id: $id) { myInvolvements { id } } }",
        id=world.open_child,
    )
    (mine,) = body["data"]["child"]["myInvolvements"]
    await people.ask(
        "practitioner",
        "mutation($id: ID!, $end: Date!) { endInvolvement(id: $id, endDate: $end) { id } }",
        id=mine["id"],
        end=date.today().isoformat(),
    )
    await _involve(people, "other practitioner", world.open_child)
    assert (await _inbox(people, "practitioner"))["notifications"] == []


async def test_a_sensitive_service_is_announced_without_its_nature(
    people: People, world: World
) -> None:
    await _involve(people, "other practitioner", world.open_child)
    await _involve(people, "practitioner", world.open_child, serviceType="CAMHS", consent=CONSENT)
    (told,) = (await _inbox(people, "other practitioner"))["notifications"]
    assert told["serviceTypeLabel"] is None
    assert {"field": "serviceTypeLabel", "reason": "CONSENT"} in told["withheld"]
    assert told["organisationName"] == "Leeds City Council"
    assert "mental health" not in str(told).lower()


async def test_for_a_shielded_child_only_the_management_team_is_told(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.shielded_child)
    await _involve(people, "other practitioner", world.shielded_child)
    assert (await _inbox(people, "practitioner"))["notifications"] == []
    told = (await _inbox(people, "manager"))["notifications"]
    assert {n["organisationName"] for n in told} == {
        "Leeds City Council",
        "Manchester City Council",
    }
    assert (await _inbox(people, "other manager"))["notifications"] == []


async def test_a_notification_about_a_child_shielded_since_withholds_the_service(
    people: People, world: World, engine: AsyncEngine
) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "other practitioner", world.open_child)
    await people.ask(
        "manager",
        """mutation($id: ID!) { shieldChild(childId: $id, reason: DOMESTIC_VIOLENCE,
             reviewDate: "2099-01-01") { shielded } }""",
        id=world.open_child,
    )
    (told,) = (await _inbox(people, "practitioner"))["notifications"]
    assert told["organisationName"] is None
    assert told["practitionerName"] is None
    assert {"field": "organisationName", "reason": "SHIELDED"} in told["withheld"]
    assert "Manchester" not in told["message"]


async def test_no_notification_carries_shielded_or_sensitive_values(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.shielded_child)
    await _involve(people, "other practitioner", world.shielded_child)
    for who in ("practitioner", "other practitioner", "other manager"):
        text_seen = str(await _inbox(people, who))
        for secret in SHIELDED_SECRETS + SENSITIVE_NATURE:
            assert secret not in text_seen, (who, secret)


async def test_marking_a_notification_read_lowers_the_unread_count(
    people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "other practitioner", world.open_child)
    (told,) = (await _inbox(people, "practitioner"))["notifications"]
    body = await people.ask("practitioner", MARK_READ, id=told["id"])
    assert body["data"]["markNotificationRead"]["readAt"] is not None
    assert (await _inbox(people, "practitioner"))["unreadNotificationCount"] == 0


async def test_nobody_can_mark_anothers_notification_read(people: People, world: World) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "other practitioner", world.open_child)
    (told,) = (await _inbox(people, "practitioner"))["notifications"]
    body = await people.ask("other practitioner", MARK_READ, id=told["id"])
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await _inbox(people, "practitioner"))["unreadNotificationCount"] == 1


async def test_reading_the_inbox_is_audited(
    people: People, world: World, engine: AsyncEngine
) -> None:
    await _involve(people, "practitioner", world.open_child)
    await _involve(people, "other practitioner", world.open_child)
    await _inbox(people, "practitioner")
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'NOTIFICATIONS_READ'")
            )
        ).scalar_one()
    assert events == 1


# --- live delivery -------------------------------------------------------------------


@asynccontextmanager
async def _subscribed(
    running_app: LifespanManager, people: People, who: str
) -> AsyncIterator[AsyncWebSocketSession]:
    """A graphql-transport-ws subscription signed in by `who`'s session cookie, returned
    once the server is listening for them."""
    http = await people.client(who)
    listener: NotificationListener = running_app._state["listener"]
    async with (
        httpx.AsyncClient(
            transport=ASGIWebSocketTransport(running_app.app),
            base_url="http://testserver",
            cookies=http.cookies,
        ) as ws_http,
        aconnect_ws("/graphql", ws_http, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        me = await people.ask(who, "{ me { id } }")
        user_id = uuid.UUID(me["data"]["me"]["id"])
        for _ in range(200):
            if listener.listening_for(user_id):
                break
            await asyncio.sleep(0.01)
        yield ws


async def test_a_subscribed_practitioner_is_told_live(
    running_app: LifespanManager, people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    async with _subscribed(running_app, people, "practitioner") as ws:
        await _involve(people, "other practitioner", world.open_child)
        message = await asyncio.wait_for(ws.receive_json(), timeout=5)
    assert message["type"] == "next"
    told = message["payload"]["data"]["notificationReceived"]
    assert told["childId"] == world.open_child
    assert told["organisationName"] == "Manchester City Council"


async def test_an_unrelated_subscriber_is_told_nothing(
    running_app: LifespanManager, people: People, world: World
) -> None:
    await _involve(people, "practitioner", world.open_child)
    async with _subscribed(running_app, people, "manager") as ws:
        await _involve(people, "other practitioner", world.open_child)
        try:
            message = await asyncio.wait_for(ws.receive_json(), timeout=1)
        except TimeoutError:
            message = None
    assert message is None


async def test_a_live_notification_about_a_shielded_child_carries_nothing_withheld(
    running_app: LifespanManager, people: People, world: World
) -> None:
    async with _subscribed(running_app, people, "manager") as ws:
        await _involve(people, "other practitioner", world.shielded_child)
        message = await asyncio.wait_for(ws.receive_json(), timeout=5)
    told = message["payload"]["data"]["notificationReceived"]
    assert told["childId"] == world.shielded_child  # the management team sees all
    for secret in SHIELDED_SECRETS:
        assert secret not in str(message)


async def test_a_subscription_without_a_session_is_refused(running_app: LifespanManager) -> None:
    async with (
        httpx.AsyncClient(
            transport=ASGIWebSocketTransport(running_app.app), base_url="http://testserver"
        ) as ws_http,
        aconnect_ws("/graphql", ws_http, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        message = await asyncio.wait_for(ws.receive_json(), timeout=5)
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_notification_recorded_through_another_server_is_delivered_live(
    running_app: LifespanManager,
    people: People,
    world: World,
    database_url: str,
    settings: Settings,
) -> None:
    """Two app instances share nothing but PostgreSQL, as two server processes would."""
    await _involve(people, "practitioner", world.open_child)
    second = create_app(database_url=database_url, settings=settings)
    async with LifespanManager(second) as other_server:
        elsewhere = People(httpx.ASGITransport(app=other_server.app), world.people)
        try:
            async with _subscribed(running_app, people, "practitioner") as ws:
                await _involve(elsewhere, "other practitioner", world.open_child)
                message = await asyncio.wait_for(ws.receive_json(), timeout=5)
        finally:
            await elsewhere.aclose()
    assert message["payload"]["data"]["notificationReceived"]["childId"] == world.open_child


async def test_queries_over_the_socket_are_refused(
    running_app: LifespanManager, people: People, world: World
) -> None:
    """A socket's identity is fixed when it opens; queries go over HTTP, where every
    request is checked."""
    http = await people.client("practitioner")
    async with (
        httpx.AsyncClient(
            transport=ASGIWebSocketTransport(running_app.app),
            base_url="http://testserver",
            cookies=http.cookies,
        ) as ws_http,
        aconnect_ws("/graphql", ws_http, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        await ws.receive_json()
        await ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "query($id: ID!) { child(id: $id) { familyName } }",
                    "variables": {"id": world.open_child},
                },
            }
        )
        message = await asyncio.wait_for(ws.receive_json(), timeout=5)
    assert message["type"] == "error"
    assert "Openshaw" not in str(message)


PAGE = """query($first: Int!, $before: DateTime, $beforeId: ID) {
  notifications(first: $first, before: $before, beforeId: $beforeId) { id createdAt } }"""


async def test_paging_the_inbox_loses_none_of_several_notifications_made_at_one_moment(
    people: People, world: World, owner_engine: AsyncEngine
) -> None:
    await _involve(people, "practitioner", world.open_child)
    for service in ("YOUTH_SUPPORT", "FAMILY_SUPPORT", "EDUCATION_WELFARE"):
        await _involve(people, "other practitioner", world.open_child, serviceType=service)
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE notification SET created_at = '2026-12-01T09:00:00Z'"))
    everyone = await people.ask("practitioner", PAGE, first=10)
    first = await people.ask("practitioner", PAGE, first=2)
    shown = first["data"]["notifications"]
    last = shown[-1]
    rest = await people.ask(
        "practitioner", PAGE, first=10, before=last["createdAt"], beforeId=last["id"]
    )
    paged = [n["id"] for n in shown + rest["data"]["notifications"]]
    assert paged == [n["id"] for n in everyone["data"]["notifications"]]
    assert len(paged) == len(set(paged)) >= 3


async def test_a_before_id_without_a_time_is_refused_naming_the_field(people: People) -> None:
    body = await people.ask("practitioner", PAGE, first=5, beforeId=str(uuid.uuid4()))
    assert body["errors"][0]["extensions"]["field"] == "beforeId"
