"""The root types: every operation the API offers, each naming its resolver."""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from backend.resolvers import accounts, children, involvements, search, shielding
from backend.resolvers import notifications as inbox
from backend.schema.accounts import Me, SignInResult
from backend.schema.children import Child, Involvement
from backend.schema.involvements import ServiceType
from backend.schema.notifications import Notification
from backend.schema.search import ChildSearchResult
from backend.web.context import RequestContext


@strawberry.type
class Query:
    me: Me | None = strawberry.field(
        resolver=accounts.me, description="The signed-in user, or null when signed out."
    )
    child: Child | None = strawberry.field(
        resolver=children.child,
        description="Open a child's record by ContactPoint ID. Audited; needs child-data access.",
    )
    search_children: ChildSearchResult = strawberry.field(
        resolver=search.search_children,
        description="Find a child through typing errors; at most 25 summaries. Audited.",
    )
    service_types: list[ServiceType] = strawberry.field(
        resolver=involvements.service_types,
        description="The controlled vocabulary of services that can be involved with a child.",
    )
    notifications: list[Notification] = strawberry.field(
        resolver=inbox.inbox,
        description="The signed-in person's notifications, newest first (at most `first`,"
        " older than `before`). Audited.",
    )
    unread_notification_count: int = strawberry.field(
        resolver=inbox.unread_count, description="How many notifications are unread."
    )


@strawberry.type
class Mutation:
    sign_in: SignInResult = strawberry.field(
        resolver=accounts.sign_in,
        description="Sign in with email, password and the 6-digit code; sets the session cookie.",
    )
    sign_out: bool = strawberry.field(resolver=accounts.sign_out, description="End the session.")
    shield_child: Child = strawberry.field(
        resolver=shielding.shield_child,
        description="Shield a child (management team of its responsible authority, or an"
        " administrator). Everyone else then sees only identity and whom to contact.",
    )
    unshield_child: Child = strawberry.field(
        resolver=shielding.unshield_child, description="Lift a child's shielding, saying why."
    )
    record_involvement: Involvement = strawberry.field(
        resolver=involvements.record_involvement,
        description="Record the caller's organisation's involvement with a child; the people"
        " already involved are told. A sensitive service needs informed consent.",
    )
    update_involvement: Involvement = strawberry.field(
        resolver=involvements.update_involvement,
        description="Change an involvement's contact details or start date (its own"
        " organisation, or the management team of the child's responsible authority).",
    )
    end_involvement: Involvement = strawberry.field(
        resolver=involvements.end_involvement,
        description="End an involvement; it is kept in the child's involvement history.",
    )
    set_lead_professional: Involvement = strawberry.field(
        resolver=involvements.set_lead_professional,
        description="Mark this involvement's practitioner as the child's lead professional"
        " (at most one: the current one must step down first).",
    )
    step_down_lead_professional: Involvement = strawberry.field(
        resolver=involvements.step_down_lead_professional,
        description="This involvement's practitioner is no longer the lead professional.",
    )
    record_caf_status: Child = strawberry.field(
        resolver=involvements.record_caf_status,
        description="Record that a CAF assessment was started, completed or closed on a date;"
        " returns the record as the caller now sees it.",
    )
    mark_notification_read: Notification = strawberry.field(
        resolver=inbox.mark_read, description="Mark one of your notifications read."
    )
    mark_all_notifications_read: int = strawberry.field(
        resolver=inbox.mark_all_read,
        description="Mark all your notifications read; how many were unread.",
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="Your notifications as they arrive (graphql-transport-ws; the session"
        " cookie signs the socket in). Ends when the session does."
    )
    async def notification_received(
        self, info: Info[RequestContext, None]
    ) -> AsyncGenerator[Notification, None]:
        async for notification in inbox.received(info):
            yield notification
