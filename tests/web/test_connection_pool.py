"""More requests at once than the connection pool holds: every one is answered, none
waits for a connection another request holds while waiting itself."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from starlette.types import Receive, Scope, Send

from backend.settings import Settings
from backend.web import graphql_requests
from backend.web.app import create_app
from backend.web.graphql_requests import GraphQLRequests
from tests.clients import People
from tests.world import World

SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  matches { child { contactPointId } } } }"""
VIEW = "query($id: ID!) { child(id: $id) { familyName } }"


@pytest_asyncio.fixture
async def small_pool(database_url: str) -> AsyncIterator[httpx.ASGITransport]:
    """The app with the smallest pool it accepts: 2 connections, 2 more as overflow."""
    app = create_app(
        database_url=database_url, settings=Settings(environment="development", db_pool_size=2)
    )
    async with LifespanManager(app) as manager:
        yield httpx.ASGITransport(app=manager.app)


async def test_searches_beyond_the_pool_all_answer_without_waiting_for_its_timeout(
    small_pool: httpx.ASGITransport, world: World
) -> None:
    people = People(small_pool, world.people)
    try:
        criteria = {"familyName": "Openshaw", "givenName": "Alex"}
        await people.ask("practitioner", SEARCH, c=criteria)  # signed in
        # A search holds the request's connection and takes another for its audit event:
        # twelve at once on four connections each held one and waited 30 s for a second.
        asked = [people.ask("practitioner", SEARCH, c=criteria) for _ in range(12)]
        asked += [people.ask("practitioner", VIEW, id=world.open_child) for _ in range(6)]
        answers = await asyncio.wait_for(asyncio.gather(*asked), timeout=20)
    finally:
        await people.aclose()
    assert [a.get("errors") for a in answers] == [None] * 18
    assert all(a["data"]["searchChildren"]["matches"] for a in answers[:12])


@pytest_asyncio.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    """The app with its database gone: a Unix socket whose file does not exist, as while
    the embedded server restarts."""
    app = create_app(
        database_url="postgresql://postgres@/contactpoint?host=/nonexistent/socket/dir",
        settings=Settings(environment="development"),
    )
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_a_session_check_that_cannot_reach_the_database_says_try_again(
    unreachable: httpx.AsyncClient,
) -> None:
    unreachable.cookies.set("cp_session", "a-session-token")
    response = await unreachable.post("/graphql", json={"query": VIEW, "variables": {"id": "x"}})
    assert response.headers["content-type"].startswith("application/json")
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAVAILABLE"]


def _failing(error: Exception) -> httpx.AsyncClient:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise error

    answering = GraphQLRequests(app, limit=65_536, in_flight=1)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=answering), base_url="http://testserver"
    )


async def test_an_error_that_escapes_graphql_is_answered_as_graphql_json_with_its_request() -> None:
    async with _failing(RuntimeError("a bug")) as http:
        response = await http.post("/graphql", json={"query": "{ me { email } }"})
    assert response.status_code == 500
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "requestId" in error["extensions"]
    assert "a bug" not in response.text


async def test_a_lost_database_that_escapes_graphql_is_unavailable_not_an_internal_error() -> None:
    async with _failing(ConnectionRefusedError("refused")) as http:
        response = await http.post("/graphql", json={"query": "{ me { email } }"})
    assert response.status_code == 503
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAVAILABLE"]


async def test_a_request_that_waits_too_long_for_its_turn_is_told_the_service_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(graphql_requests, "ADMISSION_WAIT_SECONDS", 0.2)
    release = asyncio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    answering = GraphQLRequests(slow, limit=65_536, in_flight=1)
    transport = httpx.ASGITransport(app=answering)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        first = asyncio.create_task(http.post("/graphql", json={"query": "{ me { email } }"}))
        await asyncio.sleep(0.05)
        second = await http.post("/graphql", json={"query": "{ me { email } }"})
        release.set()
        assert (await first).status_code == 200
    assert second.status_code == 503
    assert second.headers["retry-after"] == "1"
    assert [e["extensions"]["code"] for e in second.json()["errors"]] == ["UNAVAILABLE"]
