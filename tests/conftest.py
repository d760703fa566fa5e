"""Shared fixtures: a fresh, migrated PostgreSQL database per test session, the app over
real HTTP (ASGI), and tables emptied after every test so counts are exact.

TEST_DATABASE_URL (a postgresql:// URL to a server where we may create databases) runs
the suite against that server; otherwise an embedded server in `.pgdata-test` is used.
"""

import os

# Before anything imports the password module: tests need not pay 0.3 s a hash.
os.environ.setdefault("CONTACTPOINT_PASSWORD_PROFILE", "cheap")

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from backend.db import embedded, migrate
from backend.db.engine import create_engine
from backend.db.urls import render, to_async_url
from backend.migrations import sql_0009
from backend.paths import PROJECT_ROOT
from backend.settings import Settings
from tests.clients import People
from tests.world import World, build_world

KEPT_TABLES = {
    "service_type",
    "alembic_version",
    "audit_chain_head",
    "audit_daily_mark",
    "given_name_variant",
    "feed_source",
    "feed_source_field",
    "shielding_clock",
}


def _server_url(database: str) -> str:
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        return render(to_async_url(external).set(database=database))
    return _embedded().url(database)


_embedded_server: embedded.EmbeddedServer | None = None


def _embedded() -> embedded.EmbeddedServer:
    global _embedded_server
    if _embedded_server is None:
        _embedded_server = embedded.start(PROJECT_ROOT / ".pgdata-test")
    return _embedded_server


async def _admin(statement: str) -> None:
    engine = create_async_engine(
        _server_url("postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    name = f"cp_test_{os.getpid()}_{secrets.token_hex(3)}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = _server_url(name)
    await migrate.upgrade(url)
    yield url
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if _embedded_server is not None:
        _embedded_server.stop()


@pytest_asyncio.fixture(scope="session")
async def owner_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Connected as the schema's owner (a superuser here): for set-up and inspection only."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Connected as the application's own low-privilege role, like the app."""
    engine = create_engine(database_url, pool_size=4)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def empty_tables(owner_engine: AsyncEngine) -> AsyncIterator[None]:
    """Empties every table after the test. Folders of database tests use it in conftest."""
    yield
    await empty_all_tables(owner_engine)


async def empty_all_tables(owner_engine: AsyncEngine) -> None:
    """Every table but the kept ones emptied, as a freshly migrated database has them."""
    async with owner_engine.begin() as conn:
        names = (
            await conn.execute(
                text(
                    "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                    " AND NOT c.relispartition"
                )
            )
        ).scalars()
        tables = [name for name in names if name not in KEPT_TABLES]
        # The audit log refuses TRUNCATE by trigger; only a superuser in replica mode,
        # which skips triggers, can reset it between tests.
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        # The registered sources go back to the five the migration registers.
        await conn.execute(text("DELETE FROM feed_source_field"))
        await conn.execute(text("DELETE FROM feed_source"))
        for statement in sql_0009.SOURCES.split(";")[:-1]:
            await conn.execute(text(statement))
        await conn.execute(
            text(
                "UPDATE audit_chain_head"
                " SET last_seq = 0, last_hash = decode(repeat('00', 32), 'hex')"
            )
        )
        await conn.execute(text("UPDATE audit_daily_mark SET rolled_seq = 0"))


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(environment="development")


@pytest_asyncio.fixture(scope="session")
async def running_app(database_url: str, settings: Settings) -> AsyncIterator[LifespanManager]:
    """The app, running (lifespan included); `.app` to send it requests."""
    from backend.web.app import create_app

    app = create_app(database_url=database_url, settings=settings)
    async with LifespanManager(app) as manager:
        yield manager


@pytest_asyncio.fixture(scope="session")
async def transport(running_app: LifespanManager) -> httpx.ASGITransport:
    """The running app reached over HTTP in-process."""
    return httpx.ASGITransport(app=running_app.app)


@pytest_asyncio.fixture(scope="session")
async def client(transport: httpx.ASGITransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# A small directory of people and children (tests/world.py), for tests that ask the API.
@pytest_asyncio.fixture
async def world(engine: AsyncEngine) -> World:
    return await build_world(engine)


@pytest_asyncio.fixture
async def people(transport: httpx.ASGITransport, world: World) -> AsyncIterator[People]:
    signed_in_people = People(transport, world.people)
    yield signed_in_people
    await signed_in_people.aclose()
