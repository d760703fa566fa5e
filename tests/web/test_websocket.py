"""The GraphQL WebSocket endpoint speaks graphql-transport-ws and holds no pooled database
connection for the life of a socket."""

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import signed_in
from tests.world import build_world


async def test_a_signed_in_websocket_holds_no_database_connection_while_open(
    running_app: LifespanManager, engine: AsyncEngine
) -> None:
    world = await build_world(engine)
    person = world.people["practitioner"]
    app_engine: AsyncEngine = running_app._state["engine"]
    async with signed_in(
        ASGITransport(app=running_app.app), person.email, person.password, person.totp_secret
    ) as http:
        cookies = http.cookies
    async with (
        AsyncClient(
            transport=ASGIWebSocketTransport(running_app.app),
            base_url="http://testserver",
            cookies=cookies,
        ) as ws_http,
        aconnect_ws("/graphql", ws_http, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json())["type"] == "connection_ack"
        assert app_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
