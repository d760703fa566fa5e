"""Resolvers for involvements, the lead professional and CAF status."""

from datetime import date

import strawberry
from strawberry.types import Info

from backend.db.queries.involvements import service_types as read_service_types
from backend.resolvers.inputs import given
from backend.schema.children import Caf, Involvement
from backend.schema.enums import CafStatus
from backend.schema.involvements import (
    InvolvementInput,
    InvolvementUpdateInput,
    ServiceType,
)
from backend.services import caf, involvements
from backend.services.involvements import ChangedInvolvement, Consent
from backend.web.context import RequestContext


def _shown(changed: ChangedInvolvement) -> Involvement:
    return Involvement.from_record(changed.involvement, changed.decision)


async def service_types(info: Info[RequestContext, None]) -> list[ServiceType]:
    info.context.require_caller()
    rows = await read_service_types(await info.context.connection())
    return [ServiceType(code=r.code, label=r.label, sensitive=r.sensitive) for r in rows]


async def record_involvement(
    info: Info[RequestContext, None], child_id: strawberry.ID, input: InvolvementInput
) -> Involvement:
    consent = (
        Consent(given_by=input.consent.given_by.value, given_on=input.consent.given_on)
        if input.consent
        else None
    )
    changed = await involvements.record_involvement(
        info.context,
        str(child_id),
        involvements.InvolvementInput(
            service_type=input.service_type,
            practitioner_name=input.practitioner_name,
            practitioner_role=input.practitioner_role,
            phone=input.phone,
            email=input.email,
            start_date=input.start_date,
            consent=consent,
        ),
    )
    return _shown(changed)


async def update_involvement(
    info: Info[RequestContext, None], id: strawberry.ID, input: InvolvementUpdateInput
) -> Involvement:
    changed = await involvements.update_involvement(
        info.context,
        str(id),
        involvements.InvolvementEdit(
            practitioner_name=given(input.practitioner_name),
            practitioner_role=given(input.practitioner_role),
            phone=given(input.phone),
            email=given(input.email),
            start_date=given(input.start_date),
        ),
    )
    return _shown(changed)


async def end_involvement(
    info: Info[RequestContext, None], id: strawberry.ID, end_date: date
) -> Involvement:
    return _shown(await involvements.end_involvement(info.context, str(id), end_date))


async def set_lead_professional(
    info: Info[RequestContext, None], involvement_id: strawberry.ID
) -> Involvement:
    return _shown(
        await involvements.set_lead_professional(info.context, str(involvement_id), lead=True)
    )


async def step_down_lead_professional(
    info: Info[RequestContext, None], involvement_id: strawberry.ID
) -> Involvement:
    return _shown(
        await involvements.set_lead_professional(info.context, str(involvement_id), lead=False)
    )


async def record_caf_status(
    info: Info[RequestContext, None], child_id: strawberry.ID, status: CafStatus, date: date
) -> Caf:
    return Caf.from_record(
        await caf.record_caf_status(info.context, str(child_id), status.value, date)
    )
