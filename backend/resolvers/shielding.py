"""Resolvers for shielding: change, then return the record as the caller now sees it."""

from datetime import date

import strawberry
from strawberry.types import Info

from backend.resolvers.selection import requested_fields
from backend.schema.children import Child
from backend.schema.enums import ShieldingReason
from backend.services import children, shielding
from backend.web.context import RequestContext


async def shield_child(
    info: Info[RequestContext, None],
    child_id: strawberry.ID,
    reason: ShieldingReason,
    review_date: date,
    note: str | None = None,
) -> Child:
    cp_id = await shielding.shield_child(
        info.context, str(child_id), reason.value, note, review_date
    )
    return await children.view_child(info.context, cp_id, requested_fields(info))


async def unshield_child(
    info: Info[RequestContext, None], child_id: strawberry.ID, note: str
) -> Child:
    cp_id = await shielding.unshield_child(info.context, str(child_id), note)
    return await children.view_child(info.context, cp_id, requested_fields(info))
