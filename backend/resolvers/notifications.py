"""Resolvers for the in-app inbox and its live subscription."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.schema.notifications import Notification
from backend.services import notifications
from backend.web.context import RequestContext


async def inbox(
    info: Info[RequestContext, None],
    unread_only: bool = False,
    first: int = 20,
    before: datetime | None = None,
    before_id: strawberry.ID | None = None,
) -> list[Notification]:
    views = await notifications.inbox(
        info.context,
        unread_only=unread_only,
        before=before,
        first=first,
        before_id=None if before_id is None else str(before_id),
    )
    return [Notification.from_view(view) for view in views]


async def unread_count(info: Info[RequestContext, None]) -> int:
    return await notifications.unread_count(info.context)


async def mark_read(info: Info[RequestContext, None], id: strawberry.ID) -> Notification:
    return Notification.from_view(await notifications.mark_read(info.context, str(id)))


async def mark_all_read(info: Info[RequestContext, None]) -> int:
    return await notifications.mark_all_read(info.context)


async def received(info: Info[RequestContext, None]) -> AsyncGenerator[Notification, None]:
    ctx = info.context
    if ctx.listener is None:
        raise RuntimeError("live notifications need the app's listener")
    async for view in notifications.live(ctx, ctx.listener):
        yield Notification.from_view(view)
