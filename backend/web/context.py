"""Per-request context handed to every resolver. Created fresh for each request."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.audit.writer import Actor
from backend.db.faults import connection_lost
from backend.db.listener import NotificationListener
from backend.db.replicas import STAMP_CLIENT, STAMP_USER, Freshness, ReplicaSet
from backend.errors import ContactPointError, Unauthenticated
from backend.policy.caller import Caller
from backend.settings import Settings

T = TypeVar("T")
_log = logging.getLogger("contactpoint.replicas")


@dataclass
class RequestContext:
    engine: AsyncEngine
    settings: Settings
    request_id: str
    client_address: str | None
    caller: Caller | None = None
    # Why a presented cookie or token was refused (expired, revoked...), if it was.
    auth_problem: ContactPointError | None = None
    session_token: str | None = None
    caller_email: str | None = None
    caller_name: str | None = None
    request: Any = None
    response: Any = None
    # The process's LISTEN connection, for live subscriptions.
    listener: NotificationListener | None = None
    # Read replicas, if any (DATABASE_REPLICA_URL), and what one must have replayed to
    # answer this caller (read from the primary with the session).
    replicas: ReplicaSet | None = None
    freshness: Freshness | None = None
    # Per-request caches (loaders, decisions); never shared between requests.
    cache: dict[str, Any] = field(default_factory=dict)
    _connection: AsyncConnection | None = None

    async def connection(self) -> AsyncConnection:
        """One autocommit connection for the whole request, taken on first use: a record
        view's session check, read and audit event share it instead of three checkouts.
        Work that needs a transaction uses `engine.begin()` instead."""
        if self._connection is None:
            conn = await self.engine.connect()
            self._connection = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    async def read(
        self,
        work: Callable[[AsyncConnection], Awaitable[T]],
        primary: AsyncConnection | None = None,
    ) -> T:
        """A read of directory data (a record, search candidates): on a read replica fit
        for this caller when there is one, else on `primary` (by default the request's
        own connection). Audit events and changes never go through here."""

        async def on_primary() -> AsyncConnection:
            return primary if primary is not None else await self.connection()

        if self.replicas is None or self.freshness is None:
            return await work(await on_primary())
        return await self.replicas.read(self.freshness, work, on_primary)

    async def changed(self) -> None:
        """After a mutation: the caller's next reads must come from a replica that has
        replayed it (or from the primary). Never fails the mutation, which has committed:
        without the stamp, the caller may read a replica's older copy for a moment."""
        if self.replicas is None or self.caller is None:
            return
        if self.caller.user_id is not None:
            stamp, who = STAMP_USER, self.caller.user_id
        elif self.caller.client_id is not None:
            stamp, who = STAMP_CLIENT, self.caller.client_id
        else:
            return
        try:
            await (await self.connection()).execute(stamp, {"id": who})
        except Exception as failed:
            _log.warning("could not stamp a change for read replicas: %s", type(failed).__name__)
            if connection_lost(failed):
                await self.discard()

    async def discard(self) -> None:
        """Drop the request's connection from the pool: its session is gone."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.invalidate()

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.close()
            except Exception as failed:
                if not connection_lost(failed):
                    raise
                # The request's answer is already shaped; the pool drops the connection.
                await connection.invalidate()

    def require_caller(self) -> Caller:
        if self.caller is None:
            raise self.auth_problem or Unauthenticated("sign in to use ContactPoint")
        return self.caller

    @property
    def actor(self) -> Actor:
        caller = self.caller
        return Actor(
            user_id=caller.user_id if caller else None,
            client_id=caller.client_id if caller else None,
            organisation_id=caller.organisation_id if caller else None,
            roles=tuple(sorted(role.value for role in caller.roles)) if caller else (),
            client_address=self.client_address,
            request_id=self.request_id,
        )
