"""Merging two records of one child and undoing it: the rows moved, copied and restored.

Every statement works on the two children's rows only, locked by the caller's
transaction (`lock_children`). Snapshots are `to_jsonb` of whole rows, and restores go
back through `jsonb_populate_record`, so an unmerge writes back exactly what was there,
timestamps to the microsecond.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# The columns a merge or an unmerge may write; the search keys and the shielded flag
# are kept by triggers from these, never restored from a snapshot.
RESTORABLE = (
    "given_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "nhs_number",
    "upn",
    "responsible_authority_id",
    "status",
    "archived_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class LockedPair:
    """The two children of a merge as they are now, locked; rows are whole-row snapshots."""

    rows: dict[str, dict[str, Any]]  # by ContactPoint ID
    active_leads: set[int]  # internal ids of those with an active lead professional


@dataclass(frozen=True, slots=True)
class MergeRow:
    id: uuid.UUID
    keep_child_id: int
    merged_child_id: int
    keep_contact_point_id: str
    merged_contact_point_id: str
    reason: str
    merged_by: str
    merged_at: Any
    unmerged_by: str | None
    unmerged_at: Any
    before: dict[str, Any]
    after: dict[str, Any]
    moved: dict[str, Any]


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def lock_children(conn: AsyncConnection, contact_point_ids: list[str]) -> LockedPair:
    rows = await conn.execute(
        text(
            "SELECT c.contact_point_id, to_jsonb(c) AS row,"
            " EXISTS (SELECT 1 FROM involvement i WHERE i.child_id = c.id AND i.is_lead"
            "         AND i.end_date IS NULL) AS has_lead"
            " FROM child c WHERE c.contact_point_id = ANY(CAST(:ids AS text[]))"
            " ORDER BY c.id FOR UPDATE"
        ),
        {"ids": contact_point_ids},
    )
    found: dict[str, dict[str, Any]] = {}
    leads: set[int] = set()
    for row in rows:
        snapshot = _loaded(row.row)
        found[row.contact_point_id] = snapshot
        if row.has_lead:
            leads.add(int(snapshot["id"]))
    return LockedPair(rows=found, active_leads=leads)


async def snapshot(conn: AsyncConnection, child_id: int) -> dict[str, Any]:
    value = (
        await conn.execute(
            text("SELECT to_jsonb(c) FROM child c WHERE c.id = :id"), {"id": child_id}
        )
    ).scalar_one()
    return dict(_loaded(value))


async def write_child(conn: AsyncConnection, child_id: int, values: dict[str, Any]) -> None:
    """Set the named RESTORABLE columns of a child from a (partial) whole-row snapshot."""
    columns = [name for name in RESTORABLE if name in values]
    if not columns:
        return
    # Column names come from RESTORABLE, never from input.
    assignments = ", ".join(f"{name} = r.{name}" for name in columns)
    await conn.execute(
        text(
            f"UPDATE child c SET {assignments}"  # noqa: S608
            " FROM jsonb_populate_record(NULL::child, CAST(:row AS jsonb)) r WHERE c.id = :id"
        ),
        {"row": json.dumps(values), "id": child_id},
    )


async def move_rows(conn: AsyncConnection, *, keep: int, merged: int) -> dict[str, Any]:
    """Give the kept record the merged one's involvements, carers, source keys and CAF.

    Left where they are: an active involvement of the same practitioner and service the
    kept record already has, a carer of the same name and relationship, and a CAF when the
    kept record has its own (a child has one)."""
    params = {"keep": keep, "merged": merged}
    involvements = await conn.execute(
        text(
            "UPDATE involvement i SET child_id = :keep WHERE i.child_id = :merged AND NOT ("
            " i.end_date IS NULL AND i.practitioner_user_id IS NOT NULL AND EXISTS ("
            "  SELECT 1 FROM involvement k WHERE k.child_id = :keep AND k.end_date IS NULL"
            "  AND k.practitioner_user_id = i.practitioner_user_id"
            "  AND k.service_type = i.service_type)) RETURNING i.id"
        ),
        params,
    )
    carers = await conn.execute(
        text(
            "UPDATE carer m SET child_id = :keep WHERE m.child_id = :merged AND NOT EXISTS ("
            " SELECT 1 FROM carer k WHERE k.child_id = :keep"
            " AND lower(k.name) = lower(m.name) AND k.relationship = m.relationship)"
            " RETURNING m.id"
        ),
        params,
    )
    sources = await conn.execute(
        text(
            "UPDATE source_record SET child_id = :keep WHERE child_id = :merged"
            " RETURNING source, source_key"
        ),
        params,
    )
    caf = await conn.execute(
        text(
            "UPDATE caf_assessment SET child_id = :keep WHERE child_id = :merged"
            " AND NOT EXISTS (SELECT 1 FROM caf_assessment WHERE child_id = :keep)"
            " RETURNING child_id"
        ),
        params,
    )
    return {
        "involvements": sorted(str(row[0]) for row in involvements),
        "carers": sorted(str(row[0]) for row in carers),
        "sourceRecords": sorted([row.source, row.source_key] for row in sources),
        "caf": caf.first() is not None,
    }


async def copy_provenance(
    conn: AsyncConnection, *, keep: int, merged: int, fields: list[str]
) -> list[str]:
    """The merged record's provenance of the fields the kept record took from it."""
    rows = await conn.execute(
        text(
            "INSERT INTO provenance (child_id, field, source, recorded_at, source_record_id,"
            " import_run_id)"
            " SELECT :keep, field, source, recorded_at, source_record_id, import_run_id"
            " FROM provenance WHERE child_id = :merged AND field = ANY(CAST(:fields AS text[]))"
            " ON CONFLICT (child_id, field) DO NOTHING RETURNING field"
        ),
        {"keep": keep, "merged": merged, "fields": fields},
    )
    return sorted(row[0] for row in rows)


