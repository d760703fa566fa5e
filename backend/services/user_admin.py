"""Management teams and administrators running users: invite, roles, training and vetting
dates, suspend and reactivate, reset the second factor, list; and the invited person's
first sign-in (set a password, enrol the authenticator).

Who may do what is `backend.policy.reach`; every change is one transaction that writes
exactly one audit event. Enrolment codes are shown once to the person who made them and
stored only as a hash, like partner tokens.
"""

import asyncio
import base64
import hmac
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.auth import totp
from backend.auth.passwords import dummy_hash, hash_password, verify_password
from backend.auth.sealed import seal
from backend.auth.tokens import new_token, token_hash
from backend.db.queries import organisation_admin as organisation_admin_queries
from backend.db.queries import user_admin as queries
from backend.db.queries.organisations import active_organisation_id, organisation_by_id
from backend.db.queries.user_admin import Details, UserFilter, UserRow
from backend.domain.contact import email_address, phone_number, text_field
from backend.domain.contact import organisation_code as checked_code
from backend.domain.ids import record_id
from backend.errors import BadInput, NotFound, Unauthenticated
from backend.policy.caller import Caller, Role
from backend.policy.emergency import check_role_holder
from backend.policy.reach import (
    require_grantable,
    require_may_act_on,
    require_reach,
    require_user_manager,
)
from backend.services.users import check_password
from backend.web.context import RequestContext

ENROLMENT_LIFETIME = timedelta(days=7)
MAX_PAGE = 100
ENROLMENT_FAILED = (
    "The email address or set-up code is not right, or the code has expired: ask your"
    " organisation's ContactPoint team for a new one."
)


@dataclass(frozen=True, slots=True)
class Invitation:
    email: str
    name: str
    organisation_code: str | None  # None: the caller's own organisation
    roles: list[str]
    job_title: str | None = None
    phone: str | None = None
    trained_on: date | None = None
    vetted_until: date | None = None


@dataclass(frozen=True, slots=True)
class WithCode:
    """A user and the one-time set-up code to pass to them (shown once)."""

    user: UserRow
    enrolment_code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[UserRow]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class Enrolment:
    totp_secret: str
    provisioning_uri: str


def _manager(ctx: RequestContext) -> tuple[Caller, uuid.UUID]:
    caller = ctx.require_caller()
    require_user_manager(caller)
    if caller.user_id is None:  # require_user_manager already refuses partner systems
        raise Unauthenticated("sign in to use ContactPoint")
    return caller, caller.user_id


async def _reload(conn: AsyncConnection, user_id: uuid.UUID) -> UserRow:
    found = await queries.user(conn, user_id)
    if found is None:
        raise NotFound("no user you manage has that id", field="userId")
    return found


def _roles(values: list[str], field: str = "roles") -> list[Role]:
    if not values:
        raise BadInput("give at least one role", field=field)
    unknown = sorted({v for v in values if v not in Role.__members__})
    if unknown:
        raise BadInput(
            f"unknown role {', '.join(unknown)}: roles are {', '.join(Role.__members__)}",
            field=field,
        )
    return sorted({Role(v) for v in values})


def _dates(trained_on: date | None, vetted_until: date | None) -> None:
    if trained_on is not None and trained_on > date.today():
        raise BadInput("trainedOn cannot be in the future", field="trainedOn")
    if vetted_until is not None and vetted_until < date(2000, 1, 1):
        raise BadInput("vettedUntil is not a plausible date", field="vettedUntil")


def _as_given(value: Any) -> Any:
    return value


# How each detail a change may give is checked; a blank text clears, like None.
_DETAIL_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: text_field(v, "name", limit=200, required=True),
    "jobTitle": lambda v: text_field(v, "jobTitle", limit=200),
    "phone": phone_number,
    "trainedOn": _as_given,
    "vettedUntil": _as_given,
}


