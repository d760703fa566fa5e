"""The asyncpg connection under a SQLAlchemy one, for the few statements on every request.

SQLAlchemy adds about 0.25 ms of CPU to each statement (measured, bench/README.md); the
session check, the record view and its audit event run on every record view, so they use
the driver directly — on the same connection, inside whatever transaction it is in.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


async def driver(conn: AsyncConnection) -> Any:
    """The asyncpg.Connection of `conn` (typed Any: asyncpg ships no type hints)."""
    sync = conn.sync_connection
    if sync is not None and not sync.closed and not sync.invalidated:
        # A live connection's driver is a plain attribute: no need for the greenlet hop
        # that get_raw_connection() makes in case it must reconnect (three per view).
        return sync.connection.driver_connection
    raw = await conn.get_raw_connection()
    return raw.driver_connection
