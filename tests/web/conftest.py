"""Every test here uses the database: leave its tables empty after each one."""

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People
from tests.world import World, build_world


@pytest_asyncio.fixture(autouse=True)
async def _empty_tables_after(empty_tables: None) -> AsyncIterator[None]:
    yield


@pytest_asyncio.fixture
async def world(engine: AsyncEngine) -> World:
    return await build_world(engine)


@pytest_asyncio.fixture
async def people(transport: httpx.ASGITransport, world: World) -> AsyncIterator[People]:
    signed_in_people = People(transport, world.people)
    yield signed_in_people
    await signed_in_people.aclose()
