"""Breaking the glass on a shielded record, and the management team's review of it.

`request_emergency_access` opens one shielded child's withheld fields to one emergency
duty worker of the child's own authority for `emergency_access_minutes`: a fresh second-
factor code (no replay), a purpose and a reason are required. The team is told at once
(inbox and live), and every grant waits for its review. Every refusal is audited too, and
a refusal never shows any data. The rules are in backend/policy/emergency.py.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.auth import totp
from backend.auth.sealed import SealError, unseal
from backend.db.queries import emergency_access as queries
from backend.db.queries import notifications as inbox
from backend.db.queries.accounts import profile
from backend.db.queries.emergency_access import ChildForEmergency, GrantRow
from backend.db.queries.organisations import organisation_by_id
from backend.db.tables.vocabulary import EMERGENCY_OUTCOMES, EMERGENCY_PURPOSES
from backend.domain.contact import text_field
from backend.domain.ids import contact_point_id, record_id
from backend.errors import BadInput, ContactPointError, Forbidden, NotFound
from backend.policy.caller import Caller, Role
from backend.policy.emergency import (
    GRANTS_PER_DAY,
    REASON_AT_LEAST,
    REVIEW_WORKING_DAYS,
    require_may_break_glass,
    review_due,
)
from backend.policy.fields import Reason
from backend.policy.reach import audits_everything, require_audit_reader
from backend.services.audit_review import report_range
from backend.services.notifications import EMERGENCY_ACCESS_GRANTED
from backend.services.shielding_workbench import workbench
from backend.web.context import RequestContext

MAX_LIST = 200
# Wrong codes in a row before the second factor is locked, as at sign-in.
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class GrantView:
    """A grant as this reader may see it: withheld parts are None and named."""

    row: GrantRow
    overdue: bool
    withheld: dict[str, Reason]


@dataclass(slots=True)
class _Attempt:
    """What a refusal's audit event can say: filled in as the checks go."""

    child_id: str | None = None
    child: ChildForEmergency | None = None


def _view(row: GrantRow, *, now: datetime, hides_child: bool = False) -> GrantView:
    overdue = row.reviewed_at is None and review_due(row.granted_at) < now
    withheld = (
        {"childId": Reason.ROLE, "childName": Reason.ROLE, "reason": Reason.ROLE}
        if hides_child
        else {}
    )
    return GrantView(row=row, overdue=overdue, withheld=withheld)


def _checked_reason(reason: str) -> str:
    cleaned = text_field(reason, "reason", limit=2000, required=True, lines=True) or ""
    if len(cleaned) < REASON_AT_LEAST:
        raise BadInput(
            f"say why in at least {REASON_AT_LEAST} characters: the team reviews every"
            " emergency access",
            field="reason",
        )
    return cleaned


def _storable(text: str) -> str:
    """What was typed, as the audit can keep it (no NUL, no lone surrogate)."""
    return text[:2000].replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _step(user_id: uuid.UUID, sealed: str | None, code: str) -> int | None:
    if sealed is None:
        return None
    try:
        return totp.matching_step(unseal(sealed, user_id), code)
    except SealError:
        return None


async def request_emergency_access(
    ctx: RequestContext, child_id: str, purpose: str, reason: str, totp_code: str
) -> GrantView:
    caller = ctx.require_caller()
    attempt = _Attempt()
    try:
        return await _break_glass(ctx, caller, attempt, child_id, purpose, reason, totp_code)
    except ContactPointError as refusal:
        await _audit_refusal(ctx, attempt, purpose, reason, refusal)
        raise


async def _audit_refusal(
    ctx: RequestContext, attempt: _Attempt, purpose: str, reason: str, refusal: ContactPointError
) -> None:
    """Its own transaction: the request's was rolled back (a wrong code's count is kept
    there before it raises)."""
    async with ctx.engine.begin() as conn:
        child = attempt.child
        if child is None and attempt.child_id is not None:
            # Refused before the lookup (a bad reason or code): the event still names
            # the child, so that only those who may see it read the detail.
            child = await queries.child_for_emergency(conn, attempt.child_id)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="EMERGENCY_ACCESS_REFUSED",
                outcome=refusal.code,
                subject_child_id=child.id if child else None,
                detail={
                    "id": attempt.child_id if child else None,
                    "purpose": purpose if purpose in EMERGENCY_PURPOSES else None,
                    "reason": _storable(reason),
                    "why": refusal.message,
                    "field": refusal.field,
                },
            ),
        )


