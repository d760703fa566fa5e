"""Partner API clients: a token shown once, stored only as its hash, and a field allowlist."""

import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import Actor, AuditEntry, record
from backend.auth.tokens import new_token, token_hash
from backend.db.queries.organisations import active_organisation_id
from backend.domain.contact import organisation_code as checked_code
from backend.domain.contact import text_field
from backend.errors import BadInput
from backend.policy.fields import GRANTABLE_TO_CLIENTS


@dataclass(frozen=True, slots=True)
class NewClient:
    id: uuid.UUID
    token: str


async def create_api_client(
    conn: AsyncConnection, actor: Actor, *, organisation_code: str, name: str, fields: list[str]
) -> NewClient:
    name = text_field(name, "name", limit=200, required=True) or ""
    refused = sorted(set(fields) - GRANTABLE_TO_CLIENTS)
    if not fields or refused:
        allowed = ", ".join(sorted(GRANTABLE_TO_CLIENTS))
        not_allowed = f"; not {', '.join(refused)}" if refused else ""
        raise BadInput(
            f"field must be Child fields a partner may read ({allowed}){not_allowed}",
            field="field",
        )
    organisation_code = checked_code(organisation_code, "org")
    organisation_id = await active_organisation_id(conn, organisation_code)
    if organisation_id is None:
        raise BadInput(f"no active organisation has code {organisation_code}", field="org")
    client_id, token = uuid.uuid4(), new_token()
    await conn.execute(
        text(
            "INSERT INTO api_client (id, organisation_id, name, token_hash, fields, created_by)"
            " VALUES (:id, :org, :name, :hash, :fields, :by)"
        ),
        {
            "id": client_id,
            "org": organisation_id,
            "name": name.strip(),
            "hash": token_hash(token),
            "fields": sorted(set(fields)),
            "by": actor.user_id,
        },
    )
    await record(
        conn,
        actor,
        AuditEntry(
            action="API_CLIENT_CREATED",
            detail={
                "client": str(client_id),
                "organisation": organisation_code,
                "fields": sorted(set(fields)),
            },
        ),
    )
    return NewClient(id=client_id, token=token)


async def revoke_api_client(conn: AsyncConnection, actor: Actor, client_id: str) -> None:
    try:
        parsed = uuid.UUID(client_id)
    except ValueError:
        raise BadInput(
            "id must be an API client id as printed when it was added", field="id"
        ) from None
    revoked = (
        await conn.execute(
            text(
                "UPDATE api_client SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL"
                " RETURNING id"
            ),
            {"id": parsed},
        )
    ).scalar()
    if revoked is None:
        exists = (
            await conn.execute(text("SELECT 1 FROM api_client WHERE id = :id"), {"id": parsed})
        ).scalar()
        raise BadInput(
            "that API client is already revoked" if exists else "no API client has that id",
            field="id",
        )
    await record(
        conn, actor, AuditEntry(action="API_CLIENT_REVOKED", detail={"client": str(parsed)})
    )


async def rotate_api_client(conn: AsyncConnection, actor: Actor, client_id: str) -> str:
    """A new token for the client (shown once); the old one stops working at once."""
    try:
        parsed = uuid.UUID(client_id)
    except ValueError:
        raise BadInput(
            "id must be an API client id as printed when it was added", field="id"
        ) from None
    token = new_token()
    rotated = (
        await conn.execute(
            text(
                "UPDATE api_client SET token_hash = :hash WHERE id = :id AND revoked_at IS NULL"
                " RETURNING id"
            ),
            {"id": parsed, "hash": token_hash(token)},
        )
    ).scalar()
    if rotated is None:
        exists = (
            await conn.execute(text("SELECT 1 FROM api_client WHERE id = :id"), {"id": parsed})
        ).scalar()
        raise BadInput(
            "that API client is revoked: create a new one"
            if exists
            else "no API client has that id",
            field="id",
        )
    await record(
        conn, actor, AuditEntry(action="API_CLIENT_ROTATED", detail={"client": str(parsed)})
    )
    return token
