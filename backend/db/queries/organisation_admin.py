"""Reading and changing organisations and partner API clients, for administrators."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.queries.like import contains


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    team_name: str | None
    team_phone: str | None
    team_email: str | None
    team_out_of_hours_phone: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class ApiClientRow:
    id: uuid.UUID
    organisation_code: str
    organisation_name: str
    name: str
    fields: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


_ORGANISATIONS = """
SELECT o.id, o.code, o.name, o.kind, p.code AS parent_code, o.team_name, o.team_phone,
       o.team_email, o.team_out_of_hours_phone, o.active
  FROM organisation o LEFT JOIN organisation p ON p.id = o.parent_authority_id
"""


async def organisations(
    conn: AsyncConnection, *, kind: str | None, search: str | None, limit: int
) -> list[OrganisationRow]:
    rows = await conn.execute(
        text(
            _ORGANISATIONS + " WHERE (CAST(:kind AS text) IS NULL OR o.kind = :kind)"
            " AND (CAST(:search AS text) IS NULL OR o.name ILIKE :pattern"
            "      OR o.code = upper(:search))"
            " ORDER BY o.name, o.code LIMIT :limit"
        ),
        {
            "kind": kind,
            "search": search,
            "pattern": contains(search) if search else None,
            "limit": limit,
        },
    )
    return [OrganisationRow(**row._mapping) for row in rows]


async def organisation(conn: AsyncConnection, code: str) -> OrganisationRow | None:
    row = (
        await conn.execute(
            text(_ORGANISATIONS + " WHERE o.code = :code"),
            {"code": code},
        )
    ).first()
    return OrganisationRow(**row._mapping) if row else None


async def insert_organisation(
    conn: AsyncConnection, *, code: str, name: str, kind: str, parent_id: int | None
) -> None:
    await conn.execute(
        text(
            "INSERT INTO organisation (code, name, kind, parent_authority_id)"
            " VALUES (:code, :name, :kind, :parent)"
        ),
        {"code": code, "name": name, "kind": kind, "parent": parent_id},
    )


async def update_organisation(conn: AsyncConnection, code: str, values: dict[str, Any]) -> None:
    """Set the given columns (names fixed by the caller, never from input)."""
    allowed = {"name", "team_name", "team_phone", "team_email", "team_out_of_hours_phone", "active"}
    if not values or set(values) - allowed:
        raise ValueError("unknown organisation columns")
    assignments = ", ".join(f"{column} = :{column}" for column in sorted(values))
    await conn.execute(
        text(f"UPDATE organisation SET {assignments} WHERE code = :code"),  # noqa: S608
        {**values, "code": code},
    )


_CLIENTS = """
SELECT c.id, o.code AS organisation_code, o.name AS organisation_name, c.name, c.fields,
       c.created_at, c.revoked_at, c.last_used_at
  FROM api_client c JOIN organisation o ON o.id = c.organisation_id
"""


def _client(row: Any) -> ApiClientRow:
    values = dict(row._mapping)
    values["fields"] = tuple(values["fields"])
    return ApiClientRow(**values)


async def api_clients(
    conn: AsyncConnection, *, organisation_id: int | None, include_revoked: bool
) -> list[ApiClientRow]:
    rows = await conn.execute(
        text(
            _CLIENTS + " WHERE (CAST(:org AS integer) IS NULL OR c.organisation_id = :org)"
            " AND (:include_revoked OR c.revoked_at IS NULL)"
            " ORDER BY o.name, c.name, c.id"
        ),
        {"org": organisation_id, "include_revoked": include_revoked},
    )
    return [_client(row) for row in rows]


async def api_client(conn: AsyncConnection, client_id: uuid.UUID) -> ApiClientRow | None:
    row = (await conn.execute(text(_CLIENTS + " WHERE c.id = :id"), {"id": client_id})).first()
    return _client(row) if row else None
