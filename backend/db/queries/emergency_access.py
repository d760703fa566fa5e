"""Reading and writing emergency grants, and what breaking the glass needs to check."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class ChildForEmergency:
    id: int
    responsible_authority_id: int
    shielded: bool
    status: str


@dataclass(frozen=True, slots=True)
class StepUpAccount:
    totp_secret: str | None
    totp_last_step: int | None
    failed_sign_ins: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class GrantRow:
    id: uuid.UUID
    child_internal_id: int
    child_contact_point_id: str
    child_name: str
    authority_id: int
    authority_name: str
    user_id: uuid.UUID
    holder_name: str
    holder_email: str
    holder_organisation: str
    purpose: str
    reason: str
    granted_at: datetime
    expires_at: datetime
    is_open: bool
    reviewed_by_name: str | None
    reviewed_at: datetime | None
    outcome: str | None
    review_note: str | None


_GRANTS = """
SELECT g.id, g.child_id AS child_internal_id, c.contact_point_id AS child_contact_point_id,
       c.given_names || ' ' || c.family_name AS child_name,
       g.authority_id, a.name AS authority_name, g.user_id,
       u.name AS holder_name, u.email AS holder_email, uo.name AS holder_organisation,
       g.purpose, g.reason, g.granted_at, g.expires_at, g.expires_at > now() AS is_open,
       r.name AS reviewed_by_name, g.reviewed_at, g.outcome, g.review_note
  FROM emergency_access g
  JOIN child c ON c.id = g.child_id
  JOIN organisation a ON a.id = g.authority_id
  JOIN user_account u ON u.id = g.user_id
  JOIN organisation uo ON uo.id = u.organisation_id
  LEFT JOIN user_account r ON r.id = g.reviewed_by
"""


async def child_for_emergency(
    conn: AsyncConnection, contact_point_id: str
) -> ChildForEmergency | None:
    row = (
        await conn.execute(
            text(
                "SELECT c.id, c.responsible_authority_id, c.status,"
                " EXISTS (SELECT 1 FROM shielding s"
                "          WHERE s.child_id = c.id AND s.unshielded_at IS NULL) AS shielded"
                " FROM child c WHERE c.contact_point_id = :cp"
            ),
            {"cp": contact_point_id},
        )
    ).first()
    return ChildForEmergency(**row._mapping) if row else None


async def step_up_account(conn: AsyncConnection, user_id: uuid.UUID) -> StepUpAccount:
    """The person's second factor, locked for this transaction so that two requests with
    one code count one by one (the second is a replay)."""
    row = (
        await conn.execute(
            text(
                "SELECT totp_secret, totp_last_step, failed_sign_ins, locked_until"
                " FROM user_account WHERE id = :id FOR UPDATE"
            ),
            {"id": user_id},
        )
    ).one()
    return StepUpAccount(**row._mapping)


async def accept_step(conn: AsyncConnection, user_id: uuid.UUID, step: int) -> None:
    await conn.execute(
        text(
            "UPDATE user_account SET totp_last_step = :step, failed_sign_ins = 0,"
            " locked_until = NULL WHERE id = :id"
        ),
        {"step": step, "id": user_id},
    )


async def open_grant(conn: AsyncConnection, user_id: uuid.UUID, child_id: int) -> datetime | None:
    """When this person's open grant on this child ends, if they hold one."""
    value = (
        await conn.execute(
            text(
                "SELECT max(expires_at) FROM emergency_access"
                " WHERE user_id = :u AND child_id = :c AND expires_at > now()"
            ),
            {"u": user_id, "c": child_id},
        )
    ).scalar()
    return value if isinstance(value, datetime) else None


async def locked_out(conn: AsyncConnection, user_id: uuid.UUID, per_day: int) -> bool:
    """Whether this person opened `per_day` grants within 24 hours of one still unreviewed:
    the route stays locked for them, however long ago, until the team has reviewed it."""
    value = (
        await conn.execute(
            text(
                "SELECT EXISTS (SELECT 1 FROM emergency_access g"
                " WHERE g.user_id = :u AND g.reviewed_at IS NULL"
                "   AND (SELECT count(*) FROM emergency_access h"
                "         WHERE h.user_id = :u"
                "           AND h.granted_at > g.granted_at - interval '24 hours'"
                "           AND h.granted_at < g.granted_at + interval '24 hours') >= :n)"
            ),
            {"u": user_id, "n": per_day},
        )
    ).scalar()
    return bool(value)


