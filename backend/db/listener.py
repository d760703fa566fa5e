"""Waking live subscriptions when PostgreSQL announces a notification (LISTEN/NOTIFY).

Each server process holds one listening connection, opened by the first subscription,
outside the request pool. The announcement carries only the recipient's id; subscribers
then read their notifications from the table. So delivery works across any number of
processes, and a missed announcement (a dropped connection) costs only latency: every
subscriber also looks again on a timer.
"""

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.db.driver import driver
from backend.db.engine import create_engine

CHANNEL = "cp_notification"
log = logging.getLogger("contactpoint.listener")


class Doorbell:
    """Rung when something may have arrived for one subscriber."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    async def wait(self, seconds: float) -> None:
        """Until rung, or `seconds` have passed (whichever comes first)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()


class NotificationListener:
    def __init__(self, url: str) -> None:
        self._url = url
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None
        self._bells: dict[uuid.UUID, set[Doorbell]] = defaultdict(set)
        self._lock = asyncio.Lock()
        self._closing = False

    @contextlib.asynccontextmanager
    async def subscribe(self, user_id: uuid.UUID) -> AsyncIterator[Doorbell]:
        bell = Doorbell()
        self._bells[user_id].add(bell)
        try:
            await self.ensure_listening()
            yield bell
        finally:
            self._bells[user_id].discard(bell)
            if not self._bells[user_id]:
                del self._bells[user_id]

    def listening_for(self, user_id: uuid.UUID) -> bool:
        """Whether a live subscription of this person is waiting here."""
        return bool(self._bells.get(user_id))

    async def ensure_listening(self) -> None:
        """Listen, reconnecting if the connection was lost (subscribers call this on each
        wake, so delivery recovers without a restart)."""
        async with self._lock:
            if self._closing or (self._conn is not None and not self._conn.closed):
                return
            if self._engine is None:
                self._engine = create_engine(self._url, pool_size=1)
            conn = await self._engine.connect()
            try:
                pg = await driver(conn)
                await pg.add_listener(CHANNEL, self._announced)
                pg.add_termination_listener(self._lost)
            except Exception:
                await _close_quietly(conn)
                raise
            self._conn = conn

    def _announced(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            recipient = uuid.UUID(payload)
        except ValueError:
            return
        for bell in self._bells.get(recipient, ()):
            bell.ring()

    def _lost(self, _conn: Any) -> None:
        # Subscribers reconnect on their next wake (ringing them now makes that soon).
        if self._closing:
            return
        log.warning("the notification listener lost its database connection")
        lost, self._conn = self._conn, None
        if lost is not None:
            # Hand the dead connection back so the pool discards it (not the garbage collector).
            asyncio.get_running_loop().create_task(_close_quietly(lost))
        for bells in self._bells.values():
            for bell in bells:
                bell.ring()

    async def close(self) -> None:
        self._closing = True
        async with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    await self._conn.close()
                self._conn = None
            if self._engine is not None:
                await self._engine.dispose()
                self._engine = None


async def _close_quietly(conn: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        await conn.close()
