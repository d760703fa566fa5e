"""Shielded children awaiting review, and requests to be put in touch about them."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class ShieldedRow:
    child_id: str  # ContactPoint ID
    child_name: str
    date_of_birth: date
    responsible_authority_id: int
    reason: str
    note: str | None
    shielded_at: datetime
    shielded_by: str | None
    review_date: date


@dataclass(frozen=True, slots=True)
class ContactRequestRow:
    id: uuid.UUID
    child_internal_id: int
    child_id: str
    child_name: str
    responsible_authority_id: int
    requester_user_id: uuid.UUID
    requester_name: str
    requester_email: str
    requester_phone: str | None
    requester_organisation: str
    message: str
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


# A page starts after the row the caller last saw, by the list's own order (keyset).
_SHIELDED_KEY = """
SELECT s.review_date, c.family_name, c.id FROM shielding s JOIN child c ON c.id = s.child_id
 WHERE c.contact_point_id = :after AND s.unshielded_at IS NULL
   AND (CAST(:authority AS integer) IS NULL OR c.responsible_authority_id = :authority)
"""


async def shielded_children(
    conn: AsyncConnection,
    *,
    authority_id: int | None,
    review_due_by: date | None,
    limit: int,
    after: str | None = None,
) -> list[ShieldedRow] | None:
    """A page, soonest review first, after the child `after` (a ContactPoint ID); None
    when `after` is not on the list (unshielded since, or never there)."""
    key: Any = (None, None, None)
    if after is not None:
        key = (
            await conn.execute(text(_SHIELDED_KEY), {"after": after, "authority": authority_id})
        ).first()
        if key is None:
            return None
    rows = await conn.execute(
        text(
            "SELECT c.contact_point_id AS child_id,"
            " c.given_names || ' ' || c.family_name AS child_name, c.date_of_birth,"
            " c.responsible_authority_id, s.reason, s.note, s.shielded_at,"
            " u.name AS shielded_by, s.review_date"
            " FROM shielding s JOIN child c ON c.id = s.child_id"
            " LEFT JOIN user_account u ON u.id = s.shielded_by"
            " WHERE s.unshielded_at IS NULL"
            " AND (CAST(:authority AS integer) IS NULL OR c.responsible_authority_id = :authority)"
            " AND (CAST(:due AS date) IS NULL OR s.review_date <= :due)"
            " AND (CAST(:k_id AS bigint) IS NULL"
            "      OR (s.review_date, c.family_name, c.id) > (:k_date, :k_name, :k_id))"
            " ORDER BY s.review_date, c.family_name, c.id LIMIT :limit"
        ),
        {
            "authority": authority_id,
            "due": review_due_by,
            "limit": limit,
            "k_date": key[0],
            "k_name": key[1],
            "k_id": key[2],
        },
    )
    return [ShieldedRow(**row._mapping) for row in rows]


_REQUESTS = """
SELECT r.id, c.id AS child_internal_id, c.contact_point_id AS child_id,
       c.given_names || ' ' || c.family_name AS child_name, c.responsible_authority_id,
       r.requester_user_id, u.name AS requester_name, u.email AS requester_email,
       u.phone AS requester_phone, o.name AS requester_organisation, r.message, r.status,
       d.name AS decided_by, r.decided_at, r.decision_note, r.created_at
  FROM contact_request r
  JOIN child c ON c.id = r.child_id
  JOIN user_account u ON u.id = r.requester_user_id
  JOIN organisation o ON o.id = u.organisation_id
  LEFT JOIN user_account d ON d.id = r.decided_by
"""


def _request(row: Any) -> ContactRequestRow:
    return ContactRequestRow(**row._mapping)


async def contact_requests(
    conn: AsyncConnection,
    *,
    authority_id: int | None,
    status: str | None,
    limit: int,
    after: uuid.UUID | None = None,
) -> list[ContactRequestRow] | None:
    """A page, oldest first, after the request `after`; None when `after` is not one of
    the authority's requests."""
    created_at = None
    if after is not None:
        created_at = await conn.scalar(
            text(
                "SELECT r.created_at FROM contact_request r JOIN child c ON c.id = r.child_id"
                " WHERE r.id = :after AND (CAST(:authority AS integer) IS NULL"
                "      OR c.responsible_authority_id = :authority)"
            ),
            {"after": after, "authority": authority_id},
        )
        if created_at is None:
            return None
    rows = await conn.execute(
        text(
            _REQUESTS + " WHERE (CAST(:authority AS integer) IS NULL"
            "        OR c.responsible_authority_id = :authority)"
            " AND (CAST(:status AS text) IS NULL OR r.status = :status)"
            " AND (CAST(:after AS uuid) IS NULL OR (r.created_at, r.id) > (:at, :after))"
            " ORDER BY r.created_at, r.id LIMIT :limit"
        ),
        {"authority": authority_id, "status": status, "limit": limit, "after": after,
         "at": created_at},
    )  # fmt: skip
    return [_request(row) for row in rows]


async def contact_request(
    conn: AsyncConnection, request_id: uuid.UUID, *, lock: bool = False
) -> ContactRequestRow | None:
    statement = _REQUESTS + " WHERE r.id = :id" + (" FOR UPDATE OF r" if lock else "")
    row = (await conn.execute(text(statement), {"id": request_id})).first()
    return _request(row) if row else None


async def pending_request_exists(
    conn: AsyncConnection, child_id: int, requester: uuid.UUID
) -> bool:
    found = (
        await conn.execute(
            text(
                "SELECT 1 FROM contact_request WHERE child_id = :child"
                " AND requester_user_id = :user AND status = 'PENDING'"
            ),
            {"child": child_id, "user": requester},
        )
    ).first()
    return found is not None


async def insert_request(
    conn: AsyncConnection, *, child_id: int, requester: uuid.UUID, message: str
) -> uuid.UUID:
    request_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO contact_request (id, child_id, requester_user_id, message, status)"
            " VALUES (:id, :child, :user, :message, 'PENDING')"
        ),
        {"id": request_id, "child": child_id, "user": requester, "message": message},
    )
    return request_id


async def decide(
    conn: AsyncConnection, request_id: uuid.UUID, *, status: str, by: uuid.UUID, note: str | None
) -> None:
    await conn.execute(
        text(
            "UPDATE contact_request SET status = :status, decided_by = :by, decided_at = now(),"
            " decision_note = :note WHERE id = :id"
        ),
        {"id": request_id, "status": status, "by": by, "note": note},
    )
