"""The management team's shielding workbench: shielded children due for review, and the
queue of practitioners' requests to be put in touch about a shielded child.

A practitioner who finds a shielded child sees only whom to contact; they may ask the
team to pass their details on. The team (MANAGER of the child's responsible authority,
or an administrator) accepts — and passes the details on outside the system — or
declines with a reason. The requester is told either way; every step is audited.
"""

from dataclasses import dataclass
from datetime import date

from backend.audit.writer import AuditEntry, record
from backend.db.queries import contact_requests as queries
from backend.db.queries import notifications as inbox
from backend.db.queries.accounts import profile
from backend.db.queries.contact_requests import ContactRequestRow, ShieldedRow
from backend.db.queries.organisations import organisation_by_id
from backend.db.tables.vocabulary import CONTACT_REQUEST_STATUSES
from backend.domain.contact import text_field
from backend.domain.ids import contact_point_id, record_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.policy.caller import Caller, Role
from backend.policy.reach import require_in_good_standing
from backend.services.involvements import child_to_change, require_practitioner
from backend.services.notifications import CONTACT_REQUEST_ANSWERED, CONTACT_REQUESTED
from backend.web.context import RequestContext

MAX_LIST = 500


@dataclass(frozen=True, slots=True)
class Workbench:
    """Which authority's children a caller works on: None means every authority."""

    caller: Caller
    authority_id: int | None


def workbench(ctx: RequestContext) -> Workbench:
    caller = ctx.require_caller()
    if caller.user_id is None:
        raise Forbidden("only a ContactPoint management team or an administrator can do this")
    if caller.has(Role.ADMINISTRATOR) or caller.has(Role.MANAGER):
        require_in_good_standing(caller)
        return Workbench(caller, None if caller.has(Role.ADMINISTRATOR) else caller.organisation_id)
    raise Forbidden("only a ContactPoint management team or an administrator can do this")


def _first(first: int) -> int:
    if not 1 <= first <= MAX_LIST:
        raise BadInput(f"first must be between 1 and {MAX_LIST}", field="first")
    return first


async def shielded_children(
    ctx: RequestContext,
    review_due_by: date | None,
    *,
    first: int = MAX_LIST,
    after: str | None = None,
) -> list[ShieldedRow]:
    """A page of the list; `after` is the ContactPoint ID of the last child shown."""
    bench = workbench(ctx)
    limit = _first(first)
    start = contact_point_id(after, "after") if after is not None else None
    async with ctx.engine.begin() as conn:
        found = await queries.shielded_children(
            conn, authority_id=bench.authority_id, review_due_by=review_due_by, limit=limit,
            after=start,
        )  # fmt: skip
        if found is None:
            raise BadInput("after must be a child on this list: the last one shown", field="after")
        rows = found
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="SHIELDED_CHILDREN_LISTED",
                detail={"ids": [row.child_id for row in rows]},
            ),
        )
    return rows


async def request_contact(ctx: RequestContext, child_id: str, message: str) -> ContactRequestRow:
    caller = ctx.require_caller()
    user_id = require_practitioner(caller)
    cp_id = contact_point_id(child_id)
    cleaned = text_field(message, "message", limit=2000, required=True, lines=True) or ""
    async with ctx.engine.begin() as conn:
        child = await child_to_change(conn, caller, cp_id)
        if not child.shielded:
            raise BadInput(
                "this child is not shielded: the record shows whom to contact", field="childId"
            )
        if await queries.pending_request_exists(conn, child.id, user_id):
            raise BadInput(
                "you have already asked about this child: the team will answer", field="childId"
            )
        request_id = await queries.insert_request(
            conn, child_id=child.id, requester=user_id, message=cleaned
        )
        me = await profile(conn, user_id)
        organisation = await organisation_by_id(conn, caller.organisation_id)
        team = await inbox.management_team(
            conn, child.responsible_authority_id, except_user=user_id
        )
        await inbox.send(
            conn,
            team,
            child_id=child.id,
            kind=CONTACT_REQUESTED,
            payload={
                "requestId": str(request_id),
                "practitionerName": me.name,
                "organisationName": organisation.name,
            },
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CONTACT_REQUESTED",
                subject_child_id=child.id,
                detail={"requestId": str(request_id)},
            ),
        )
        created = await queries.contact_request(conn, request_id)
    if created is None:
        raise NotFound("the request was not recorded", field="childId")
    return created


async def contact_requests(
    ctx: RequestContext,
    status: str | None,
    *,
    first: int = MAX_LIST,
    after: str | None = None,
) -> list[ContactRequestRow]:
    """A page of the requests; `after` is the id of the last one shown."""
    bench = workbench(ctx)
    if status is not None and status not in CONTACT_REQUEST_STATUSES:
        raise BadInput(
            f"status must be one of {', '.join(CONTACT_REQUEST_STATUSES)}", field="status"
        )
    limit = _first(first)
    start = record_id(after, "after", "a contact request") if after is not None else None
    async with ctx.engine.begin() as conn:
        found = await queries.contact_requests(
            conn, authority_id=bench.authority_id, status=status, limit=limit, after=start
        )
        if found is None:
            raise BadInput(
                "after must be a request on this list: the last one shown", field="after"
            )
        rows = found
        # They name shielded children and the people asking about them.
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CONTACT_REQUESTS_LISTED",
                detail={"requestIds": [str(row.id) for row in rows]},
            ),
        )
    return rows


async def answer_contact_request(
    ctx: RequestContext, request_id: str, *, accept: bool, note: str | None
) -> ContactRequestRow:
    bench = workbench(ctx)
    target = record_id(request_id, "id", "a contact request")
    cleaned = text_field(note, "reason" if not accept else "note", limit=2000, lines=True)
    if not accept and cleaned is None:
        raise BadInput("say why the request is declined", field="reason")
    decided_by = bench.caller.user_id
    if decided_by is None:
        raise Forbidden("only a signed-in person can answer a request")
    async with ctx.engine.begin() as conn:
        found = await queries.contact_request(conn, target, lock=True)
        if found is None or (
            bench.authority_id is not None and found.responsible_authority_id != bench.authority_id
        ):
            raise NotFound("no request you can answer has that id", field="id")
        if found.status != "PENDING":
            raise BadInput(f"this request was already {found.status.lower()}", field="id")
        status = "ACCEPTED" if accept else "DECLINED"
        await queries.decide(conn, target, status=status, by=decided_by, note=cleaned)
        await inbox.send(
            conn,
            [found.requester_user_id],
            child_id=found.child_internal_id,
            kind=CONTACT_REQUEST_ANSWERED,
            payload={"requestId": str(target), "accepted": accept, "note": cleaned},
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CONTACT_REQUEST_ACCEPTED" if accept else "CONTACT_REQUEST_DECLINED",
                subject_child_id=found.child_internal_id,
                detail={"requestId": str(target)},
            ),
        )
        answered = await queries.contact_request(conn, target)
    if answered is None:
        raise NotFound("no request you can answer has that id", field="id")
    return answered