async def insert_merge(
    conn: AsyncConnection,
    *,
    keep: int,
    merged: int,
    reason: str,
    merged_by: uuid.UUID,
    before: dict[str, Any],
    after: dict[str, Any],
    moved: dict[str, Any],
) -> uuid.UUID:
    merge_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO child_merge (id, keep_child_id, merged_child_id, reason, merged_by,"
            " before, after, moved) VALUES (:id, :keep, :merged, :reason, :by,"
            " CAST(:before AS jsonb), CAST(:after AS jsonb), CAST(:moved AS jsonb))"
        ),
        {
            "id": merge_id,
            "keep": keep,
            "merged": merged,
            "reason": reason,
            "by": merged_by,
            "before": json.dumps(before),
            "after": json.dumps(after),
            "moved": json.dumps(moved),
        },
    )
    return merge_id


_SELECT = """
SELECT m.id, m.keep_child_id, m.merged_child_id, k.contact_point_id AS keep_cp,
       g.contact_point_id AS merged_cp, m.reason, b.name AS merged_by, m.merged_at,
       ub.name AS unmerged_by, m.unmerged_at, m.before, m.after, m.moved
  FROM child_merge m
  JOIN child k ON k.id = m.keep_child_id
  JOIN child g ON g.id = m.merged_child_id
  JOIN user_account b ON b.id = m.merged_by
  LEFT JOIN user_account ub ON ub.id = m.unmerged_by
"""


def _merge(row: Any) -> MergeRow:
    return MergeRow(
        id=row.id,
        keep_child_id=row.keep_child_id,
        merged_child_id=row.merged_child_id,
        keep_contact_point_id=row.keep_cp,
        merged_contact_point_id=row.merged_cp,
        reason=row.reason,
        merged_by=row.merged_by,
        merged_at=row.merged_at,
        unmerged_by=row.unmerged_by,
        unmerged_at=row.unmerged_at,
        before=_loaded(row.before),
        after=_loaded(row.after),
        moved=_loaded(row.moved),
    )


async def merge_by_id(conn: AsyncConnection, merge_id: uuid.UUID) -> MergeRow | None:
    row = (await conn.execute(text(_SELECT + " WHERE m.id = :id"), {"id": merge_id})).first()
    return None if row is None else _merge(row)


