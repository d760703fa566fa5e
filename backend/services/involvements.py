"""Recording, changing and ending involvements, and the lead professional (SPEC section 5).

Who may change an involvement: its own organisation's people, the management team of
the child's responsible authority, and administrators. On a shielded child everyone but
that team sees no one else's involvement, so a practitioner there may change only the
ones they recorded themselves, and any other id is "not found" to them.

Every mutation is one transaction that starts by locking the child's row: rules that
span involvements (one lead, no duplicate) are checked and written without a race, and
the audit event and the notifications commit with the change or not at all.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries import accounts, involvements
from backend.db.queries.involvements import InvolvementRow, LockedChild
from backend.db.records import InvolvementRecord
from backend.db.tables.vocabulary import CONSENT_GIVERS
from backend.domain.changes import KEEP, Keep
from backend.domain.contact import email_address, phone_number, text_field
from backend.domain.ids import contact_point_id, record_id
from backend.errors import BadInput, ContactPointError, Forbidden, NotFound
from backend.policy.caller import Caller, Role
from backend.policy.decide import ChildFacts, Decision, decide, require_child_access
from backend.services.notifications import tell_about_new_involvement
from backend.web.context import RequestContext


@dataclass(frozen=True, slots=True)
class Consent:
    given_by: str  # YOUNG_PERSON or PARENT_OR_CARER
    given_on: date


@dataclass(frozen=True, slots=True)
class InvolvementInput:
    service_type: str
    practitioner_name: str | None = None
    practitioner_role: str | None = None
    phone: str | None = None
    email: str | None = None
    start_date: date | None = None
    consent: Consent | None = None


@dataclass(frozen=True, slots=True)
class InvolvementEdit:
    """KEEP leaves a detail as it is; None (or a blank) clears it."""

    practitioner_name: str | Keep | None = KEEP
    practitioner_role: str | Keep | None = KEEP
    phone: str | Keep | None = KEEP
    email: str | Keep | None = KEEP
    start_date: date | Keep | None = KEEP


@dataclass(frozen=True, slots=True)
class ChangedInvolvement:
    """An involvement after a change, with the caller's decision for its child."""

    involvement: InvolvementRecord
    decision: Decision


def require_practitioner(caller: Caller) -> uuid.UUID:
    """A signed-in practitioner or management team member who may work with child records
    (never a partner system, an auditor, or the national administrators as such)."""
    if caller.user_id is None or not (caller.has(Role.PRACTITIONER) or caller.has(Role.MANAGER)):
        raise Forbidden("only a practitioner or a management team can do this")
    require_child_access(caller)
    return caller.user_id


# No child in the directory was born before this (a CHECK on child says so): an earlier
# date is a typing slip, and year 1 would not even survive the driver's round trip.
EARLIEST = date(1990, 1, 1)


def _not_in_future(value: date, field: str) -> date:
    if value > date.today():
        raise BadInput(f"{field} cannot be in the future", field=field)
    if value < EARLIEST:
        raise BadInput(f"{field} must be after {EARLIEST.isoformat()}", field=field)
    return value


def _full_access(caller: Caller, child: LockedChild) -> bool:
    return caller.has(Role.ADMINISTRATOR) or caller.manages(child.responsible_authority_id)


async def child_to_change(conn: AsyncConnection, caller: Caller, cp_id: str) -> LockedChild:
    child = await involvements.lock_child(conn, cp_id)
    if child is None or (child.status != "ACTIVE" and not _full_access(caller, child)):
        # An archived record is "not found" to those who may not see it, as in the view.
        raise NotFound("no child has that ContactPoint ID", field="childId")
    if child.status != "ACTIVE":
        raise BadInput("this child's record is archived: it cannot be changed", field="childId")
    return child


async def _involvement_to_change(
    ctx: RequestContext,
    conn: AsyncConnection,
    caller: Caller,
    involvement_id: uuid.UUID,
    field: str,
) -> tuple[LockedChild, InvolvementRow]:
    found = await involvements.involvement_for_change(conn, involvement_id)
    if found is None:
        raise NotFound("no involvement has that id", field=field)
    child = await involvements.lock_child_by_id(conn, found.child_id)
    # Read again under the child's lock: another change may have committed meanwhile.
    row = await involvements.involvement_for_change(conn, involvement_id)
    if child is None or row is None:
        raise NotFound("no involvement has that id", field=field)
    refusal = _refusal(caller, child, row, field)
    if refusal is not None:
        await _audit_refusal(ctx, child, involvement_id, refusal)
        raise refusal
    return child, row


