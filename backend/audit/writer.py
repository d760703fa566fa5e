"""The only way an audit event is written. The hash chain is filled in by the database.

The event names ids and fields, never the values disclosed: the audit log must not
become a second copy of the directory.
"""

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver
from backend.errors import AuditUnavailable, describe_unexpected

log = logging.getLogger("contactpoint.audit")

UNAVAILABLE = (
    "The audit log cannot be written just now, so nothing was shown or changed."
    " Try again in a few minutes; if it persists, tell the service desk."
)

_INSERT = (
    "INSERT INTO audit_event (actor_user_id, actor_client_id, actor_organisation_id,"
    " actor_roles, action, subject_child_id, subject_user_id, outcome, client_address,"
    " request_id, detail)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)"
)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted, from where, in which request."""

    user_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    organisation_id: int | None = None
    roles: tuple[str, ...] = ()
    client_address: str | None = None
    request_id: str | None = None

    def with_user(self, user_id: uuid.UUID, organisation_id: int) -> "Actor":
        """The same request, now known to be this user (after signing in)."""
        return Actor(
            user_id=user_id,
            organisation_id=organisation_id,
            client_address=self.client_address,
            request_id=self.request_id,
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    outcome: str = "OK"
    subject_child_id: int | None = None
    subject_user_id: uuid.UUID | None = None
    detail: dict[str, Any] = field(default_factory=dict)


async def record(conn: AsyncConnection, actor: Actor, entry: AuditEntry) -> None:
    """Append one event on `conn` (inside the caller's transaction, if it has one).
    Raises AuditUnavailable when it cannot: the caller's transaction, if any, then rolls
    back, and the read or change it would have accounted for never leaves the server."""
    pg = await driver(conn)
    try:
        await _append(pg, actor, entry)
    except Exception as failed:
        # The driver's message can quote the event's values: type and place only.
        log.error("audit event %s not written: %s", entry.action, describe_unexpected(failed))
        raise AuditUnavailable(UNAVAILABLE) from None


async def _append(pg: Any, actor: Actor, entry: AuditEntry) -> None:
    await pg.execute(
        _INSERT,
        actor.user_id,
        actor.client_id,
        actor.organisation_id,
        list(actor.roles),
        entry.action,
        entry.subject_child_id,
        entry.subject_user_id,
        entry.outcome,
        actor.client_address,
        actor.request_id,
        json.dumps(entry.detail, separators=(",", ":"), default=str),
    )