async def active_merge_of(
    conn: AsyncConnection, merged_contact_point_id: str, *, lock: bool
) -> MergeRow | None:
    """The merge that holds this record now, if it is merged into another."""
    row = (
        await conn.execute(
            text(
                _SELECT
                + " WHERE g.contact_point_id = :cp AND m.unmerged_at IS NULL"
                + (" FOR UPDATE OF m" if lock else "")
            ),
            {"cp": merged_contact_point_id},
        )
    ).first()
    return None if row is None else _merge(row)


async def move_back(conn: AsyncConnection, merge: MergeRow) -> None:
    """Return to the merged record exactly the rows the merge moved or copied to the kept
    one, wherever they still are on the kept record."""
    moved = merge.moved
    params: dict[str, Any] = {"keep": merge.keep_child_id, "merged": merge.merged_child_id}
    await conn.execute(
        text(
            "UPDATE involvement SET child_id = :merged"
            " WHERE child_id = :keep AND id = ANY(CAST(:ids AS uuid[]))"
        ),
        {**params, "ids": moved["involvements"]},
    )
    await conn.execute(
        text(
            "UPDATE carer SET child_id = :merged"
            " WHERE child_id = :keep AND id = ANY(CAST(:ids AS uuid[]))"
        ),
        {**params, "ids": moved["carers"]},
    )
    for source, key in moved["sourceRecords"]:
        await conn.execute(
            text(
                "UPDATE source_record SET child_id = :merged"
                " WHERE child_id = :keep AND source = :source AND source_key = :key"
            ),
            {**params, "source": source, "key": key},
        )
    if moved["caf"]:
        await conn.execute(
            text(
                "UPDATE caf_assessment SET child_id = :merged WHERE child_id = :keep"
                " AND NOT EXISTS (SELECT 1 FROM caf_assessment WHERE child_id = :merged)"
            ),
            params,
        )
    # A copied provenance row goes only while it still says what the merged one says: a
    # feed that has since written the field on the kept record keeps its own.
    await conn.execute(
        text(
            "DELETE FROM provenance k USING provenance g"
            " WHERE k.child_id = :keep AND g.child_id = :merged AND k.field = g.field"
            " AND k.field = ANY(CAST(:fields AS text[])) AND k.source = g.source"
            " AND k.recorded_at = g.recorded_at"
            " AND k.source_record_id IS NOT DISTINCT FROM g.source_record_id"
            " AND k.import_run_id IS NOT DISTINCT FROM g.import_run_id"
        ),
        {**params, "fields": moved["provenance"]},
    )


async def mark_unmerged(conn: AsyncConnection, merge_id: uuid.UUID, by: uuid.UUID) -> None:
    await conn.execute(
        text("UPDATE child_merge SET unmerged_by = :by, unmerged_at = now() WHERE id = :id"),
        {"by": by, "id": merge_id},
    )


async def merged_into(conn: AsyncConnection, merged_contact_point_id: str) -> str | None:
    """The ContactPoint ID of the record this one is merged into, if it is."""
    merge = await active_merge_of(conn, merged_contact_point_id, lock=False)
    return None if merge is None else merge.keep_contact_point_id


async def mark_merged(conn: AsyncConnection, child_id: int, *, clear: list[str]) -> None:
    """Mark a record MERGED, handing its identifiers (`clear`) on: each is unique."""
    await conn.execute(
        text(
            "UPDATE child SET status = 'MERGED', updated_at = now(),"
            " nhs_number = CASE WHEN CAST(:nhs AS boolean) THEN NULL ELSE nhs_number END,"
            " upn = CASE WHEN CAST(:upn AS boolean) THEN NULL ELSE upn END WHERE id = :id"
        ),
        {"nhs": "nhs_number" in clear, "upn": "upn" in clear, "id": child_id},
    )


async def touch(conn: AsyncConnection, child_id: int) -> None:
    await conn.execute(text("UPDATE child SET updated_at = now() WHERE id = :id"), {"id": child_id})
