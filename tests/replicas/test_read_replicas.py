"""Read replicas (DATABASE_REPLICA_URL): record views and search candidates come from a
real streaming replica when it is fresh enough for the caller, and from the primary when
it lags, has not replayed the caller's own change or the newest shielding, or is down;
the caller never sees the difference but for seconds-old data, and never an error.

Each test pauses the replica's replay (pg_wal_replay_pause) to make it stale on purpose:
a value changed on the primary then tells which server answered.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from backend.db import migrate
from backend.db.engine import create_engine
from backend.db.replicas import ReplicaSet
from backend.db.urls import render, to_async_url
from backend.settings import Settings
from backend.web.app import create_app
from tests import factories
from tests.clients import People
from tests.conftest import empty_all_tables
from tests.replicas import cluster
from tests.web.test_involvements import RECORD
from tests.web.test_shielding import NEXT_YEAR, SHIELD
from tests.world import World, build_world

VIEW = """query($id: ID!) { child(id: $id) {
  givenNames address { line1 } myInvolvements { serviceType } withheld { field reason } } }"""
SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  matches { child { givenNames } } } }"""


def _owner(url: str) -> AsyncEngine:
    return create_async_engine(render(to_async_url(url)), poolclass=NullPool)


@pytest.fixture(scope="module")
def servers() -> Iterator[cluster.Cluster]:
    built = cluster.build()
    try:
        asyncio.run(migrate.upgrade(built.primary.url()))
        yield built
    finally:
        built.remove()


@pytest_asyncio.fixture
async def primary(servers: cluster.Cluster) -> AsyncIterator[AsyncEngine]:
    """The primary as its owner, for changes behind the app's back; emptied afterwards."""
    engine = _owner(servers.primary.url())
    yield engine
    await empty_all_tables(engine)
    await engine.dispose()


@pytest_asyncio.fixture
async def replica(servers: cluster.Cluster) -> AsyncIterator[AsyncEngine]:
    """The replica as a superuser, to pause and resume its replay."""
    engine = _owner(servers.replica.url())
    yield engine
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_wal_replay_resume()"))
        await conn.commit()
    await engine.dispose()


