"""Emergency access tests use the database (emptied after each) and the test world."""

from collections.abc import AsyncIterator
from datetime import date

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.services.users import create_user
from tests.world import PASSWORD, Person, World


@pytest_asyncio.fixture(autouse=True)
async def _empty_tables_after(empty_tables: None) -> AsyncIterator[None]:
    yield


@pytest_asyncio.fixture
async def duty(engine: AsyncEngine, world: World) -> World:
    """The test world with an emergency duty worker in each authority (and one who also
    manages, who must not review their own grant)."""
    actor = Actor(request_id="test-duty")
    async with engine.begin() as conn:
        for who, organisation, roles in (
            ("duty worker", "E08000035", ["PRACTITIONER", "EMERGENCY_DUTY"]),
            ("other duty worker", "E08000003", ["PRACTITIONER", "EMERGENCY_DUTY"]),
            ("duty manager", "E08000035", ["PRACTITIONER", "MANAGER", "EMERGENCY_DUTY"]),
        ):
            user = await create_user(
                conn,
                actor,
                email=f"{who.replace(' ', '.')}@test.example",
                name=who.title(),
                organisation_code=organisation,
                roles=roles,
                password=PASSWORD,
                trained_on=date(2026, 1, 5),
                vetted_until=date(2030, 1, 1),
            )
            world.people[who] = Person(email=user.email, totp_secret=user.totp_secret)
    return world