async def _break_glass(
    ctx: RequestContext,
    caller: Caller,
    attempt: _Attempt,
    child_id: str,
    purpose: str,
    reason: str,
    totp_code: str,
) -> GrantView:
    require_may_break_glass(caller)
    user_id = caller.user_id
    if user_id is None:  # require_may_break_glass refuses partners; this is for the types
        raise Forbidden("only a signed-in person can use emergency access")
    cp_id = contact_point_id(child_id)
    attempt.child_id = cp_id
    if purpose not in EMERGENCY_PURPOSES:
        raise BadInput(f"purpose must be one of {', '.join(EMERGENCY_PURPOSES)}", field="purpose")
    cleaned = _checked_reason(reason)
    code = totp_code.replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        raise BadInput(
            "enter a new 6-digit security code from your authenticator app", field="totpCode"
        )
    wrong_code: BadInput | None = None
    async with ctx.engine.begin() as conn:
        child = await queries.child_for_emergency(conn, cp_id)
        if child is None or child.status != "ACTIVE":
            raise NotFound("no child has that ContactPoint ID", field="childId")
        attempt.child = child
        if child.responsible_authority_id != caller.organisation_id:
            team = await organisation_by_id(conn, child.responsible_authority_id)
            raise Forbidden(
                "only the emergency duty team of the child's own authority can break the"
                f" glass: call {team.name}"
                + (
                    f" out of hours on {team.team_out_of_hours_phone}"
                    if team.team_out_of_hours_phone
                    else ""
                ),
                field="childId",
            )
        if not child.shielded:
            raise BadInput(
                "this child is not shielded: nothing is withheld, open the record", field="childId"
            )
        # The person's row first: two requests at once are decided one after the other,
        # each seeing the other's grant (a code of the previous step and one of this
        # step are both good for a few seconds).
        account = await queries.step_up_account(conn, user_id)
        until = await queries.open_grant(conn, user_id, child.id)
        if until is not None:
            raise BadInput(
                "you already have emergency access to this record until"
                f" {until.astimezone(UTC):%H:%M} UTC: a grant cannot be extended, ask again"
                " when it ends",
                field="childId",
            )
        if await queries.locked_out(conn, user_id, GRANTS_PER_DAY):
            raise Forbidden(
                f"you have used emergency access {GRANTS_PER_DAY} times within 24 hours: it is"
                " locked for you until your ContactPoint team has reviewed those grants"
            )
        now = datetime.now(UTC)
        step = None
        if account.locked_until is None or account.locked_until <= now:
            step = _step(user_id, account.totp_secret, code)
        replayed = (
            step is not None
            and account.totp_last_step is not None
            and (step <= account.totp_last_step)
        )
        if step is None or replayed:
            failures = account.failed_sign_ins + 1
            locked = now + LOCKOUT if failures >= MAX_FAILURES else None
            await conn.execute(
                queries.FAILED_STEP_UP,
                {"failures": 0 if locked else failures, "locked": locked, "id": user_id},
            )
            wrong_code = BadInput(
                "that security code has been used already: wait for the next one"
                if replayed
                else "the security code is not right (or too many were wrong: wait 15"
                " minutes): enter the new one from your authenticator app",
                field="totpCode",
            )
        else:
            await queries.accept_step(conn, user_id, step)
            grant_id = await queries.insert_grant(
                conn,
                child=child,
                user_id=user_id,
                purpose=purpose,
                reason=cleaned,
                minutes=ctx.settings.emergency_access_minutes,
            )
            created = await queries.grant(conn, grant_id)
            if created is None:
                raise NotFound("the grant was not recorded", field="childId")
            await _tell_team(conn, user_id, created)
            await record(
                conn,
                ctx.actor,
                AuditEntry(
                    action="EMERGENCY_ACCESS_GRANTED",
                    subject_child_id=child.id,
                    detail={
                        "grantId": str(grant_id),
                        "purpose": purpose,
                        "reason": cleaned,
                        "expiresAt": created.expires_at.isoformat(),
                    },
                ),
            )
            return _view(created, now=now)
    # Raised after the transaction commits, so the failure's count is kept.
    raise wrong_code or BadInput("the security code is not right", field="totpCode")