async def administrators(conn: AsyncConnection, *, except_user: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.execute(
        text(
            "SELECT u.id FROM user_account u JOIN user_role r ON r.user_id = u.id"
            " WHERE r.role = 'ADMINISTRATOR' AND u.id <> :me AND u.status = 'ACTIVE'"
        ),
        {"me": except_user},
    )
    return [row[0] for row in rows]


async def insert_grant(
    conn: AsyncConnection,
    *,
    child: ChildForEmergency,
    user_id: uuid.UUID,
    purpose: str,
    reason: str,
    minutes: int,
) -> uuid.UUID:
    grant_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO emergency_access"
            " (id, child_id, user_id, authority_id, purpose, reason, expires_at)"
            " VALUES (:id, :child, :user, :authority, :purpose, :reason,"
            "         now() + make_interval(mins => :minutes))"
        ),
        {
            "id": grant_id,
            "child": child.id,
            "user": user_id,
            "authority": child.responsible_authority_id,
            "purpose": purpose,
            "reason": reason,
            "minutes": minutes,
        },
    )
    return grant_id


async def grant(
    conn: AsyncConnection, grant_id: uuid.UUID, *, lock: bool = False
) -> GrantRow | None:
    row = (
        await conn.execute(
            text(_GRANTS + " WHERE g.id = :id" + (" FOR UPDATE OF g" if lock else "")),
            {"id": grant_id},
        )
    ).first()
    return GrantRow(**row._mapping) if row else None


async def grants(
    conn: AsyncConnection, *, authority_id: int | None, reviewed: bool | None, limit: int
) -> list[GrantRow]:
    """Newest first; `authority_id` None means every authority's."""
    rows = await conn.execute(
        text(
            _GRANTS + " WHERE (CAST(:authority AS integer) IS NULL OR g.authority_id = :authority)"
            " AND (CAST(:reviewed AS boolean) IS NULL"
            "      OR (g.reviewed_at IS NOT NULL) = CAST(:reviewed AS boolean))"
            " ORDER BY g.granted_at DESC, g.id LIMIT :limit"
        ),
        {"authority": authority_id, "reviewed": reviewed, "limit": limit},
    )
    return [GrantRow(**row._mapping) for row in rows]


async def report_grants(
    conn: AsyncConnection,
    *,
    authority_id: int | None,
    since: datetime,
    until: datetime,
    unreviewed_before: datetime,
    limit: int,
) -> list[GrantRow]:
    """Findings: grants found not justified in [since, until), and every grant still
    unreviewed that was opened before `unreviewed_before`; oldest first."""
    rows = await conn.execute(
        text(
            _GRANTS + " WHERE (CAST(:authority AS integer) IS NULL OR g.authority_id = :authority)"
            " AND ((g.outcome = 'NOT_JUSTIFIED' AND g.reviewed_at >= :since"
            "       AND g.reviewed_at < :until)"
            "      OR (g.reviewed_at IS NULL AND g.granted_at < :before))"
            " ORDER BY g.granted_at, g.id LIMIT :limit"
        ),
        {
            "authority": authority_id,
            "since": since,
            "until": until,
            "before": unreviewed_before,
            "limit": limit,
        },
    )
    return [GrantRow(**row._mapping) for row in rows]


async def review(
    conn: AsyncConnection, grant_id: uuid.UUID, *, by: uuid.UUID, outcome: str, note: str | None
) -> None:
    await conn.execute(
        text(
            "UPDATE emergency_access SET reviewed_by = :by, reviewed_at = now(),"
            " outcome = :outcome, review_note = :note WHERE id = :id"
        ),
        {"id": grant_id, "by": by, "outcome": outcome, "note": note},
    )


# A wrong or replayed step-up code counts as a failed sign-in would: five lock the
# second factor (sign-in and step-up alike) for 15 minutes.
FAILED_STEP_UP = text(
    "UPDATE user_account SET failed_sign_ins = :failures, locked_until = :locked WHERE id = :id"
)
