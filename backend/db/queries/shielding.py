"""Reading and writing shielding episodes."""

import uuid
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


async def child_for_change(conn: AsyncConnection, contact_point_id: str) -> tuple[int, int] | None:
    """(child id, responsible authority id), locked for this transaction; None if absent."""
    row = (
        await conn.execute(
            text(
                "SELECT id, responsible_authority_id FROM child"
                " WHERE contact_point_id = :cp FOR UPDATE"
            ),
            {"cp": contact_point_id},
        )
    ).first()
    return (row.id, row.responsible_authority_id) if row else None


async def active_shielding(conn: AsyncConnection, child_id: int) -> uuid.UUID | None:
    value = (
        await conn.execute(
            text("SELECT id FROM shielding WHERE child_id = :c AND unshielded_at IS NULL"),
            {"c": child_id},
        )
    ).scalar()
    return uuid.UUID(str(value)) if value else None


async def insert_shielding(
    conn: AsyncConnection,
    *,
    child_id: int,
    reason: str,
    note: str | None,
    review_date: date,
    by: uuid.UUID | None,
) -> uuid.UUID:
    shielding_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO shielding (id, child_id, reason, note, review_date, shielded_by)"
            " VALUES (:id, :child, :reason, :note, :review, :by)"
        ),
        {
            "id": shielding_id,
            "child": child_id,
            "reason": reason,
            "note": note,
            "review": review_date,
            "by": by,
        },
    )
    return shielding_id


async def end_shielding(
    conn: AsyncConnection, shielding_id: uuid.UUID, *, by: uuid.UUID, note: str
) -> None:
    await conn.execute(
        text(
            "UPDATE shielding SET unshielded_at = now(), unshielded_by = :by,"
            " unshield_note = :note WHERE id = :id"
        ),
        {"id": shielding_id, "by": by, "note": note},
    )
