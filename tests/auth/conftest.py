"""Every test here uses the database: leave its tables empty after each one."""

from collections.abc import AsyncIterator

import pytest_asyncio


@pytest_asyncio.fixture(autouse=True)
async def _empty_tables_after(empty_tables: None) -> AsyncIterator[None]:
    yield
