"""The retention statements (SPEC section 8): archive children past 18, purge old archives.

Each batch is one statement over the ids after the last batch's (keyset), so a national
run never holds one long transaction nor rescans the rows it has already done, and a run
stopped half way is finished by running it again. Deleting a child cascades to its carers,
involvements, shielding, CAF status, notifications and provenance; the audit log names
children by id without a foreign key, so its events outlive the child.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# FOR UPDATE re-checks the conditions on rows changed since the snapshot, so a child
# edited concurrently is archived (or purged) only if it still qualifies.
_ARCHIVE = text(
    "WITH batch AS ("
    "  SELECT id FROM child"
    "  WHERE status = 'ACTIVE' AND date_of_birth <= :born_by AND id > :after"
    "  ORDER BY id LIMIT :size FOR UPDATE"
    "), done AS ("
    "  UPDATE child SET status = 'ARCHIVED', archived_at = now(), updated_at = now()"
    "  FROM batch WHERE child.id = batch.id RETURNING child.id"
    ")"
    " SELECT count(*), max(id) FROM done"
)
_PURGE = text(
    "WITH batch AS ("
    "  SELECT id FROM child"
    "  WHERE status = 'ARCHIVED' AND archived_at < :archived_before AND id > :after"
    "  ORDER BY id LIMIT :size FOR UPDATE"
    "), done AS ("
    "  DELETE FROM child USING batch WHERE child.id = batch.id RETURNING child.id"
    ")"
    " SELECT count(*), max(id) FROM done"
)
_DUE_FOR_ARCHIVE = text(
    "SELECT count(*) FROM child WHERE status = 'ACTIVE' AND date_of_birth <= :born_by"
)
_DUE_FOR_PURGE = text(
    "SELECT count(*) FROM child WHERE status = 'ARCHIVED' AND archived_at < :archived_before"
)


@dataclass(frozen=True, slots=True)
class Batch:
    """How many rows one batch changed, and the id the next batch starts after."""

    done: int
    last_id: int


async def due_for_archive(conn: AsyncConnection, *, born_by: date) -> int:
    """Active children born on or before `born_by`."""
    return int((await conn.execute(_DUE_FOR_ARCHIVE, {"born_by": born_by})).scalar_one())


async def due_for_purge(conn: AsyncConnection, *, archived_before: datetime) -> int:
    """Children archived before `archived_before`."""
    return int(
        (await conn.execute(_DUE_FOR_PURGE, {"archived_before": archived_before})).scalar_one()
    )


async def archive_batch(
    conn: AsyncConnection, *, born_by: date, after: int, size: int
) -> Batch | None:
    """Archives up to `size` due children with ids above `after`; None when none are left."""
    row = (await conn.execute(_ARCHIVE, {"born_by": born_by, "after": after, "size": size})).one()
    return Batch(done=int(row[0]), last_id=int(row[1])) if row[0] else None


async def purge_batch(
    conn: AsyncConnection, *, archived_before: datetime, after: int, size: int
) -> Batch | None:
    """Deletes up to `size` old archives with ids above `after`; None when none are left."""
    row = (
        await conn.execute(
            _PURGE, {"archived_before": archived_before, "after": after, "size": size}
        )
    ).one()
    return Batch(done=int(row[0]), last_id=int(row[1])) if row[0] else None
