"""Who is calling: a session cookie's user, or a partner token's client, in one statement
(on the driver: this runs on every signed-in request)."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver


@dataclass(frozen=True, slots=True)
class SessionUser:
    user_id: uuid.UUID
    email: str
    name: str
    status: str
    organisation_id: int
    organisation_code: str
    roles: tuple[str, ...]
    trained_on: date | None
    vetted_until: date | None
    last_seen_at: datetime
    expires_at: datetime
    # For read replicas (backend/db/replicas.py).
    changed_lsn: int | None
    shielding_seq: int | None


@dataclass(frozen=True, slots=True)
class ClientRow:
    client_id: uuid.UUID
    organisation_id: int
    organisation_code: str
    fields: tuple[str, ...]
    last_used_at: datetime | None
    changed_lsn: int | None
    shielding_seq: int | None


_SESSION = """
    SELECT u.id AS user_id, u.email, u.name, u.status, u.organisation_id, o.code,
           u.trained_on, u.vetted_until, s.last_seen_at, s.expires_at, u.changed_lsn,
           (SELECT seq FROM shielding_clock) AS shielding_seq,
           coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r
                     WHERE r.user_id = u.id), '{}') AS roles
      FROM user_session s
      JOIN user_account u ON u.id = s.user_id
      JOIN organisation o ON o.id = u.organisation_id
     WHERE s.token_hash = $1 AND o.active  -- a deactivated organisation's people are out
    """

_CLIENT = """
    SELECT c.id, c.organisation_id, o.code, c.fields, c.last_used_at, c.changed_lsn,
           (SELECT seq FROM shielding_clock) AS shielding_seq
      FROM api_client c JOIN organisation o ON o.id = c.organisation_id
     WHERE c.token_hash = $1 AND c.revoked_at IS NULL AND o.active
    """


async def session_user(conn: AsyncConnection, token_hash: str) -> SessionUser | None:
    row = await (await driver(conn)).fetchrow(_SESSION, token_hash)
    if row is None:
        return None
    return SessionUser(
        user_id=row["user_id"],
        email=row["email"],
        name=row["name"],
        status=row["status"],
        organisation_id=row["organisation_id"],
        organisation_code=row["code"],
        roles=tuple(row["roles"]),
        trained_on=row["trained_on"],
        vetted_until=row["vetted_until"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
        changed_lsn=row["changed_lsn"],
        shielding_seq=row["shielding_seq"],
    )


async def api_client(conn: AsyncConnection, token_hash: str) -> ClientRow | None:
    row = await (await driver(conn)).fetchrow(_CLIENT, token_hash)
    if row is None:
        return None
    return ClientRow(
        client_id=row["id"],
        organisation_id=row["organisation_id"],
        organisation_code=row["code"],
        fields=tuple(row["fields"]),
        last_used_at=row["last_used_at"],
        changed_lsn=row["changed_lsn"],
        shielding_seq=row["shielding_seq"],
    )