def _refusal(
    caller: Caller, child: LockedChild, row: InvolvementRow, field: str
) -> ContactPointError | None:
    """Why this caller may not change this involvement, if they may not."""
    if child.status != "ACTIVE":
        if not _full_access(caller, child):
            # As the record view answers: an archived record is not there for them.
            return NotFound("no involvement has that id", field=field)
        return BadInput("this child's record is archived: it cannot be changed", field=field)
    if _full_access(caller, child):
        return None
    if child.shielded:
        if row.practitioner_user_id != caller.user_id:
            return NotFound("no involvement has that id", field=field)
        return None
    if row.organisation_id != caller.organisation_id:
        return Forbidden(
            "only its own organisation or the management team of the child's responsible"
            " authority can change this involvement",
            field=field,
        )
    return None


async def _audit_refusal(
    ctx: RequestContext, child: LockedChild, involvement_id: uuid.UUID, refusal: ContactPointError
) -> None:
    """Trying to change someone else's involvement is a signal for the audit (probing a
    shielded child, say): recorded on its own, as the change itself is rolled back."""
    async with ctx.engine.begin() as conn:
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="INVOLVEMENT_CHANGE",
                outcome=refusal.code,
                subject_child_id=child.id,
                detail={"involvementId": str(involvement_id)},
            ),
        )


def _facts(child: LockedChild) -> ChildFacts:
    return ChildFacts(
        responsible_authority_id=child.responsible_authority_id,
        shielded=child.shielded,
        archived=child.status != "ACTIVE",
    )


async def _changed(
    conn: AsyncConnection, caller: Caller, child: LockedChild, involvement_id: uuid.UUID
) -> ChangedInvolvement:
    changed = await involvements.fetch_involvement(conn, involvement_id)
    if changed is None:  # only if deleted with its child inside this very transaction
        raise NotFound("no involvement has that id", field="id")
    return ChangedInvolvement(involvement=changed, decision=decide(caller, _facts(child)))


def _checked_consent(consent: Consent | None, sensitive: bool, label: str) -> Consent | None:
    if consent is None:
        if sensitive:
            raise BadInput(
                f"{label} is a sensitive service: record who gave informed consent and when",
                field="consent",
            )
        return None
    if consent.given_by not in CONSENT_GIVERS:
        raise BadInput(
            f"consent.givenBy must be one of {', '.join(CONSENT_GIVERS)}", field="consent.givenBy"
        )
    return replace(consent, given_on=_not_in_future(consent.given_on, "consent.givenOn"))


async def record_involvement(
    ctx: RequestContext, child_id: str, given: InvolvementInput
) -> ChangedInvolvement:
    caller = ctx.require_caller()
    user_id = require_practitioner(caller)
    cp_id = contact_point_id(child_id)
    service_code = text_field(given.service_type, "serviceType", limit=40, required=True)
    start = _not_in_future(given.start_date or date.today(), "startDate")
    name = text_field(given.practitioner_name, "practitionerName", limit=200)
    role = text_field(given.practitioner_role, "practitionerRole", limit=200)
    phone = phone_number(given.phone)
    email = email_address(given.email)
    async with ctx.engine.begin() as conn:
        child = await child_to_change(conn, caller, cp_id)
        service = await involvements.service_type(conn, (service_code or "").upper())
        if service is None:
            raise BadInput(
                "serviceType is not a known service type: see the serviceTypes query",
                field="serviceType",
            )
        consent = _checked_consent(given.consent, service.sensitive, service.label)
        if await involvements.active_involvement_of(conn, child.id, user_id, service.code):
            raise BadInput(
                f"you are already recorded as involved with this child ({service.label}):"
                " update that involvement instead",
                field="serviceType",
            )
        me = await accounts.profile(conn, user_id)
        phone = phone or me.phone
        email = email or me.email
        involvement_id = await involvements.insert_involvement(
            conn,
            involvements.NewInvolvement(
                child_id=child.id,
                organisation_id=caller.organisation_id,
                service_type=service.code,
                sensitive=service.sensitive,
                practitioner_user_id=user_id,
                practitioner_name=name or me.name,
                practitioner_role=role or me.job_title,
                phone=phone,
                email=email,
                start_date=start,
                consent_given_by=consent.given_by if consent else None,
                consent_given_on=consent.given_on if consent else None,
                consent_recorded_by=me.name if consent else None,
            ),
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="INVOLVEMENT_RECORDED",
                subject_child_id=child.id,
                detail={"involvementId": str(involvement_id), "sensitive": service.sensitive},
            ),
        )
        changed = await _changed(conn, caller, child, involvement_id)
        await tell_about_new_involvement(conn, child, changed.involvement, told_by=user_id)
    return changed


