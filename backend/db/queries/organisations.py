"""Reading organisations."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.records import OrganisationRecord

_BY_ID = text(
    "SELECT id, code, name, kind, team_name, team_phone, team_email, team_out_of_hours_phone"
    " FROM organisation WHERE id = :id"
)


async def active_organisation_id(conn: AsyncConnection, code: str) -> int | None:
    result = await conn.execute(
        text("SELECT id FROM organisation WHERE code = :code AND active"), {"code": code}
    )
    value = result.scalar()
    return int(value) if value is not None else None


async def organisation_by_id(conn: AsyncConnection, organisation_id: int) -> OrganisationRecord:
    row = (await conn.execute(_BY_ID, {"id": organisation_id})).one()
    return OrganisationRecord(**row._mapping)


async def organisations_by_id(
    conn: AsyncConnection, organisation_ids: set[int]
) -> dict[int, OrganisationRecord]:
    rows = await conn.execute(
        text(
            "SELECT id, code, name, kind, team_name, team_phone, team_email,"
            " team_out_of_hours_phone FROM organisation WHERE id = ANY(:ids)"
        ),
        {"ids": sorted(organisation_ids)},
    )
    return {row.id: OrganisationRecord(**row._mapping) for row in rows}
