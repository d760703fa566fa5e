"""The background task that keeps the audit reports' daily counts close to the log.

Each report rolls the counts itself before it reads them, so this only keeps that roll
short: without it, the first report after a quiet month would count a month of events.
Several server processes may run it; the database lets one roll at a time and the
others skip their turn.
"""

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.queries.audit_reports import roll_daily_counts
from backend.errors import describe_unexpected

log = logging.getLogger("contactpoint.audit")


async def keep_counting(engine: AsyncEngine, every_seconds: float) -> None:
    """Roll the daily counts every `every_seconds` until cancelled; a failed roll is
    logged and tried again next time (the events stay in the log, uncounted until then)."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            async with engine.begin() as conn:
                await roll_daily_counts(conn, wait=False)
        except Exception as failed:
            log.warning("audit daily counts not rolled: %s", describe_unexpected(failed))
