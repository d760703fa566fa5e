"""Read replicas: which one, if any, may answer a read for this caller now.

A streaming replica replays the primary's WAL a little behind it. A read may go to one
only when three things hold:

1. **It is not too far behind.** Each process samples the primary's WAL insert position
   every `replica_check_seconds`, and each replica's replayed position; a replica has
   caught up to the newest sample whose position it has replayed, and is left alone
   while that sample is older than `replica_max_lag_seconds` (or it does not answer).
2. **It has the caller's own last change** (`changed_lsn`, stamped on the primary after
   every mutation): nobody records an involvement and then opens the record without it.
3. **It has the newest shielding** (`shielding_clock`, moved by a trigger on the
   primary): a child shielded a moment ago is never shown from a replica that still
   has them unshielded.

(2) and (3) are checked on the replica itself, in one short statement before the read,
against the values the session check read from the primary; a replica that fails a
check, or fails at all, gives way to the primary, so the caller never sees an error of
a replica's. Audit events and every change are written to the primary only.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.db.engine import create_engine
from backend.db.faults import connection_lost
from backend.db.urls import to_async_url

log = logging.getLogger("contactpoint.replicas")
T = TypeVar("T")

# The write position, not the insert one: the insert position can point past a page
# header that a caught-up replica never "replays" while the primary is idle.
_PRIMARY_POSITION = text("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
# A read on a replica that takes longer than this is abandoned for the primary.
READ_SECONDS = 5.0
_REPLAYED = text("SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint")
_FRESHNESS = text(
    "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS replayed,"
    " (SELECT seq FROM shielding_clock) AS shielding_seq"
)
# Stamped after a mutation's own transactions have committed, so the position covers them.
STAMP_USER = text(
    "UPDATE user_account SET changed_lsn = (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint"
    " WHERE id = :id"
)
STAMP_CLIENT = text(
    "UPDATE api_client SET changed_lsn = (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint"
    " WHERE id = :id"
)


@dataclass(frozen=True, slots=True)
class Freshness:
    """What a replica must have replayed to answer this caller, read from the primary."""

    changed_lsn: int | None
    # None only if the clock's row is missing: then no replica is trusted.
    shielding_seq: int | None


@dataclass
class Replica:
    url: str
    engine: AsyncEngine
    # Monotonic time of the newest primary sample this replica has replayed.
    caught_up_at: float | None = None
    reads: int = 0
    fallbacks: int = 0

    @property
    def name(self) -> str:
        parsed = to_async_url(self.url)
        return f"{parsed.host or 'local socket'}:{parsed.port or 5432}/{parsed.database}"


@dataclass
class ReplicaSet:
    urls: list[str]
    max_lag: float
    check_seconds: float
    pool_size: int = 10
    replicas: list[Replica] = field(default_factory=list)
    _samples: deque[tuple[float, int]] = field(default_factory=deque)
    _task: asyncio.Task[None] | None = None
    _turn: int = 0

    def start(self, primary: AsyncEngine) -> None:
        self.replicas = [
            Replica(url, create_engine(url, pool_size=self.pool_size, connect_timeout=2))
            for url in self.urls
        ]
        self._task = asyncio.create_task(self._watch(primary))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for replica in self.replicas:
            await replica.engine.dispose()

    def usable(self) -> list[Replica]:
        """The replicas within the lag allowed, taken in turn."""
        now = time.monotonic()
        fresh = [
            r
            for r in self.replicas
            if r.caught_up_at is not None and now - r.caught_up_at <= self.max_lag
        ]
        if len(fresh) > 1:
            self._turn += 1
            turn = self._turn % len(fresh)
            fresh = fresh[turn:] + fresh[:turn]
        return fresh

    def lost(self, replica: Replica, error: BaseException) -> None:
        if replica.caught_up_at is not None:
            log.warning(
                "read replica %s failed (%s): reading from the primary", replica.name, error
            )
        replica.caught_up_at = None

    async def read(
        self,
        freshness: Freshness,
        work: Callable[[AsyncConnection], Awaitable[T]],
        primary: Callable[[], Awaitable[AsyncConnection]],
    ) -> T:
        """`work` on a replica fit for this caller, else on the primary's connection."""
        for replica in self.usable():
            try:
                async with asyncio.timeout(READ_SECONDS), replica.engine.connect() as conn:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    row = (await conn.execute(_FRESHNESS)).one()
                    if _fresh_enough(row.replayed, row.shielding_seq, freshness):
                        result = await work(conn)
                        replica.reads += 1
                        return result
                    replica.fallbacks += 1
            except Exception as failed:
                # Whatever a replica does wrong (gone, full, a query cancelled by a
                # recovery conflict, too slow) the primary answers instead: the reads
                # sent here are plain SELECTs, so the same read there is the same answer.
                if _unreachable(failed):
                    self.lost(replica, failed)
                else:
                    replica.fallbacks += 1
                    log.warning("read replica %s failed a read: %s", replica.name, failed)
        return await work(await primary())

    async def _watch(self, primary: AsyncEngine) -> None:
        while True:
            try:
                await self._check(primary)
            except asyncio.CancelledError:
                raise
            except Exception as failed:  # the primary is down: no replica is vouched for
                log.warning("cannot measure replica lag (%s)", failed)
                for replica in self.replicas:
                    replica.caught_up_at = None
            await asyncio.sleep(self.check_seconds)

    async def _check(self, primary: AsyncEngine) -> None:
        # Taken before asking: the position is at least what the primary had then.
        now = time.monotonic()
        async with primary.connect() as conn:
            position = int((await conn.execute(_PRIMARY_POSITION)).scalar_one())
        self._samples.append((now, position))
        while self._samples and now - self._samples[0][0] > 2 * self.max_lag + self.check_seconds:
            self._samples.popleft()
        for replica in self.replicas:
            try:
                async with asyncio.timeout(max(self.check_seconds, 1.0)):
                    async with replica.engine.connect() as conn:
                        replayed = (await conn.execute(_REPLAYED)).scalar_one()
            except Exception as failed:  # this replica only: the others stay in use
                self.lost(replica, failed)
                continue
            if replayed is None:  # not in recovery: a primary, not a replica
                replica.caught_up_at = None
                continue
            reached = [at for at, lsn in self._samples if lsn <= replayed]
            if reached:
                replica.caught_up_at = max(reached)


def _fresh_enough(replayed: int | None, shielding_seq: int | None, freshness: Freshness) -> bool:
    if replayed is None or shielding_seq is None or freshness.shielding_seq is None:
        return False
    if shielding_seq < freshness.shielding_seq:
        return False
    return freshness.changed_lsn is None or replayed >= freshness.changed_lsn


def _unreachable(error: BaseException) -> bool:
    return connection_lost(error) or isinstance(error, OSError | TimeoutError)