def _cleaned_details(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(_DETAIL_CLEANERS)
    if unknown:
        raise BadInput(f"{sorted(unknown)[0]} is not a detail of a user", field="input")
    cleaned = {name: _DETAIL_CLEANERS[name](value) for name, value in changes.items()}
    _dates(cleaned.get("trainedOn"), cleaned.get("vettedUntil"))
    return cleaned


def _user_id(value: str, field: str = "userId") -> uuid.UUID:
    return record_id(value, field, "a user")


async def _target(
    conn: AsyncConnection, caller: Caller, user_id: uuid.UUID, field: str = "userId"
) -> UserRow:
    found = await queries.user(conn, user_id, lock=True)
    # Outside one's reach reads as absent: a manager learns nothing of other teams' users.
    if found is None or (
        not caller.has(Role.ADMINISTRATOR) and found.organisation.id != caller.organisation_id
    ):
        raise NotFound("no user you manage has that id", field=field)
    require_may_act_on(
        caller, found.id, found.organisation.id, (Role(r) for r in found.roles), field
    )
    return found


async def _audit(
    conn: AsyncConnection, ctx: RequestContext, action: str, user_id: uuid.UUID, **detail: object
) -> None:
    await record(conn, ctx.actor, AuditEntry(action=action, subject_user_id=user_id, detail=detail))


def _new_code() -> tuple[str, str, datetime]:
    code = new_token()
    return code, token_hash(code), datetime.now(UTC) + ENROLMENT_LIFETIME


async def invite_user(ctx: RequestContext, invitation: Invitation) -> WithCode:
    caller, caller_id = _manager(ctx)
    email = email_address(invitation.email)
    if email is None:
        raise BadInput("email is required", field="email")
    name = text_field(invitation.name, "name", limit=200, required=True)
    roles = _roles(invitation.roles)
    _dates(invitation.trained_on, invitation.vetted_until)
    details = Details(
        name=name,
        job_title=text_field(invitation.job_title, "jobTitle", limit=200),
        phone=phone_number(invitation.phone),
        trained_on=invitation.trained_on,
        vetted_until=invitation.vetted_until,
    )
    code_given = (
        checked_code(invitation.organisation_code, "organisationCode")
        if invitation.organisation_code is not None
        else None
    )
    async with ctx.engine.begin() as conn:
        organisation_id = caller.organisation_id
        if code_given is not None:
            found = await active_organisation_id(conn, code_given)
            if found is None:
                raise BadInput("no active organisation has that code", field="organisationCode")
            organisation_id = found
        require_reach(caller, organisation_id, "organisationCode")
        require_grantable(caller, roles)
        check_role_holder(roles, (await organisation_by_id(conn, organisation_id)).kind)
        # Checked under the unique index too; this gives the clear message.
        if await queries.email_taken(conn, email):
            raise BadInput(f"a user with email {email} already exists", field="email")
        code, code_hash, expires_at = _new_code()
        try:
            async with conn.begin_nested():
                user_id = await queries.insert_invited(
                    conn,
                    organisation_id=organisation_id,
                    email=email,
                    details=details,
                    code_hash=code_hash,
                    expires_at=expires_at,
                )
        except IntegrityError:
            # Invited by someone else a moment ago: the unique index decided.
            raise BadInput(f"a user with email {email} already exists", field="email") from None
        await queries.replace_roles(conn, user_id, [r.value for r in roles], caller_id)
        await _audit(conn, ctx, "USER_INVITED", user_id, roles=[r.value for r in roles])
        invited = await _reload(conn, user_id)
    return WithCode(user=invited, enrolment_code=code, expires_at=expires_at)


async def update_user(ctx: RequestContext, user_id: str, changes: Mapping[str, Any]) -> UserRow:
    """`changes`: the details given, by their GraphQL name; None (or a blank) clears one,
    one not given is kept."""
    caller, _ = _manager(ctx)
    target_id = _user_id(user_id)
    cleaned = _cleaned_details(changes)
    if not cleaned:
        raise BadInput("give at least one detail to change", field="input")
    async with ctx.engine.begin() as conn:
        await _target(conn, caller, target_id)
        await queries.update_details(conn, target_id, cleaned)
        await _audit(conn, ctx, "USER_UPDATED", target_id, fields=sorted(cleaned))
        updated = await _reload(conn, target_id)
    return updated


async def set_roles(ctx: RequestContext, user_id: str, roles: list[str]) -> UserRow:
    caller, caller_id = _manager(ctx)
    target_id = _user_id(user_id)
    wanted = _roles(roles)
    async with ctx.engine.begin() as conn:
        before = await _target(conn, caller, target_id)
        require_grantable(caller, wanted)
        check_role_holder(wanted, before.organisation.kind)
        await queries.replace_roles(conn, target_id, [r.value for r in wanted], caller_id)
        await _audit(
            conn,
            ctx,
            "USER_ROLES_CHANGED",
            target_id,
            before=list(before.roles),
            after=[r.value for r in wanted],
        )
        updated = await _reload(conn, target_id)
    return updated


async def set_suspended(ctx: RequestContext, user_id: str, *, suspended: bool) -> UserRow:
    caller, _ = _manager(ctx)
    target_id = _user_id(user_id)
    async with ctx.engine.begin() as conn:
        before = await _target(conn, caller, target_id)
        if suspended and before.status == "SUSPENDED":
            raise BadInput("this user is already suspended", field="userId")
        if not suspended and before.status != "SUSPENDED":
            raise BadInput("this user is not suspended", field="userId")
        if suspended:
            await queries.set_status(conn, target_id, "SUSPENDED")
            await queries.end_sessions(conn, target_id)
            # A set-up code given out before must not outlive the suspension.
            await queries.cancel_enrolment(conn, target_id)
        else:
            # Back to where they were: invited people still have to set up their account.
            await queries.set_status(
                conn, target_id, "ACTIVE" if before.has_password else "INVITED"
            )
        await _audit(conn, ctx, "USER_SUSPENDED" if suspended else "USER_REACTIVATED", target_id)
        updated = await _reload(conn, target_id)
    return updated


async def reset_second_factor(ctx: RequestContext, user_id: str) -> WithCode:
    """The user's authenticator is forgotten and their sessions end; the set-up code lets
    them choose a new password and enrol again."""
    caller, _ = _manager(ctx)
    target_id = _user_id(user_id)
    async with ctx.engine.begin() as conn:
        await _target(conn, caller, target_id)
        code, code_hash, expires_at = _new_code()
        await queries.start_enrolment(conn, target_id, code_hash, expires_at)
        await queries.end_sessions(conn, target_id)
        await _audit(conn, ctx, "SECOND_FACTOR_RESET", target_id)
        updated = await _reload(conn, target_id)
    return WithCode(user=updated, enrolment_code=code, expires_at=expires_at)


async def get_user(ctx: RequestContext, user_id: str) -> UserRow | None:
    """One user the caller manages (their organisation; administrators: anyone), or None."""
    caller, _ = _manager(ctx)
    target = _user_id(user_id, "id")
    async with ctx.engine.connect() as conn:
        found = await queries.user(conn, target)
    if found is None:
        return None
    if not caller.has(Role.ADMINISTRATOR) and found.organisation.id != caller.organisation_id:
        return None  # outside one's reach reads as absent
    return found


def _cursor(row: UserRow) -> str:
    raw = f"{row.id}|{row.name}".encode()
    return base64.urlsafe_b64encode(raw).decode()


def _after(cursor: str | None) -> tuple[str, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        user_id, name = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return name, uuid.UUID(user_id)
    except ValueError:
        raise BadInput("after is not a cursor from this list", field="after") from None


async def list_users(
    ctx: RequestContext,
    *,
    organisation_code: str | None,
    status: str | None,
    role: str | None,
    search: str | None,
    first: int,
    after: str | None,
) -> UserPage:
    caller, _ = _manager(ctx)
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    if role is not None:
        _roles([role], "role")
    search = text_field(search, "search", limit=200)
    start = _after(after)
    async with ctx.engine.connect() as conn:
        if organisation_code is not None:
            # Listing (unlike inviting) includes deactivated organisations' people.
            found = await organisation_admin_queries.organisation(
                conn, checked_code(organisation_code, "organisationCode")
            )
            if found is None:
                raise BadInput("no organisation has that code", field="organisationCode")
            organisation_id: int | None = found.id
            require_reach(caller, found.id, "organisationCode")
        elif caller.has(Role.ADMINISTRATOR):
            organisation_id = None
        else:
            organisation_id = caller.organisation_id
        rows = await queries.users(
            conn,
            UserFilter(organisation_id=organisation_id, status=status, role=role, search=search),
            after=start,
            limit=first + 1,
        )
    shown = rows[:first]
    return UserPage(
        users=shown, next_cursor=_cursor(shown[-1]) if len(rows) > first and shown else None
    )


async def complete_enrolment(
    ctx: RequestContext, email: str, enrolment_code: str, password: str
) -> Enrolment:
    """First sign-in of an invited user (choose a password), or after a reset of the
    second factor (give the current password): then enrol the authenticator, whose
    secret is returned once; then sign in with a code from it."""
    cleaned = email_address(email)
    if cleaned is None:
        raise BadInput("enter your email address", field="email")
    check_password(password)
    if not enrolment_code.strip() or len(enrolment_code) > 200:
        raise BadInput(
            "enter the set-up code your ContactPoint team gave you", field="enrolmentCode"
        )
    async with ctx.engine.begin() as conn:
        account = await queries.account_for_enrolment(conn, cleaned)
        now = datetime.now(UTC)
        valid = (
            account is not None
            and account.enrolment_code_hash is not None
            and account.enrolment_expires_at is not None
            and account.enrolment_expires_at > now
            and account.status != "SUSPENDED"
            and hmac.compare_digest(account.enrolment_code_hash, token_hash(enrolment_code.strip()))
        )
        if not valid or account is None:
            # Same work either way, so timing does not reveal which emails are invited.
            await asyncio.to_thread(verify_password, dummy_hash(), password)
            raise Unauthenticated(ENROLMENT_FAILED)
        if account.password_hash is not None:
            # A reset of the second factor, not of the password: whoever holds the code
            # (the manager who made it) must not be able to take the account over.
            if not await asyncio.to_thread(verify_password, account.password_hash, password):
                raise Unauthenticated(ENROLMENT_FAILED)
            password_hash = account.password_hash
        else:
            password_hash = await asyncio.to_thread(hash_password, password)
        secret = totp.new_secret()
        await queries.complete_enrolment(
            conn, account.id, password_hash=password_hash, totp_secret=seal(secret, account.id)
        )
        await record(
            conn,
            ctx.actor.with_user(account.id, account.organisation_id),
            AuditEntry(action="ENROLMENT_COMPLETED", subject_user_id=account.id),
        )
    return Enrolment(totp_secret=secret, provisioning_uri=totp.provisioning_uri(secret, cleaned))
