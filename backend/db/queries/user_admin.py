"""Reading and changing user accounts for management teams and administrators."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.queries.like import contains
from backend.db.records import OrganisationRecord


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    organisation: OrganisationRecord
    email: str
    name: str
    job_title: str | None
    phone: str | None
    status: str
    trained_on: date | None
    vetted_until: date | None
    roles: tuple[str, ...]
    has_second_factor: bool
    has_password: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserFilter:
    organisation_id: int | None = None
    status: str | None = None
    role: str | None = None
    search: str | None = None  # part of a name or email


@dataclass(frozen=True, slots=True)
class Details:
    """New values; None leaves a value as it is (a new account's details, all given)."""

    name: str | None = None
    job_title: str | None = None
    phone: str | None = None
    trained_on: date | None = None
    vetted_until: date | None = None


# The columns `update_details` may set, by the name a change gives them.
DETAIL_COLUMNS = {
    "name": "name",
    "jobTitle": "job_title",
    "phone": "phone",
    "trainedOn": "trained_on",
    "vettedUntil": "vetted_until",
}


_SELECT = """
SELECT u.id, u.email, u.name, u.job_title, u.phone, u.status, u.trained_on, u.vetted_until,
       u.totp_secret IS NOT NULL AS has_second_factor,
       u.password_hash IS NOT NULL AS has_password, u.created_at,
       o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind,
       o.team_name, o.team_phone, o.team_email,
       coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_role r
                  WHERE r.user_id = u.id), '{}') AS roles
  FROM user_account u JOIN organisation o ON o.id = u.organisation_id
"""


def _row(row: Any) -> UserRow:
    return UserRow(
        id=row.id,
        organisation=OrganisationRecord(
            id=row.org_id,
            code=row.org_code,
            name=row.org_name,
            kind=row.org_kind,
            team_name=row.team_name,
            team_phone=row.team_phone,
            team_email=row.team_email,
        ),
        email=row.email,
        name=row.name,
        job_title=row.job_title,
        phone=row.phone,
        status=row.status,
        trained_on=row.trained_on,
        vetted_until=row.vetted_until,
        roles=tuple(row.roles),
        has_second_factor=row.has_second_factor,
        has_password=row.has_password,
        created_at=row.created_at,
    )


async def user(conn: AsyncConnection, user_id: uuid.UUID, *, lock: bool = False) -> UserRow | None:
    statement = _SELECT + " WHERE u.id = :id" + (" FOR UPDATE OF u" if lock else "")
    row = (await conn.execute(text(statement), {"id": user_id})).first()
    return _row(row) if row else None


async def users(
    conn: AsyncConnection, where: UserFilter, *, after: tuple[str, uuid.UUID] | None, limit: int
) -> list[UserRow]:
    """Ordered by name then id; `after` is the (name, id) of the last one shown."""
    rows = await conn.execute(
        text(
            _SELECT  # noqa: S608 - constant text; every value is a bound parameter
            + " WHERE (CAST(:org AS integer) IS NULL OR u.organisation_id = :org)"
            " AND (CAST(:status AS text) IS NULL OR u.status = :status)"
            " AND (CAST(:role AS text) IS NULL OR EXISTS (SELECT 1 FROM user_role r"
            "      WHERE r.user_id = u.id AND r.role = :role))"
            " AND (CAST(:search AS text) IS NULL OR u.name ILIKE :pattern"
            "      OR u.email ILIKE :pattern)"
            " AND (CAST(:after_name AS text) IS NULL OR (u.name, u.id) > (:after_name, :after_id))"
            " ORDER BY u.name, u.id LIMIT :limit"
        ),
        {
            "org": where.organisation_id,
            "status": where.status,
            "role": where.role,
            "search": where.search,
            "pattern": contains(where.search) if where.search else None,
            "after_name": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
    return [_row(row) for row in rows]


async def email_taken(conn: AsyncConnection, email: str) -> bool:
    found = (
        await conn.execute(text("SELECT 1 FROM user_account WHERE email = :e"), {"e": email})
    ).first()
    return found is not None


async def insert_invited(
    conn: AsyncConnection,
    *,
    organisation_id: int,
    email: str,
    details: Details,
    code_hash: str,
    expires_at: datetime,
) -> uuid.UUID:
    user_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO user_account (id, organisation_id, email, name, job_title, phone,"
            " status, trained_on, vetted_until, enrolment_code_hash, enrolment_expires_at)"
            " VALUES (:id, :org, :email, :name, :job, :phone, 'INVITED', :trained, :vetted,"
            " :code, :expires)"
        ),
        {
            "id": user_id,
            "org": organisation_id,
            "email": email,
            "name": details.name,
            "job": details.job_title,
            "phone": details.phone,
            "trained": details.trained_on,
            "vetted": details.vetted_until,
            "code": code_hash,
            "expires": expires_at,
        },
    )
    return user_id


async def replace_roles(
    conn: AsyncConnection, user_id: uuid.UUID, roles: list[str], by: uuid.UUID | None
) -> None:
    await conn.execute(text("DELETE FROM user_role WHERE user_id = :u"), {"u": user_id})
    await conn.execute(
        text(
            "INSERT INTO user_role (user_id, role, granted_by)"
            " SELECT :u, r, :by FROM unnest(CAST(:roles AS text[])) AS r"
        ),
        {"u": user_id, "roles": roles, "by": by},
    )


async def update_details(
    conn: AsyncConnection, user_id: uuid.UUID, changes: Mapping[str, object]
) -> None:
    """Set exactly the details in `changes` (a None clears), by DETAIL_COLUMNS name."""
    columns = [DETAIL_COLUMNS[name] for name in changes]
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    values = {DETAIL_COLUMNS[name]: value for name, value in changes.items()}
    await conn.execute(
        text(f"UPDATE user_account SET {assignments} WHERE id = :id"),  # noqa: S608 - known columns
        {"id": user_id, **values},
    )


async def set_status(conn: AsyncConnection, user_id: uuid.UUID, status: str) -> None:
    await conn.execute(
        text("UPDATE user_account SET status = :s WHERE id = :id"), {"id": user_id, "s": status}
    )


async def end_sessions(conn: AsyncConnection, user_id: uuid.UUID) -> None:
    await conn.execute(text("DELETE FROM user_session WHERE user_id = :u"), {"u": user_id})


async def start_enrolment(
    conn: AsyncConnection, user_id: uuid.UUID, code_hash: str, expires_at: datetime
) -> None:
    """Clear the second factor and give out a new one-time enrolment code."""
    await conn.execute(
        text(
            "UPDATE user_account SET totp_secret = NULL, totp_last_step = NULL,"
            " enrolment_code_hash = :code, enrolment_expires_at = :expires WHERE id = :id"
        ),
        {"id": user_id, "code": code_hash, "expires": expires_at},
    )


async def cancel_enrolment(conn: AsyncConnection, user_id: uuid.UUID) -> None:
    await conn.execute(
        text(
            "UPDATE user_account SET enrolment_code_hash = NULL, enrolment_expires_at = NULL"
            " WHERE id = :id"
        ),
        {"id": user_id},
    )


@dataclass(frozen=True, slots=True)
class EnrollingAccount:
    id: uuid.UUID
    organisation_id: int
    status: str
    password_hash: str | None
    enrolment_code_hash: str | None
    enrolment_expires_at: datetime | None


async def account_for_enrolment(conn: AsyncConnection, email: str) -> EnrollingAccount | None:
    row = (
        await conn.execute(
            text(
                "SELECT id, organisation_id, status, password_hash, enrolment_code_hash,"
                " enrolment_expires_at FROM user_account WHERE email = :email FOR UPDATE"
            ),
            {"email": email},
        )
    ).first()
    return EnrollingAccount(**row._mapping) if row else None


async def complete_enrolment(
    conn: AsyncConnection, user_id: uuid.UUID, *, password_hash: str, totp_secret: str
) -> None:
    await conn.execute(
        text(
            "UPDATE user_account SET password_hash = :hash, totp_secret = :secret,"
            " totp_last_step = NULL, enrolment_code_hash = NULL, enrolment_expires_at = NULL,"
            " failed_sign_ins = 0, locked_until = NULL,"
            " status = CASE WHEN status = 'INVITED' THEN 'ACTIVE' ELSE status END"
            " WHERE id = :id"
        ),
        {"id": user_id, "hash": password_hash, "secret": totp_secret},
    )