async def _tell_team(conn: AsyncConnection, user_id: uuid.UUID, created: GrantRow) -> None:
    """The responsible management team, at once: who, which child, purpose and reason."""
    me = await profile(conn, user_id)
    team = await inbox.management_team(conn, created.authority_id, except_user=user_id)
    if not team:
        # Nobody in the team can be told (none active, trained and vetted): the national
        # administrators are, so no grant goes unseen.
        team = await queries.administrators(conn, except_user=user_id)
    await inbox.send(
        conn,
        team,
        child_id=created.child_internal_id,
        kind=EMERGENCY_ACCESS_GRANTED,
        payload={
            "grantId": str(created.id),
            "practitionerName": me.name,
            "organisationName": created.holder_organisation,
            "purpose": created.purpose,
            "reason": created.reason,
            "expiresAt": created.expires_at.isoformat(),
        },
    )


def _first(first: int) -> int:
    if not 1 <= first <= MAX_LIST:
        raise BadInput(f"first must be between 1 and {MAX_LIST}", field="first")
    return first


async def emergency_grants(
    ctx: RequestContext, *, reviewed: bool | None, first: int = 50
) -> list[GrantView]:
    """The shielding workbench's list: the team's own authority (administrators: all)."""
    bench = workbench(ctx)
    limit = _first(first)
    async with ctx.engine.begin() as conn:
        rows = await queries.grants(
            conn, authority_id=bench.authority_id, reviewed=reviewed, limit=limit
        )
        # They name shielded children and the reasons given for opening them.
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="EMERGENCY_ACCESS_LISTED",
                detail={"reviewIds": [str(row.id) for row in rows]},
            ),
        )
    now = datetime.now(UTC)
    return [_view(row, now=now) for row in rows]


async def review_emergency_access(
    ctx: RequestContext, grant_id: str, outcome: str, note: str | None
) -> GrantView:
    bench = workbench(ctx)
    target = record_id(grant_id, "id", "an emergency access grant")
    if outcome not in EMERGENCY_OUTCOMES:
        raise BadInput(f"outcome must be one of {', '.join(EMERGENCY_OUTCOMES)}", field="outcome")
    cleaned = text_field(note, "note", limit=2000, lines=True)
    if outcome == "NOT_JUSTIFIED" and cleaned is None:
        raise BadInput("say why the access was not justified", field="note")
    reviewer = bench.caller.user_id
    if reviewer is None:
        raise Forbidden("only a signed-in person can review emergency access")
    async with ctx.engine.begin() as conn:
        found = await queries.grant(conn, target, lock=True)
        if found is None or (
            bench.authority_id is not None and found.authority_id != bench.authority_id
        ):
            raise NotFound("no emergency access you can review has that id", field="id")
        if found.user_id == reviewer:
            raise Forbidden(
                "you cannot review your own emergency access: ask a colleague", field="id"
            )
        if found.reviewed_at is not None:
            raise BadInput(
                f"this emergency access was already reviewed by {found.reviewed_by_name}",
                field="id",
            )
        await queries.review(conn, target, by=reviewer, outcome=outcome, note=cleaned)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="EMERGENCY_ACCESS_REVIEWED",
                outcome="OK",
                subject_child_id=found.child_internal_id,
                subject_user_id=found.user_id,
                detail={"grantId": str(target), "finding": outcome, "note": cleaned},
            ),
        )
        reviewed = await queries.grant(conn, target)
    if reviewed is None:
        raise NotFound("no emergency access you can review has that id", field="id")
    return _view(reviewed, now=datetime.now(UTC))


async def emergency_report(
    ctx: RequestContext, since: datetime | None, until: datetime | None
) -> list[GrantView]:
    """Misuse findings: grants reviewed as not justified in the period, and grants left
    unreviewed past 3 working days. A team sees its own authority's; auditors see every
    authority's without the child or the reason (they see no child data)."""
    caller = ctx.require_caller()
    require_audit_reader(caller)
    now = datetime.now(UTC)
    start, end = report_range(since, until)
    everything = audits_everything(caller)
    authority_id = None if everything else caller.organisation_id
    hides_child = not caller.has(Role.ADMINISTRATOR) and everything
    async with ctx.engine.begin() as conn:
        rows = await queries.report_grants(
            conn,
            authority_id=authority_id,
            since=start,
            until=end,
            # 3 working days are at least 3 days: the rest is decided row by row.
            unreviewed_before=now - timedelta(days=REVIEW_WORKING_DAYS),
            limit=MAX_LIST,
        )
        shown = [
            view
            for row in rows
            if (view := _view(row, now=now, hides_child=hides_child)).overdue
            or row.outcome == "NOT_JUSTIFIED"
        ]
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="AUDIT_REPORTED",
                detail={
                    "report": "EMERGENCY_ACCESS",
                    "since": start.isoformat(),
                    "until": end.isoformat(),
                },
            ),
        )
    return shown
