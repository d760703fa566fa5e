"""Resolvers of merging and unmerging children's records."""

import strawberry
from strawberry.types import Info

from backend.schema.merges import ChildMerge
from backend.services import merges
from backend.web.context import RequestContext

Ctx = Info[RequestContext, None]


async def merge_children(
    info: Ctx, keep_id: strawberry.ID, merge_id: strawberry.ID, reason: str
) -> ChildMerge:
    view = await merges.merge_children(info.context, str(keep_id), str(merge_id), reason)
    return ChildMerge.from_view(view)


async def unmerge_child(info: Ctx, merge_id: strawberry.ID) -> ChildMerge:
    return ChildMerge.from_view(await merges.unmerge_child(info.context, str(merge_id)))
