"""Creating user accounts (the `users add` command now; management screens later)."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import Actor, AuditEntry, record
from backend.auth import totp
from backend.auth.passwords import hash_password
from backend.auth.sealed import seal
from backend.db.queries.organisations import active_organisation_id, organisation_by_id
from backend.errors import BadInput
from backend.policy.caller import Role
from backend.policy.emergency import check_role_holder

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True, slots=True)
class NewUser:
    id: uuid.UUID
    email: str
    totp_secret: str


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if len(password) > 1024:
        raise BadInput("password must be at most 1024 characters", field="password")


async def create_user(
    conn: AsyncConnection,
    actor: Actor,
    *,
    email: str,
    name: str,
    organisation_code: str,
    roles: list[str],
    password: str,
    trained_on: date | None = None,
    vetted_until: date | None = None,
    job_title: str | None = None,
) -> NewUser:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or " " in email:
        raise BadInput("email must be an email address like name@example.org", field="email")
    if not name.strip():
        raise BadInput("name must not be empty", field="name")
    unknown = [role for role in roles if role not in Role.__members__]
    if not roles or unknown:
        raise BadInput(f"role must be one of {', '.join(Role.__members__)}", field="role")
    check_password(password)
    organisation_id = await active_organisation_id(conn, organisation_code)
    if organisation_id is None:
        raise BadInput(f"no active organisation has code {organisation_code}", field="org")
    check_role_holder(roles, (await organisation_by_id(conn, organisation_id)).kind, "role")
    secret = totp.new_secret()
    user_id = uuid.uuid4()
    try:
        async with conn.begin_nested():
            await conn.execute(
                text(
                    "INSERT INTO user_account (id, organisation_id, email, name, job_title,"
                    " password_hash, totp_secret, status, trained_on, vetted_until)"
                    " VALUES (:id, :org, :email, :name, :job_title, :hash, :secret, 'ACTIVE',"
                    " :trained_on, :vetted_until)"
                ),
                {
                    "id": user_id,
                    "org": organisation_id,
                    "email": email,
                    "name": name.strip(),
                    "job_title": job_title,
                    "hash": hash_password(password),
                    "secret": seal(secret, user_id),
                    "trained_on": trained_on,
                    "vetted_until": vetted_until,
                },
            )
    except IntegrityError as error:
        if "user_account_email_key" not in str(error.orig):
            raise
        raise BadInput(f"a user with email {email} already exists", field="email") from None
    for role in sorted(set(roles)):
        await conn.execute(
            text("INSERT INTO user_role (user_id, role, granted_by) VALUES (:u, :r, :by)"),
            {"u": user_id, "r": role, "by": actor.user_id},
        )
    await record(
        conn,
        actor,
        AuditEntry(
            action="USER_CREATED",
            subject_user_id=user_id,
            detail={"roles": sorted(set(roles)), "organisation": organisation_code},
        ),
    )
    return NewUser(id=user_id, email=email, totp_secret=secret)
