"""Turning a request's session cookie or bearer token into a `Caller`.

Sessions end after 30 idle minutes or 12 hours, whichever comes first; `last_seen_at` is
refreshed at most once a minute so that reads do not each cost a write.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.auth.tokens import token_hash
from backend.db.queries.callers import api_client, session_user
from backend.db.replicas import Freshness
from backend.errors import Unauthenticated
from backend.policy.caller import Caller, Role
from backend.policy.eligibility import blocked_reasons

SESSION_COOKIE = "cp_session"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
_TOUCH_AFTER = timedelta(minutes=1)

_TOUCH_SESSION = text("UPDATE user_session SET last_seen_at = now() WHERE token_hash = :h")
_TOUCH_CLIENT = text("UPDATE api_client SET last_used_at = now() WHERE id = :id")


@dataclass(frozen=True, slots=True)
class Identity:
    caller: Caller | None
    # Why a presented credential was refused; raised when something needs a caller.
    problem: Unauthenticated | None = None
    email: str | None = None
    name: str | None = None
    # RFC 6750's error for a refused bearer credential, for the WWW-Authenticate header.
    bearer_error: str | None = None
    # What a read replica must have replayed to answer this caller.
    freshness: Freshness | None = None


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def identify(
    connect: Callable[[], Awaitable[AsyncConnection]],
    *,
    cookie: str | None,
    authorization: str | None,
    now: datetime | None = None,
    touch: bool = True,
) -> Identity:
    """Who presented this cookie or token; `connect` gives an autocommit connection.
    With `touch=False` the session's idle clock is left alone: a live subscription
    checking that its session still holds is not the person being active."""
    moment = now or datetime.now(UTC)
    bearer = _bearer(authorization)
    if authorization and bearer is None:
        return Identity(
            None,
            Unauthenticated("send the API token as 'Authorization: Bearer <token>'"),
            bearer_error="invalid_request",
        )
    if bearer is None and not cookie:
        return Identity(None)
    conn = await connect()
    if bearer is not None:
        client = await api_client(conn, token_hash(bearer))
        if client is None:
            return Identity(
                None,
                Unauthenticated("the API token is not valid: it may be revoked"),
                bearer_error="invalid_token",
            )
        if client.last_used_at is None or moment - client.last_used_at > _TOUCH_AFTER:
            await conn.execute(_TOUCH_CLIENT, {"id": client.client_id})
        return Identity(
            Caller(
                organisation_id=client.organisation_id,
                organisation_code=client.organisation_code,
                client_id=client.client_id,
                client_fields=frozenset(client.fields),
            ),
            freshness=Freshness(client.changed_lsn, client.shielding_seq),
        )
    hashed = token_hash(cookie or "")
    user = await session_user(conn, hashed)
    if user is None:
        return Identity(None, Unauthenticated("you are signed out: sign in again"))
    if moment >= user.expires_at or moment - user.last_seen_at > IDLE_TIMEOUT:
        await conn.execute(text("DELETE FROM user_session WHERE token_hash = :h"), {"h": hashed})
        return Identity(None, Unauthenticated("your session has expired: sign in again"))
    if touch and moment - user.last_seen_at > _TOUCH_AFTER:
        await conn.execute(_TOUCH_SESSION, {"h": hashed})
    return Identity(
        Caller(
            organisation_id=user.organisation_id,
            organisation_code=user.organisation_code,
            roles=frozenset(Role(role) for role in user.roles),
            user_id=user.user_id,
            blocked_reasons=blocked_reasons(
                status=user.status,
                trained_on=user.trained_on,
                vetted_until=user.vetted_until,
                today=moment.date(),
            ),
        ),
        email=user.email,
        name=user.name,
        freshness=Freshness(user.changed_lsn, user.shielding_seq),
    )
