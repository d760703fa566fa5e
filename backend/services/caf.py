"""Recording that a Common Assessment Framework assessment was started, completed or closed.

ContactPoint holds only that a CAF exists, its dates and who holds it, never its content.
A new CAF is held by the recording practitioner's organisation; once one exists, only its
holder or the management team of the child's responsible authority may change it. On a
shielded child, CAF is withheld from everyone but that team, so only they may record it.
"""

from datetime import date

from backend.audit.writer import AuditEntry, record
from backend.db.queries import accounts, involvements
from backend.db.queries.involvements import CafChange, CafRow
from backend.db.records import CafRecord
from backend.db.tables.vocabulary import CAF_STATUSES
from backend.domain.ids import contact_point_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.policy.caller import Role
from backend.services.involvements import EARLIEST, child_to_change, require_practitioner
from backend.web.context import RequestContext


async def record_caf_status(ctx: RequestContext, child_id: str, status: str, on: date) -> CafRecord:
    caller = ctx.require_caller()
    user_id = require_practitioner(caller)
    cp_id = contact_point_id(child_id)
    if status not in CAF_STATUSES:
        raise BadInput(f"status must be one of {', '.join(CAF_STATUSES)}", field="status")
    if on > date.today():
        raise BadInput("date cannot be in the future", field="date")
    if on < EARLIEST:
        raise BadInput(f"date must be after {EARLIEST.isoformat()}", field="date")
    async with ctx.engine.begin() as conn:
        child = await child_to_change(conn, caller, cp_id)
        full_access = caller.has(Role.ADMINISTRATOR) or caller.manages(
            child.responsible_authority_id
        )
        if child.shielded and not full_access:
            raise Forbidden(
                "this child is shielded: contact the management team of the responsible"
                " authority about an assessment",
                field="childId",
            )
        current = await involvements.current_caf(conn, child.id)
        change = _change(current, status, on)
        holds = current is not None and current.holder_organisation_id == caller.organisation_id
        starts_anew = status == "STARTED" and current is not None and current.status != "STARTED"
        if current is not None and not full_access and not holds and not starts_anew:
            raise Forbidden(
                "only the organisation holding the CAF, or the management team of the"
                " child's responsible authority, can change it",
                field="childId",
            )
        me = await accounts.profile(conn, user_id)
        holder: tuple[int, str, str | None, str | None]
        if current is None or status == "STARTED":
            # A new assessment: whoever records its start holds it.
            holder = (caller.organisation_id, me.name, me.phone, me.email)
        else:
            holder = (
                current.holder_organisation_id,
                current.holder_name,
                current.holder_phone,
                current.holder_email,
            )
        await involvements.save_caf(
            conn,
            CafChange(
                child_id=child.id,
                status=status,
                started_on=change[0],
                completed_on=change[1],
                closed_on=change[2],
                holder_organisation_id=holder[0],
                holder_name=holder[1],
                holder_phone=holder[2],
                holder_email=holder[3],
                recorded_by=user_id,
            ),
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(action="CAF_RECORDED", subject_child_id=child.id, detail={"status": status}),
        )
        # Read back in the same transaction: what was saved is what is answered.
        saved = await involvements.fetch_caf(conn, child.id)
    if saved is None:
        raise NotFound("the CAF was not recorded", field="childId")
    return saved


def _change(current: CafRow | None, status: str, on: date) -> tuple[date, date | None, date | None]:
    """(started on, completed on, closed on) after recording `status` on date `on`.

    STARTED begins an assessment (again, once the last one is completed or closed);
    COMPLETED follows STARTED; CLOSED follows either, and keeps a completion if there was
    one. A closed assessment is not reopened: a new one is started instead."""
    if current is None:
        if status != "STARTED":
            raise BadInput(
                "no CAF is recorded for this child: record that one was started first",
                field="status",
            )
        return on, None, None
    if status == "STARTED":
        if current.status == "STARTED":
            raise BadInput("a CAF for this child is already recorded as started", field="status")
        return on, None, None
    if status == current.status:
        raise BadInput(f"the CAF is already recorded as {status.lower()}", field="status")
    if current.status == "CLOSED":
        raise BadInput("this CAF is closed: record a new one as started", field="status")
    latest = current.completed_on or current.started_on
    if on < latest:
        what = "completed" if current.completed_on else "started"
        raise BadInput(
            f"date cannot be before the CAF was {what} ({latest.isoformat()})", field="date"
        )
    if status == "COMPLETED":
        return current.started_on, on, None
    return current.started_on, current.completed_on, on  # CLOSED
