"""The review queue of doubtful feed records: listing it, locking one, recording a decision.

A review holds the incoming record as validated and, for each candidate child, its match
weight and field agreement levels as the feed computed them; the candidates' own details
are read fresh, so the team compares the record with the child as it is now.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class CandidateRow:
    internal_id: int
    contact_point_id: str
    weight: float
    levels: dict[str, int]
    given_names: str
    family_name: str
    other_names: list[str]
    date_of_birth: date
    gender: str
    address_line1: str | None
    address_line2: str | None
    town: str | None
    postcode: str | None
    nhs_number: str | None
    upn: str | None
    responsible_authority_id: int
    shielded: bool
    status: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: uuid.UUID
    source: str
    source_name: str
    source_record_id: str
    record: dict[str, Any]
    candidates: list[CandidateRow]
    responsible_authority_id: int
    status: str
    decided_child_id: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime
    import_run_id: int | None
    content_hash: str


# The candidates' rows in the order the feed ranked them; a candidate since removed
# (purged) drops out, one since archived stays, marked.
_SELECT = """
SELECT v.id, v.source, f.name AS source_name, v.source_record_id, v.record,
       v.responsible_authority_id, v.status, d.contact_point_id AS decided_child_id,
       u.name AS decided_by, v.decided_at, v.created_at, v.import_run_id, v.content_hash,
       coalesce((
         SELECT jsonb_agg(jsonb_build_object(
                  'internal_id', c.id, 'contact_point_id', c.contact_point_id,
                  'weight', e->'weight', 'levels', e->'levels',
                  'given_names', c.given_names, 'family_name', c.family_name,
                  'other_names', to_jsonb(c.other_names), 'date_of_birth', c.date_of_birth,
                  'gender', c.gender, 'address_line1', c.address_line1,
                  'address_line2', c.address_line2, 'town', c.town, 'postcode', c.postcode,
                  'nhs_number', c.nhs_number, 'upn', c.upn,
                  'responsible_authority_id', c.responsible_authority_id,
                  'shielded', c.shielded, 'status', c.status) ORDER BY e.n)
           FROM jsonb_array_elements(v.candidates) WITH ORDINALITY e(e, n)
           JOIN child c ON c.id = CAST(e->>'childId' AS bigint)), '[]') AS candidate_rows
  FROM match_review v
  JOIN feed_source f ON f.code = v.source
  LEFT JOIN child d ON d.id = v.child_id
  LEFT JOIN user_account u ON u.id = v.decided_by
"""


def _candidate(item: dict[str, Any]) -> CandidateRow:
    return CandidateRow(
        internal_id=int(item["internal_id"]),
        contact_point_id=item["contact_point_id"],
        weight=float(item["weight"]),
        levels={key: int(value) for key, value in (item["levels"] or {}).items()},
        given_names=item["given_names"],
        family_name=item["family_name"],
        other_names=list(item["other_names"] or []),
        date_of_birth=date.fromisoformat(item["date_of_birth"]),
        gender=item["gender"],
        address_line1=item["address_line1"],
        address_line2=item["address_line2"],
        town=item["town"],
        postcode=item["postcode"],
        nhs_number=item["nhs_number"],
        upn=item["upn"],
        responsible_authority_id=int(item["responsible_authority_id"]),
        shielded=bool(item["shielded"]),
        status=item["status"],
    )


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _review(mapping: Any) -> ReviewRow:
    return ReviewRow(
        id=mapping["id"],
        source=mapping["source"],
        source_name=mapping["source_name"],
        source_record_id=mapping["source_record_id"],
        record=_loaded(mapping["record"]),
        candidates=[_candidate(item) for item in _loaded(mapping["candidate_rows"])],
        responsible_authority_id=mapping["responsible_authority_id"],
        status=mapping["status"],
        decided_child_id=mapping["decided_child_id"],
        decided_by=mapping["decided_by"],
        decided_at=mapping["decided_at"],
        created_at=mapping["created_at"],
        import_run_id=mapping["import_run_id"],
        content_hash=mapping["content_hash"],
    )


async def reviews(
    conn: AsyncConnection,
    *,
    authority_id: int | None,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ReviewRow]:
    """Oldest first: the queue is worked from its head. `before` is a keyset cursor."""
    rows = await conn.execute(
        text(
            _SELECT + " WHERE (CAST(:authority AS integer) IS NULL"
            " OR v.responsible_authority_id = :authority)"
            " AND (CAST(:status AS text) IS NULL OR v.status = :status)"
            " AND (CAST(:after_at AS timestamptz) IS NULL"
            " OR (v.created_at, v.id) > (:after_at, :after_id))"
            " ORDER BY v.created_at, v.id LIMIT :limit"
        ),
        {
            "authority": authority_id,
            "status": status,
            "after_at": before[0] if before else None,
            "after_id": before[1] if before else None,
            "limit": limit,
        },
    )
    return [_review(row._mapping) for row in rows]


async def review(conn: AsyncConnection, review_id: uuid.UUID, *, lock: bool) -> ReviewRow | None:
    suffix = " WHERE v.id = :id" + (" FOR UPDATE OF v" if lock else "")
    row = (await conn.execute(text(_SELECT + suffix), {"id": review_id})).one_or_none()
    return None if row is None else _review(row._mapping)


async def record_decision(
    conn: AsyncConnection,
    review_id: uuid.UUID,
    *,
    status: str,
    child_id: int,
    decided_by: uuid.UUID,
) -> None:
    await conn.execute(
        text(
            "UPDATE match_review SET status = :status, child_id = :child,"
            " decided_by = :by, decided_at = now() WHERE id = :id"
        ),
        {"status": status, "child": child_id, "by": decided_by, "id": review_id},
    )


async def identifier_holders(
    conn: AsyncConnection, *, nhs_number: str | None, upn: str | None
) -> list[tuple[str, str]]:
    """Which identifiers of an incoming record another child already holds: (field, id)."""
    rows = await conn.execute(
        text(
            "SELECT 'nhsNumber' AS field, contact_point_id FROM child"
            " WHERE nhs_number = CAST(:nhs AS text)"
            " UNION ALL SELECT 'upn', contact_point_id FROM child WHERE upn = CAST(:upn AS text)"
        ),
        {"nhs": nhs_number, "upn": upn},
    )
    return [(row.field, row.contact_point_id) for row in rows]


async def directory_size(conn: AsyncConnection) -> int:
    """The planner's estimate of the number of children: the match lines need no more."""
    value = (
        await conn.execute(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = 'child'::regclass")
        )
    ).scalar_one()
    return max(int(value or 0), 0)
