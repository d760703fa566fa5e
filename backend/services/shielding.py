"""Shielding and unshielding a child: only the management team of the child's responsible
authority, or an administrator, may do it; each change records who, when, why and a
review date, and is audited in the same transaction.
"""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries import shielding as queries
from backend.db.tables.vocabulary import SHIELDING_REASONS
from backend.domain.ids import contact_point_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.policy.caller import Caller, Role
from backend.web.context import RequestContext


def _may_shield(caller: Caller, responsible_authority_id: int) -> bool:
    return caller.has(Role.ADMINISTRATOR) or caller.manages(responsible_authority_id)


def _require_manager(caller: Caller) -> None:
    # Permission before existence: a caller who could never shield learns nothing of ids.
    if caller.is_client or not (caller.has(Role.MANAGER) or caller.has(Role.ADMINISTRATOR)):
        raise Forbidden("only a ContactPoint management team or an administrator can do this")
    if caller.blocked_reasons:
        raise Forbidden(
            "you cannot change child records until this is resolved: "
            + "; ".join(caller.blocked_reasons)
        )


async def _child_to_change(conn: AsyncConnection, caller: Caller, cp_id: str, verb: str) -> int:
    """The child's internal id, locked, if this caller may shield or unshield it."""
    found = await queries.child_for_change(conn, cp_id)
    if found is None:
        raise NotFound("no child has that ContactPoint ID", field="childId")
    internal_id, authority_id = found
    if not _may_shield(caller, authority_id):
        raise Forbidden(
            f"only the management team of the child's responsible authority can {verb} this child",
            field="childId",
        )
    return internal_id


async def shield_child(
    ctx: RequestContext, child_id: str, reason: str, note: str | None, review_date: date
) -> str:
    caller = ctx.require_caller()
    _require_manager(caller)
    cp_id = contact_point_id(child_id)
    if reason not in SHIELDING_REASONS:
        raise BadInput(f"reason must be one of {', '.join(SHIELDING_REASONS)}", field="reason")
    note = (note or "").strip() or None
    if reason == "OTHER" and note is None:
        raise BadInput("say why in the note when the reason is OTHER", field="note")
    if note is not None and len(note) > 2000:
        raise BadInput("note must be at most 2000 characters", field="note")
    if review_date <= date.today():
        raise BadInput("reviewDate must be in the future", field="reviewDate")
    async with ctx.engine.begin() as conn:
        internal_id = await _child_to_change(conn, caller, cp_id, "shield")
        if await queries.active_shielding(conn, internal_id) is not None:
            raise BadInput("this child is already shielded", field="childId")
        await queries.insert_shielding(
            conn,
            child_id=internal_id,
            reason=reason,
            note=note,
            review_date=review_date,
            by=caller.user_id,
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CHILD_SHIELDED",
                subject_child_id=internal_id,
                detail={"reason": reason, "reviewDate": review_date.isoformat()},
            ),
        )
    return cp_id


async def unshield_child(ctx: RequestContext, child_id: str, note: str) -> str:
    caller = ctx.require_caller()
    _require_manager(caller)
    cp_id = contact_point_id(child_id)
    note = note.strip()
    if not note:
        raise BadInput("say why the child no longer needs shielding", field="note")
    if len(note) > 2000:
        raise BadInput("note must be at most 2000 characters", field="note")
    if caller.user_id is None:
        raise Forbidden("only a signed-in person can unshield a child")
    async with ctx.engine.begin() as conn:
        internal_id = await _child_to_change(conn, caller, cp_id, "unshield")
        active = await queries.active_shielding(conn, internal_id)
        if active is None:
            raise BadInput("this child is not shielded", field="childId")
        await queries.end_shielding(conn, active, by=caller.user_id, note=note)
        await record(
            conn, ctx.actor, AuditEntry(action="CHILD_UNSHIELDED", subject_child_id=internal_id)
        )
    return cp_id
