"""Reading and updating user accounts and sessions for signing in and out."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class AccountForSignIn:
    id: uuid.UUID
    organisation_id: int
    password_hash: str | None
    totp_secret: str | None
    totp_last_step: int | None
    status: str
    failed_sign_ins: int
    locked_until: datetime | None


_FOR_SIGN_IN = text(
    # A deactivated organisation's people cannot sign in: to them it answers as unknown.
    "SELECT u.id, u.organisation_id, u.password_hash, u.totp_secret, u.totp_last_step,"
    " u.status, u.failed_sign_ins, u.locked_until"
    " FROM user_account u JOIN organisation o ON o.id = u.organisation_id"
    " WHERE u.email = :email AND o.active FOR UPDATE OF u"
)


async def account_for_sign_in(conn: AsyncConnection, email: str) -> AccountForSignIn | None:
    """The account, locked for this transaction so concurrent attempts count one by one."""
    row = (await conn.execute(_FOR_SIGN_IN, {"email": email})).first()
    return AccountForSignIn(**row._mapping) if row else None


async def record_failed_sign_in(
    conn: AsyncConnection, user_id: uuid.UUID, *, failures: int, locked_until: datetime | None
) -> None:
    await conn.execute(
        text(
            "UPDATE user_account SET failed_sign_ins = :failures, locked_until = :locked"
            " WHERE id = :id"
        ),
        {"failures": failures, "locked": locked_until, "id": user_id},
    )


async def record_successful_sign_in(
    conn: AsyncConnection, user_id: uuid.UUID, *, totp_step: int
) -> None:
    await conn.execute(
        text(
            "UPDATE user_account SET failed_sign_ins = 0, locked_until = NULL,"
            " totp_last_step = :step WHERE id = :id"
        ),
        {"step": totp_step, "id": user_id},
    )


async def create_session(
    conn: AsyncConnection,
    *,
    token_hash: str,
    user_id: uuid.UUID,
    expires_at: datetime,
    client_address: str | None,
) -> None:
    await conn.execute(
        text(
            "INSERT INTO user_session (token_hash, user_id, expires_at, client_address)"
            " VALUES (:token_hash, :user_id, :expires_at, :client_address)"
        ),
        {
            "token_hash": token_hash,
            "user_id": user_id,
            "expires_at": expires_at,
            "client_address": client_address,
        },
    )


async def delete_session(conn: AsyncConnection, token_hash: str) -> None:
    await conn.execute(text("DELETE FROM user_session WHERE token_hash = :h"), {"h": token_hash})


@dataclass(frozen=True, slots=True)
class Profile:
    """How a practitioner is reached: the defaults for their involvements' contact details."""

    name: str
    job_title: str | None
    phone: str | None
    email: str


async def profile(conn: AsyncConnection, user_id: uuid.UUID) -> Profile:
    row = (
        await conn.execute(
            text("SELECT name, job_title, phone, email FROM user_account WHERE id = :id"),
            {"id": user_id},
        )
    ).one()
    return Profile(name=row.name, job_title=row.job_title, phone=row.phone, email=row.email)


async def recent_failed_sign_ins(conn: AsyncConnection, client_address: str, minutes: int) -> int:
    """Failed sign-ins from this address lately, counted from the audit log (shared by
    every server process); the action index bounds the scan to recent sign-ins."""
    value = (
        await conn.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE action = 'SIGN_IN'"
                " AND outcome IN ('FAILED', 'LOCKED') AND client_address = :address"
                " AND occurred_at > now() - make_interval(mins => :minutes)"
            ),
            {"address": client_address, "minutes": minutes},
        )
    ).scalar_one()
    return int(value)
