"""Resolvers for reading children."""

import strawberry
from strawberry.types import Info

from backend.resolvers.selection import requested_fields
from backend.schema.children import Child
from backend.services import children
from backend.web.context import RequestContext


async def child(info: Info[RequestContext, None], id: strawberry.ID) -> Child | None:
    return await children.view_child(info.context, str(id), requested_fields(info))
