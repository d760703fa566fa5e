"""Resolvers for emergency ("break-glass") access and its review."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.schema.emergency_access import EmergencyAccessGrant
from backend.schema.enums import EmergencyOutcome, EmergencyPurpose
from backend.services import emergency_access
from backend.web.context import RequestContext

Ctx = Info[RequestContext, None]


async def request_emergency_access(
    info: Ctx,
    child_id: strawberry.ID,
    purpose: EmergencyPurpose,
    reason: str,
    totp_code: str,
) -> EmergencyAccessGrant:
    view = await emergency_access.request_emergency_access(
        info.context, str(child_id), purpose.value, reason, totp_code
    )
    return EmergencyAccessGrant.from_view(view)


async def review_emergency_access(
    info: Ctx, id: strawberry.ID, outcome: EmergencyOutcome, note: str | None = None
) -> EmergencyAccessGrant:
    view = await emergency_access.review_emergency_access(
        info.context, str(id), outcome.value, note
    )
    return EmergencyAccessGrant.from_view(view)


async def emergency_access_grants(
    info: Ctx, reviewed: bool | None = False, first: int = 50
) -> list[EmergencyAccessGrant]:
    views = await emergency_access.emergency_grants(info.context, reviewed=reviewed, first=first)
    return [EmergencyAccessGrant.from_view(view) for view in views]


async def emergency_access_report(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> list[EmergencyAccessGrant]:
    views = await emergency_access.emergency_report(info.context, since, until)
    return [EmergencyAccessGrant.from_view(view) for view in views]