async def update_involvement(
    ctx: RequestContext, involvement_id: str, edit: InvolvementEdit
) -> ChangedInvolvement:
    caller = ctx.require_caller()
    require_practitioner(caller)
    target = record_id(involvement_id, "id", "an involvement")
    changes = _contact_changes(edit)
    if not changes:
        raise BadInput("give at least one detail to change", field="input")
    async with ctx.engine.begin() as conn:
        child, row = await _involvement_to_change(ctx, conn, caller, target, "id")
        if row.end_date is not None:
            raise BadInput("this involvement has ended: it is kept as history", field="id")
        if not await involvements.update_contact(conn, target, changes):
            # The transaction rolls back: the involvement keeps its details.
            raise BadInput(
                "an involvement needs a phone or an email to reach its practitioner:"
                " keep one of them",
                field="phone" if "phone" in changes else "email",
            )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="INVOLVEMENT_UPDATED",
                subject_child_id=child.id,
                detail={
                    "involvementId": str(target),
                    "fields": sorted(changes),
                },
            ),
        )
        return await _changed(conn, caller, child, target)


def _contact_changes(edit: InvolvementEdit) -> dict[str, Any]:
    """The details given, checked, by their GraphQL name. The practitioner's name and the
    start date cannot be cleared; a phone or an email must remain (checked after the
    update, against what the involvement then holds)."""
    changes: dict[str, Any] = {}
    if not isinstance(edit.practitioner_name, Keep):
        changes["practitionerName"] = text_field(
            edit.practitioner_name, "practitionerName", limit=200, required=True
        )
    if not isinstance(edit.practitioner_role, Keep):
        changes["practitionerRole"] = text_field(
            edit.practitioner_role, "practitionerRole", limit=200
        )
    if not isinstance(edit.phone, Keep):
        changes["phone"] = phone_number(edit.phone)
    if not isinstance(edit.email, Keep):
        changes["email"] = email_address(edit.email)
    if not isinstance(edit.start_date, Keep):
        if edit.start_date is None:
            raise BadInput("startDate cannot be cleared: give the date it began", field="startDate")
        changes["startDate"] = _not_in_future(edit.start_date, "startDate")
    return changes


async def end_involvement(
    ctx: RequestContext, involvement_id: str, end_date: date
) -> ChangedInvolvement:
    caller = ctx.require_caller()
    user_id = require_practitioner(caller)
    target = record_id(involvement_id, "id", "an involvement")
    end = _not_in_future(end_date, "endDate")
    async with ctx.engine.begin() as conn:
        child, row = await _involvement_to_change(ctx, conn, caller, target, "id")
        if row.end_date is not None:
            raise BadInput(
                f"this involvement already ended on {row.end_date.isoformat()}", field="id"
            )
        if end < row.start_date:
            raise BadInput(
                f"endDate cannot be before the start date ({row.start_date.isoformat()})",
                field="endDate",
            )
        await involvements.end_involvement(conn, target, end, user_id)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="INVOLVEMENT_ENDED",
                subject_child_id=child.id,
                detail={"involvementId": str(target), "wasLead": row.is_lead},
            ),
        )
        return await _changed(conn, caller, child, target)


async def set_lead_professional(
    ctx: RequestContext, involvement_id: str, *, lead: bool
) -> ChangedInvolvement:
    """Make (or stop making) this involvement's practitioner the child's lead professional.
    A child has at most one: a new lead is set only once the current one has stepped down."""
    caller = ctx.require_caller()
    require_practitioner(caller)
    target = record_id(involvement_id, "involvementId", "an involvement")
    async with ctx.engine.begin() as conn:
        child, row = await _involvement_to_change(ctx, conn, caller, target, "involvementId")
        if child.shielded and not _full_access(caller, child):
            # Whether someone else is lead is itself a shielded fact.
            raise Forbidden(
                "this child is shielded: its management team decides the lead professional",
                field="involvementId",
            )
        if row.end_date is not None:
            raise BadInput(
                "this involvement has ended: only a current one can be lead professional",
                field="involvementId",
            )
        current = await involvements.current_lead(conn, child.id)
        if lead and current == target:
            raise BadInput(
                "this practitioner is already the lead professional", field="involvementId"
            )
        if lead and current is not None:
            raise BadInput(
                "this child already has a lead professional: they, or the management team,"
                " must step them down first",
                field="involvementId",
            )
        if not lead and current != target:
            raise BadInput("this practitioner is not the lead professional", field="involvementId")
        await involvements.set_lead(conn, target, lead)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="LEAD_PROFESSIONAL_SET" if lead else "LEAD_PROFESSIONAL_UNSET",
                subject_child_id=child.id,
                detail={"involvementId": str(target)},
            ),
        )
        return await _changed(conn, caller, child, target)
