"""The in-app inbox: who is told about a child, and each person's notifications.

Notifications about archived children are not shown: the child is no longer found.

A notification's payload names the child and the new service as they were when it was
sent; what a reader may see of it is decided again, by the current policy, when it is
read (a child shielded since must not show its services through an old notification).
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class NotificationRow:
    id: uuid.UUID
    kind: str
    child_contact_point_id: str
    child_name: str
    responsible_authority_id: int
    shielded: bool
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


_ACTIVE_USER = "u.status = 'ACTIVE' AND u.trained_on IS NOT NULL AND u.vetted_until >= current_date"


async def involved_practitioners(
    conn: AsyncConnection, child_id: int, *, except_user: uuid.UUID
) -> list[uuid.UUID]:
    """People with an active involvement with the child, who may still see child data."""
    rows = await conn.execute(
        text(
            "SELECT DISTINCT i.practitioner_user_id FROM involvement i"
            " JOIN user_account u ON u.id = i.practitioner_user_id"
            " WHERE i.child_id = :child AND i.end_date IS NULL AND i.practitioner_user_id <> :me"
            # Only people who may still see child data are told.
            " AND u.status = 'ACTIVE' AND u.trained_on IS NOT NULL"
            " AND u.vetted_until >= current_date"
        ),
        {"child": child_id, "me": except_user},
    )
    return [row[0] for row in rows]


async def management_team(
    conn: AsyncConnection, organisation_id: int, *, except_user: uuid.UUID
) -> list[uuid.UUID]:
    rows = await conn.execute(
        text(
            "SELECT u.id FROM user_account u JOIN user_role r ON r.user_id = u.id"
            " WHERE u.organisation_id = :org AND r.role = 'MANAGER' AND u.id <> :me"
            " AND u.status = 'ACTIVE' AND u.trained_on IS NOT NULL"
            " AND u.vetted_until >= current_date"
        ),
        {"org": organisation_id, "me": except_user},
    )
    return [row[0] for row in rows]


async def send(
    conn: AsyncConnection,
    recipients: Sequence[uuid.UUID],
    *,
    child_id: int,
    kind: str,
    payload: dict[str, Any],
) -> None:
    if not recipients:
        return
    await conn.execute(
        text(
            "INSERT INTO notification (id, recipient_user_id, child_id, kind, payload)"
            " SELECT gen_random_uuid(), r, :child, :kind, CAST(:payload AS jsonb)"
            " FROM unnest(CAST(:recipients AS uuid[])) AS r"
        ),
        {
            "recipients": list(recipients),
            "child": child_id,
            "kind": kind,
            "payload": json.dumps(payload, separators=(",", ":")),
        },
    )


LIVE_BATCH = 100

_SELECT = """
SELECT n.id, n.kind, c.contact_point_id, c.given_names || ' ' || c.family_name AS child_name,
       c.responsible_authority_id,
       EXISTS (SELECT 1 FROM shielding s
               WHERE s.child_id = c.id AND s.unshielded_at IS NULL) AS shielded,
       n.payload, n.created_at, n.read_at
  FROM notification n JOIN child c ON c.id = n.child_id AND c.status = 'ACTIVE'
"""


def _row(row: Any) -> NotificationRow:
    payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    return NotificationRow(
        id=row.id,
        kind=row.kind,
        child_contact_point_id=row.contact_point_id,
        child_name=row.child_name,
        responsible_authority_id=row.responsible_authority_id,
        shielded=row.shielded,
        payload=payload,
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def inbox(
    conn: AsyncConnection,
    user_id: uuid.UUID,
    *,
    unread_only: bool,
    before: datetime | None,
    before_id: uuid.UUID | None = None,
    limit: int,
) -> list[NotificationRow]:
    """Newest first; `before` (and `before_id`) page back from the last one shown. Many
    notifications share a time (one involvement tells everyone in one statement), so the
    page is keyed on time and id: with only the time, the rest of that moment is lost."""
    rows = await conn.execute(
        text(
            _SELECT + " WHERE n.recipient_user_id = :user"
            " AND (NOT :unread_only OR n.read_at IS NULL)"
            " AND (CAST(:before AS timestamptz) IS NULL OR n.created_at < :before"
            "      OR (n.created_at = :before AND n.id < CAST(:before_id AS uuid)))"
            " ORDER BY n.created_at DESC, n.id DESC LIMIT :limit"
        ),
        {
            "user": user_id,
            "unread_only": unread_only,
            "before": before,
            "before_id": before_id,
            "limit": limit,
        },
    )
    return [_row(row) for row in rows]


async def arrived_since(
    conn: AsyncConnection,
    user_id: uuid.UUID,
    since: datetime,
    already: list[uuid.UUID] | None = None,
) -> list[NotificationRow]:
    """Notifications created at or after `since` and not `already` delivered, oldest
    first (for live delivery; excluded in SQL so a burst cannot hide what follows)."""
    rows = await conn.execute(
        text(
            _SELECT + " WHERE n.recipient_user_id = :user AND n.created_at >= :since"
            " AND NOT (n.id = ANY(CAST(:already AS uuid[])))"
            " ORDER BY n.created_at, n.id LIMIT :limit"
        ),
        {"user": user_id, "since": since, "already": already or [], "limit": LIVE_BATCH},
    )
    return [_row(row) for row in rows]


async def unread_count(conn: AsyncConnection, user_id: uuid.UUID) -> int:
    value = (
        await conn.execute(
            text(
                "SELECT count(*) FROM notification"
                " WHERE recipient_user_id = :user AND read_at IS NULL"
            ),
            {"user": user_id},
        )
    ).scalar_one()
    return int(value)


async def mark_read(
    conn: AsyncConnection, user_id: uuid.UUID, notification_id: uuid.UUID | None
) -> list[uuid.UUID]:
    """Mark one (or, with None, every) unread notification of this user read; the ids."""
    rows = await conn.execute(
        text(
            "UPDATE notification SET read_at = now() WHERE recipient_user_id = :user"
            " AND read_at IS NULL AND (CAST(:id AS uuid) IS NULL OR id = :id) RETURNING id"
        ),
        {"user": user_id, "id": notification_id},
    )
    return [row[0] for row in rows]


async def one(
    conn: AsyncConnection, user_id: uuid.UUID, notification_id: uuid.UUID
) -> NotificationRow | None:
    row = (
        await conn.execute(
            text(_SELECT + " WHERE n.recipient_user_id = :user AND n.id = :id"),
            {"user": user_id, "id": notification_id},
        )
    ).first()
    return _row(row) if row else None


async def database_now(conn: AsyncConnection) -> datetime:
    value: datetime = (await conn.execute(text("SELECT clock_timestamp()"))).scalar_one()
    return value
