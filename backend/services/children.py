"""Opening a child's record: the one gate every read of a child goes through.

Order matters: permission first (so a hidden record and a missing one answer alike),
then the read, the decision, and the audit event; the data leaves only after the event
is written ("no audit, no data").
"""

from collections.abc import Sequence

from backend.audit.writer import AuditEntry, record
from backend.db.queries.child_view import fetch_child
from backend.db.queries.merges import merged_into
from backend.domain.identifiers import normalise_contact_point_id
from backend.errors import BadInput, NotFound
from backend.policy.decide import ChildFacts, decide, may_see_archived, require_child_access
from backend.schema.children import Child
from backend.web.context import RequestContext


async def view_child(ctx: RequestContext, child_id: str, requested: Sequence[str]) -> Child:
    caller = ctx.require_caller()
    require_child_access(caller)
    cp_id = normalise_contact_point_id(child_id)
    if cp_id is None:
        raise BadInput(
            "id must be a ContactPoint ID: 12 digits, as printed on the record", field="id"
        )
    # The request's one autocommit connection: each statement commits by itself, and the
    # audit event is committed before the data leaves (see RequestContext.connection).
    conn = await ctx.connection()
    found = await ctx.read(lambda replica: fetch_child(replica, cp_id, caller.user_id))
    if found is not None and found.status == "MERGED":
        keep = await merged_into(conn, cp_id)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CHILD_VIEW",
                outcome="NOT_FOUND",
                detail={"id": cp_id, "mergedInto": keep},
            ),
        )
        raise NotFound(
            f"this record was merged into ContactPoint ID {keep}: open that one", field="id"
        )
    facts = (
        ChildFacts(
            responsible_authority_id=found.responsible_authority.id,
            shielded=found.shielded,
            archived=found.status == "ARCHIVED",
            emergency_grant=found.emergency.grant_id if found.emergency else None,
        )
        if found
        else None
    )
    if found is None or facts is None or (facts.archived and not may_see_archived(caller, facts)):
        await record(
            conn,
            ctx.actor,
            AuditEntry(action="CHILD_VIEW", outcome="NOT_FOUND", detail={"id": cp_id}),
        )
        raise NotFound("no child has that ContactPoint ID", field="id")
    decision = decide(caller, facts)
    detail = {
        "fields": sorted(f for f in set(requested) if decision.discloses(f)),
        "withheld": sorted(decision.withheld),
        "shielded": found.shielded,
    }
    if decision.emergency_grant is not None:
        detail["grantId"] = decision.emergency_grant
    await record(
        conn,
        ctx.actor,
        AuditEntry(
            # A look through an emergency grant is its own action: the team's review and
            # the misuse reports find every one of them (SPEC section 6).
            action="CHILD_VIEW_EMERGENCY" if decision.emergency_grant else "CHILD_VIEW",
            subject_child_id=found.id,
            detail=detail,
        ),
    )
    return Child.from_record(found, decision)
