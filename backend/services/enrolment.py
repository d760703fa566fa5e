"""One child entered the way a feed enters a child nobody holds yet: the same checks of
every value, the same ContactPoint ID, keys, provenance and source record.

Test factories create every child through here, so that tests run on children the
import rules could have made (issue 13), and not on rows no load would ever write.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver
from backend.db.queries import feed_apply, feed_matching, feed_runs
from backend.feeds.reader import Vocabulary, record_from


async def enrol_child(
    conn: AsyncConnection, source: str, values: dict[str, Any]
) -> tuple[int, str]:
    """Create the child `values` describe (a feed record's keys, as text) from `source`,
    without matching it to anyone: (internal id, ContactPoint ID). Bad values raise
    BadInput naming the column."""
    pg = await driver(conn)
    known = await feed_runs.directory(pg)
    record = record_from(
        values,
        Vocabulary(
            authorities=frozenset(known.authorities),
            services=known.services,
            organisations=known.organisations,
        ),
    )
    await feed_matching.stage_new(pg, feed_matching.stage_row(record, known.authorities))
    await feed_apply.apply(pg, source, None)
    child_id = await feed_matching.staged_child(pg)
    await feed_matching.drop_temporary(pg)
    cp_id = await pg.fetchval("SELECT contact_point_id FROM child WHERE id = $1", child_id)
    return child_id, str(cp_id)
