"""Signing in with email, password and a TOTP code; signing out.

Every failure answers with the same words, whether the email exists, the password or
code is wrong, or the account is locked, so the answer cannot be used to find accounts.
Five failures lock the account for 15 minutes. Each attempt is audited.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.audit.writer import AuditEntry, record
from backend.auth import totp
from backend.auth.identify import ABSOLUTE_LIFETIME
from backend.auth.passwords import dummy_hash, verify_password
from backend.auth.sealed import SealError, unseal
from backend.auth.tokens import new_token, token_hash
from backend.db.queries import accounts
from backend.errors import BadInput, RateLimited, Unauthenticated
from backend.web.context import RequestContext

log = logging.getLogger("contactpoint.sign_in")

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
FAILED = (
    "The email address, password or security code is not right, or the account is locked"
    " for 15 minutes after repeated failures. Check them and try again, or ask your"
    " organisation's ContactPoint team."
)


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    expires_at: datetime


def _check_input(email: str, password: str, totp_code: str) -> str:
    email = email.strip().lower()
    if not email or "@" not in email or len(email) > 254:
        raise BadInput("enter your email address, like name@example.org", field="email")
    if not password or len(password) > 1024:
        raise BadInput("enter your password", field="password")
    code = totp_code.replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        raise BadInput(
            "enter the 6-digit security code from your authenticator app", field="totpCode"
        )
    return email


ADDRESS_WINDOW_MINUTES = 10


async def sign_in(ctx: RequestContext, email: str, password: str, totp_code: str) -> NewSession:
    email = _check_input(email, password, totp_code)
    code = totp_code.replace(" ", "")
    now = datetime.now(UTC)
    actor = ctx.actor
    if ctx.client_address is not None:
        async with ctx.engine.connect() as conn:
            failures = await accounts.recent_failed_sign_ins(
                conn, ctx.client_address, ADDRESS_WINDOW_MINUTES
            )
        if failures >= ctx.settings.sign_in_failures_per_address:
            raise RateLimited(
                "too many failed sign-ins from your network: wait 10 minutes, then try again"
            )
    async with ctx.engine.begin() as conn:
        account = await accounts.account_for_sign_in(conn, email)
        if account is None or account.password_hash is None:
            # Same work as a real check, so timing does not reveal unknown emails.
            await asyncio.to_thread(verify_password, dummy_hash(), password)
            await record(
                conn,
                actor,
                AuditEntry(
                    action="SIGN_IN", outcome="FAILED", detail={"email": email, "why": "unknown"}
                ),
            )
            failed = Unauthenticated(FAILED)
        elif account.locked_until is not None and account.locked_until > now:
            await record(
                conn,
                actor,
                AuditEntry(
                    action="SIGN_IN",
                    outcome="LOCKED",
                    subject_user_id=account.id,
                    detail={"email": email},
                ),
            )
            failed = Unauthenticated(FAILED)
        else:
            password_ok = await asyncio.to_thread(verify_password, account.password_hash, password)
            step = _matching_step(account.id, account.totp_secret, code)
            replayed = (
                step is not None
                and account.totp_last_step is not None
                and (step <= account.totp_last_step)
            )
            if password_ok and step is not None and not replayed:
                await accounts.record_successful_sign_in(conn, account.id, totp_step=step)
                session = NewSession(token=new_token(), expires_at=now + ABSOLUTE_LIFETIME)
                await accounts.create_session(
                    conn,
                    token_hash=token_hash(session.token),
                    user_id=account.id,
                    expires_at=session.expires_at,
                    client_address=ctx.client_address,
                )
                await record(
                    conn,
                    actor.with_user(account.id, account.organisation_id),
                    AuditEntry(action="SIGN_IN", subject_user_id=account.id),
                )
                return session
            failures = account.failed_sign_ins + 1
            locked = now + LOCKOUT if failures >= MAX_FAILURES else None
            await accounts.record_failed_sign_in(
                conn, account.id, failures=0 if locked else failures, locked_until=locked
            )
            why = "password" if not password_ok else ("replayed code" if replayed else "code")
            await record(
                conn,
                actor,
                AuditEntry(
                    action="SIGN_IN",
                    outcome="LOCKED" if locked else "FAILED",
                    subject_user_id=account.id,
                    detail={"email": email, "why": why},
                ),
            )
            failed = Unauthenticated(FAILED)
    # Raised after the transaction commits, so the failure count and its audit are kept.
    raise failed


async def sign_out(ctx: RequestContext, session_token: str | None) -> None:
    if not session_token:
        return
    async with ctx.engine.begin() as conn:
        await accounts.delete_session(conn, token_hash(session_token))
        if ctx.caller is not None:
            await record(
                conn, ctx.actor, AuditEntry(action="SIGN_OUT", subject_user_id=ctx.caller.user_id)
            )


def _matching_step(user_id: Any, stored: str | None, code: str) -> int | None:
    """The code's time step if it is right for the account's sealed secret."""
    if stored is None:
        return None
    try:
        secret = unseal(stored, user_id)
    except SealError:
        # Every sign-in fails alike if the key is wrong: say so to the operator only.
        log.error(
            "a TOTP secret did not open: is CONTACTPOINT_SECRET_KEY the one it was sealed with?"
        )
        return None
    return totp.matching_step(secret, code)
