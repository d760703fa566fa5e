"""How often someone has done something lately, counted from the audit log itself: the
log is already written on every search, indexed by actor and time, and shared by every
application process."""

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

_BY_USER = text(
    "SELECT count(*) FROM audit_event WHERE actor_user_id = :actor AND action = :action"
    " AND outcome = 'OK' AND occurred_at > now() - make_interval(secs => :seconds)"
)
_BY_CLIENT = text(
    "SELECT count(*) FROM audit_event WHERE actor_client_id = :actor AND action = :action"
    " AND outcome = 'OK' AND occurred_at > now() - make_interval(secs => :seconds)"
)


async def recent_actions(
    conn: AsyncConnection,
    *,
    user_id: uuid.UUID | None,
    client_id: uuid.UUID | None,
    action: str,
    seconds: int,
) -> int:
    statement, actor = (_BY_USER, user_id) if user_id is not None else (_BY_CLIENT, client_id)
    result = await conn.execute(statement, {"actor": actor, "action": action, "seconds": seconds})
    return int(result.scalar_one())