@pytest_asyncio.fixture
async def world(servers: cluster.Cluster, primary: AsyncEngine) -> AsyncIterator[World]:
    engine = create_engine(servers.primary.url(), pool_size=2)
    try:
        yield await build_world(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def _app(
    servers: cluster.Cluster, world: World, *, max_lag: float
) -> AsyncIterator[tuple[People, ReplicaSet]]:
    settings = Settings(
        environment="development",
        database_replica_urls=[servers.replica.url()],
        replica_max_lag_seconds=max_lag,
        replica_check_seconds=0.1,
    )
    app = create_app(database_url=servers.primary.url(), settings=settings)
    async with LifespanManager(app) as manager:
        replicas: ReplicaSet = manager._state["replicas"]
        people = People(httpx.ASGITransport(app=manager.app), world.people)
        # Signing in is a change of one's own: the replica must have it before it may
        # answer them, so sign in first and let it catch up.
        for who in ("practitioner", "other practitioner"):
            await people.client(who)
        await _until(lambda: bool(replicas.usable()))
        try:
            yield people, replicas
        finally:
            await people.aclose()


async def _until(condition: Any, seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


async def _pause(replica: AsyncEngine) -> None:
    async with replica.connect() as conn:
        await conn.execute(text("SELECT pg_wal_replay_pause()"))
        await conn.commit()


async def _rename(primary: AsyncEngine, child: str, name: str) -> None:
    async with primary.begin() as conn:
        await conn.execute(
            text("UPDATE child SET given_names = :name WHERE contact_point_id = :id"),
            {"name": name, "id": child},
        )


async def _view(people: People, who: str, child: str) -> dict[str, Any]:
    body = await people.ask(who, VIEW, id=child)
    assert "errors" not in body, body
    viewed: dict[str, Any] = body["data"]["child"]
    return viewed


async def test_record_views_and_search_candidates_come_from_the_replica(
    servers: cluster.Cluster, world: World, primary: AsyncEngine, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, replicas):
        await _pause(replica)
        await _rename(primary, world.open_child, "Renamed")
        viewed = await _view(people, "practitioner", world.open_child)
        found = await people.ask(
            "practitioner", SEARCH, c={"familyName": "Openshaw", "givenName": "Alex"}
        )
        assert replicas.replicas[0].reads == 2
    assert viewed["givenNames"] == "Alex"
    assert found["data"]["searchChildren"]["matches"][0]["child"]["givenNames"] == "Alex"


async def test_every_read_from_the_replica_is_audited_on_the_primary(
    servers: cluster.Cluster, world: World, primary: AsyncEngine, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, replicas):
        await _pause(replica)
        await _view(people, "practitioner", world.open_child)
        assert replicas.replicas[0].reads == 1
    async with primary.connect() as conn:
        views = await conn.scalar(
            text("SELECT count(*) FROM audit_event WHERE action = 'CHILD_VIEW' AND outcome = 'OK'")
        )
    assert views == 1


async def test_a_callers_own_change_is_read_back_from_the_primary(
    servers: cluster.Cluster, world: World, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, _replicas):
        await _pause(replica)
        recorded = await people.ask(
            "practitioner", RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
        )
        assert "errors" not in recorded, recorded
        viewed = await _view(people, "practitioner", world.open_child)
    assert viewed["myInvolvements"] == [{"serviceType": "SOCIAL_CARE"}]


async def test_a_child_shielded_a_moment_ago_is_never_shown_from_a_replica_without_it(
    servers: cluster.Cluster, world: World, primary: AsyncEngine, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, replicas):
        before = await _view(people, "other practitioner", world.open_child)
        assert before["address"] is not None
        await _pause(replica)
        async with primary.begin() as conn:
            child_id = await conn.scalar(
                text("SELECT id FROM child WHERE contact_point_id = :id"), {"id": world.open_child}
            )
            await factories.shielding(conn, child_id)
        after = await _view(people, "other practitioner", world.open_child)
        assert replicas.replicas[0].fallbacks == 1
    assert after["address"] is None
    assert {"field": "address", "reason": "SHIELDED"} in after["withheld"]


async def test_a_mutation_reads_its_own_answer_from_the_primary(
    servers: cluster.Cluster, world: World, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, replicas):
        await people.client("manager")
        await _until(lambda: bool(replicas.usable()))
        await _pause(replica)
        body = await people.ask(
            "manager", SHIELD, id=world.open_child, reason="DOMESTIC_VIOLENCE", review=NEXT_YEAR
        )
        assert replicas.replicas[0].reads == 0
    assert body["data"]["shieldChild"]["shielded"] is True


async def test_a_replica_further_behind_than_allowed_is_left_for_the_primary(
    servers: cluster.Cluster, world: World, primary: AsyncEngine, replica: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=0.5) as (people, replicas):
        await _pause(replica)
        await _rename(primary, world.open_child, "Renamed")
        await _until(lambda: not replicas.usable())
        viewed = await _view(people, "practitioner", world.open_child)
        assert replicas.replicas[0].reads == 0
        async with replica.connect() as conn:
            await conn.execute(text("SELECT pg_wal_replay_resume()"))
            await conn.commit()
        await _until(lambda: bool(replicas.usable()))
        caught_up = await _view(people, "practitioner", world.open_child)
        assert replicas.replicas[0].reads == 1
    assert viewed["givenNames"] == caught_up["givenNames"] == "Renamed"


async def test_a_replica_that_is_down_gives_way_to_the_primary_without_an_error(
    servers: cluster.Cluster, world: World, primary: AsyncEngine
) -> None:
    async with _app(servers, world, max_lag=60) as (people, replicas):
        servers.replica.stop("immediate")
        try:
            await _rename(primary, world.open_child, "Renamed")
            viewed = await _view(people, "practitioner", world.open_child)
            found = await people.ask(
                "practitioner", SEARCH, c={"familyName": "Openshaw", "givenName": "Renamed"}
            )
            assert not replicas.usable()
        finally:
            servers.replica.start()
    assert viewed["givenNames"] == "Renamed"
    assert found["data"]["searchChildren"]["matches"][0]["child"]["givenNames"] == "Renamed"
