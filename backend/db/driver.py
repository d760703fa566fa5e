"""The asyncpg connection under a SQLAlchemy one, for the few statements on every request.

SQLAlchemy adds about 0.25 ms of CPU to each statement (measured, bench/README.md); the
session check, the record view and its audit event run on every record view, so they use
the driver directly — on the same connection, inside whatever transaction it is in.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


async def driver(conn: AsyncConnection) -> Any:
    """The asyncpg.Connection of `conn` (typed Any: asyncpg ships no type hints)."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection
