"""Telling the people already involved with a child that another service now is.

Sent in the transaction of the change, so a rolled-back involvement tells no one. For a
shielded child only the management team of its responsible authority is told (SPEC
section 5). What a reader sees of a notification is decided when it is read, by the same
policy as the record: a notification is never a way round shielding or consent.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.auth.identify import identify
from backend.db.listener import NotificationListener
from backend.db.queries import notifications as queries
from backend.db.queries.involvements import LockedChild
from backend.db.queries.notifications import NotificationRow
from backend.db.records import InvolvementRecord
from backend.domain.ids import record_id
from backend.errors import BadInput, Forbidden, NotFound, Unauthenticated
from backend.policy.caller import Caller, Role
from backend.policy.decide import ChildFacts, decide, require_child_access
from backend.policy.fields import Reason
from backend.web.context import RequestContext

NEW_INVOLVEMENT = "INVOLVEMENT_RECORDED"
CONTACT_REQUESTED = "CONTACT_REQUESTED"
CONTACT_REQUEST_ANSWERED = "CONTACT_REQUEST_ANSWERED"
CHILD_MERGED = "CHILD_MERGED"
CHILD_UNMERGED = "CHILD_UNMERGED"
# Sent only to the child's own management team, who see its record in full.
EMERGENCY_ACCESS_GRANTED = "EMERGENCY_ACCESS_GRANTED"
MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class NotificationView:
    """A notification as this reader may see it; withheld parts are None and named."""

    id: uuid.UUID
    kind: str
    child_id: str
    child_name: str
    organisation_name: str | None
    practitioner_name: str | None
    service_type_label: str | None
    message: str
    created_at: datetime
    read_at: datetime | None
    withheld: dict[str, Reason]


async def tell_about_new_involvement(
    conn: AsyncConnection, child: LockedChild, involvement: InvolvementRecord, *, told_by: uuid.UUID
) -> None:
    if child.shielded:
        recipients = await queries.management_team(
            conn, child.responsible_authority_id, except_user=told_by
        )
    else:
        recipients = await queries.involved_practitioners(conn, child.id, except_user=told_by)
    await queries.send(
        conn,
        recipients,
        child_id=child.id,
        kind=NEW_INVOLVEMENT,
        payload={
            "involvementId": str(involvement.id),
            "organisationId": involvement.organisation.id,
            "organisationName": involvement.organisation.name,
            "practitionerName": involvement.practitioner_name,
            "serviceTypeLabel": involvement.service_type_label,
            "sensitive": involvement.sensitive,
        },
    )


def view(caller: Caller, row: NotificationRow) -> NotificationView:
    if row.kind == NEW_INVOLVEMENT:
        return _involvement_view(caller, row)
    if row.kind in (CHILD_MERGED, CHILD_UNMERGED):
        return _merge_view(row)
    if row.kind == EMERGENCY_ACCESS_GRANTED:
        return _emergency_view(caller, row)
    return _contact_request_view(row)


_PURPOSES = {
    "CHILD_AT_IMMEDIATE_RISK": "child at immediate risk",
    "POLICE_REQUEST": "police request",
    "MEDICAL_EMERGENCY": "medical emergency",
    "OTHER": "other",
}


def _emergency_view(caller: Caller, row: NotificationRow) -> NotificationView:
    """The glass was broken on a shielded child: sent only to that child's management
    team (or, if none can be told, the administrators), who see the record in full; it
    says who, which child, the purpose and reason. Read by someone no longer in that team
    (a role removed, the child moved), it says only that it happened: the reason may
    say where the child is."""
    payload = row.payload
    if not (caller.has(Role.ADMINISTRATOR) or caller.manages(row.responsible_authority_id)):
        return NotificationView(
            id=row.id,
            kind=row.kind,
            child_id=row.child_contact_point_id,
            child_name=row.child_name,
            organisation_name=None,
            practitioner_name=None,
            service_type_label=None,
            message=f"Emergency access was used on {row.child_name}'s record, which you no"
            " longer manage.",
            created_at=row.created_at,
            read_at=row.read_at,
            withheld={"organisationName": Reason.ROLE, "practitionerName": Reason.ROLE},
        )
    practitioner = str(payload.get("practitionerName", ""))
    organisation = str(payload.get("organisationName", ""))
    purpose = _PURPOSES.get(str(payload.get("purpose", "")), "other")
    message = (
        f"Emergency access: {practitioner} ({organisation}) opened {row.child_name}'s shielded"
        f" record ({purpose}): {payload.get('reason', '')}. Review it in the shielding"
        " workbench."
    )
    return NotificationView(
        id=row.id,
        kind=row.kind,
        child_id=row.child_contact_point_id,
        child_name=row.child_name,
        organisation_name=organisation,
        practitioner_name=practitioner,
        service_type_label=None,
        message=message,
        created_at=row.created_at,
        read_at=row.read_at,
        withheld={},
    )


def _merge_view(row: NotificationRow) -> NotificationView:
    """Names the two records only: a merge says nothing of either child's details."""
    other = str(row.payload.get("otherChildId", ""))
    if row.kind == CHILD_MERGED:
        message = (
            f"The record {other} was found to be {row.child_name} and merged into"
            f" {row.child_name}'s record: its details and involvements are now there."
        )
    else:
        message = (
            f"A merge was undone: {row.child_name} and the record {other} are separate"
            " records again."
        )
    return NotificationView(
        id=row.id,
        kind=row.kind,
        child_id=row.child_contact_point_id,
        child_name=row.child_name,
        organisation_name=None,
        practitioner_name=None,
        service_type_label=None,
        message=message,
        created_at=row.created_at,
        read_at=row.read_at,
        withheld={},
    )


def _contact_request_view(row: NotificationRow) -> NotificationView:
    """About a request to be put in touch: sent only to the child's management team (who
    see everything) or to the requester (about their own request); no child details."""
    payload = row.payload
    if row.kind == CONTACT_REQUESTED:
        organisation = str(payload.get("organisationName", ""))
        practitioner = str(payload.get("practitionerName", ""))
        message = f"{practitioner} ({organisation}) asks to be put in touch about {row.child_name}."
        organisation_name: str | None = organisation
        practitioner_name: str | None = practitioner
    else:
        organisation_name = practitioner_name = None
        if payload.get("accepted"):
            message = (
                f"Your request about {row.child_name} was accepted: the ContactPoint team will"
                " pass your details on."
            )
        else:
            reason = str(payload.get("note") or "no reason given")
            message = f"Your request about {row.child_name} was declined: {reason}"
    return NotificationView(
        id=row.id,
        kind=row.kind,
        child_id=row.child_contact_point_id,
        child_name=row.child_name,
        organisation_name=organisation_name,
        practitioner_name=practitioner_name,
        service_type_label=None,
        message=message,
        created_at=row.created_at,
        read_at=row.read_at,
        withheld={},
    )


def _involvement_view(caller: Caller, row: NotificationRow) -> NotificationView:
    facts = ChildFacts(
        responsible_authority_id=row.responsible_authority_id,
        shielded=row.shielded,
        archived=False,
    )
    decision = decide(caller, facts)
    payload = row.payload
    withheld: dict[str, Reason] = {}
    involvements_reason = decision.withheld.get("involvements")
    if involvements_reason is not None:
        for name in ("organisationName", "practitionerName", "serviceTypeLabel"):
            withheld[name] = involvements_reason
    elif payload.get("sensitive"):
        reason = decision.service_nature_reason(
            sensitive=True, organisation_id=int(payload.get("organisationId", 0))
        )
        if reason is not None:
            withheld["serviceTypeLabel"] = reason

    def shown(name: str) -> str | None:
        value = payload.get(name)
        return None if name in withheld or value is None else str(value)

    organisation = shown("organisationName")
    service = shown("serviceTypeLabel")
    if organisation is None:
        message = f"Another service is now involved with {row.child_name}."
    elif service is None:
        message = f"{organisation} is now involved with {row.child_name}."
    else:
        message = f"{organisation} ({service}) is now involved with {row.child_name}."
    return NotificationView(
        id=row.id,
        kind=row.kind,
        child_id=row.child_contact_point_id,
        child_name=row.child_name,
        organisation_name=organisation,
        practitioner_name=shown("practitionerName"),
        service_type_label=service,
        message=message,
        created_at=row.created_at,
        read_at=row.read_at,
        withheld=withheld,
    )


def _reader(ctx: RequestContext) -> tuple[Caller, uuid.UUID]:
    caller = ctx.require_caller()
    if caller.user_id is None:
        raise Forbidden("notifications are for signed-in people")
    require_child_access(caller)
    return caller, caller.user_id


async def audit_disclosed(
    conn: AsyncConnection, ctx: RequestContext, shown: list[NotificationView], how: str
) -> None:
    """Notifications name children: reading them is a look at child data, on the record."""
    if shown:
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="NOTIFICATIONS_READ",
                detail={
                    "how": how,
                    "ids": [str(item.id) for item in shown],
                    "childIds": sorted({item.child_id for item in shown}),
                },
            ),
        )


async def inbox(
    ctx: RequestContext,
    *,
    unread_only: bool,
    before: datetime | None,
    first: int,
    before_id: str | None = None,
) -> list[NotificationView]:
    caller, user_id = _reader(ctx)
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    if before is not None:
        try:
            before = before.astimezone(UTC)
        except (OverflowError, ValueError):
            raise BadInput("before is not a usable time", field="before") from None
    last_shown = None
    if before_id is not None:
        if before is None:
            raise BadInput(
                "beforeId goes with before: the time and id of the last one shown",
                field="beforeId",
            )
        last_shown = record_id(before_id, "beforeId", "a notification")
    async with ctx.engine.begin() as conn:
        rows = await queries.inbox(
            conn,
            user_id,
            unread_only=unread_only,
            before=before,
            before_id=last_shown,
            limit=first,
        )
        shown = [view(caller, row) for row in rows]
        await audit_disclosed(conn, ctx, shown, "inbox")
    return shown


async def unread_count(ctx: RequestContext) -> int:
    _caller, user_id = _reader(ctx)
    return await queries.unread_count(await ctx.connection(), user_id)


async def mark_read(ctx: RequestContext, notification_id: str) -> NotificationView:
    """Mark one of the caller's notifications read, and show it as it now stands."""
    caller, user_id = _reader(ctx)
    target = record_id(notification_id, "id", "a notification")
    async with ctx.engine.begin() as conn:
        await queries.mark_read(conn, user_id, target)
        row = await queries.one(conn, user_id, target)
        if row is None:
            raise NotFound("you have no notification with that id", field="id")
        shown = view(caller, row)
        await audit_disclosed(conn, ctx, [shown], "marked read")
    return shown


async def mark_all_read(ctx: RequestContext) -> int:
    """Mark every unread notification of the caller read; how many there were."""
    _caller, user_id = _reader(ctx)
    async with ctx.engine.begin() as conn:
        return len(await queries.mark_read(conn, user_id, None))


# How often a live subscription looks again without an announcement, and how far back it
# looks (a notification's time is its transaction's start, which may precede an earlier
# commit's).
POLL_SECONDS = 15.0
LOOK_BACK = timedelta(minutes=1)


async def _still_allowed(ctx: RequestContext, conn: AsyncConnection) -> Caller:
    """The subscriber as they stand now: signed out, expired or blocked ends the stream."""

    async def connect() -> AsyncConnection:
        return conn

    identity = await identify(connect, cookie=ctx.session_token, authorization=None, touch=False)
    if identity.caller is None:
        raise identity.problem or Unauthenticated("you are signed out: sign in again")
    require_child_access(identity.caller)
    return identity.caller


async def live(
    ctx: RequestContext, listener: NotificationListener
) -> AsyncIterator[NotificationView]:
    """The caller's new notifications as they arrive, each disclosure audited.

    Only what arrives after the subscription starts: the inbox holds the rest. The
    baseline is taken before listening, so nothing committed in between is lost (the
    timer finds it if the announcement came too early)."""
    _caller, user_id = _reader(ctx)
    async with ctx.engine.connect() as conn:
        since = await queries.database_now(conn)
        delivered = {
            row.id: row.created_at
            for row in await queries.arrived_since(conn, user_id, since - LOOK_BACK)
        }
    async with listener.subscribe(user_id) as bell:
        while True:
            await bell.wait(POLL_SECONDS)
            await listener.ensure_listening()
            async with ctx.engine.begin() as conn:
                caller = await _still_allowed(ctx, conn)
                rows = await queries.arrived_since(
                    conn, user_id, since - LOOK_BACK, already=list(delivered)
                )
                shown = [view(caller, row) for row in rows]
                await audit_disclosed(conn, ctx, shown, "live")
            if len(rows) >= queries.LIVE_BATCH:
                bell.ring()  # more are waiting: look again at once
            for row in rows:
                delivered[row.id] = row.created_at
                since = max(since, row.created_at)
            delivered = {key: at for key, at in delivered.items() if at >= since - LOOK_BACK}
            for item in shown:
                yield item
