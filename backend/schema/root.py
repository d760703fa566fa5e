"""The root types: every operation the API offers, each naming its resolver."""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from backend.resolvers import accounts, children, feeds, involvements, merges, search, shielding
from backend.resolvers import emergency_access as emergency
from backend.resolvers import management as admin
from backend.resolvers import notifications as inbox
from backend.schema.accounts import Me, SignInResult
from backend.schema.children import Caf, Child, Involvement
from backend.schema.emergency_access import EmergencyAccessGrant
from backend.schema.feeds import MatchReview, MatchReviewPage
from backend.schema.involvements import ServiceType
from backend.schema.management import (
    ActivityDay,
    ApiClient,
    AuditEventPage,
    ContactRequest,
    Enrolment,
    IssuedApiToken,
    MyContactRequest,
    OrganisationDetail,
    OutOfHoursDay,
    ShieldedChild,
    UserAccount,
    UserPage,
    UserWithEnrolmentCode,
    ViewerCountEntry,
)
from backend.schema.merges import ChildMerge
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
        " after the last one shown: its `createdAt` as `before` and its `id` as `beforeId`)."
        " Audited.",
    )
    unread_notification_count: int = strawberry.field(
        resolver=inbox.unread_count, description="How many notifications are unread."
    )
    users: UserPage = strawberry.field(
        resolver=admin.users,
        description="Users you manage (your organisation; administrators: any), by name.",
    )
    user: UserAccount | None = strawberry.field(
        resolver=admin.user, description="A user you manage, or null."
    )
    organisations: list[OrganisationDetail] = strawberry.field(
        resolver=admin.organisations, description="Organisations, by name (at most 500)."
    )
    api_clients: list[ApiClient] = strawberry.field(
        resolver=admin.api_clients, description="Partner API clients (administrators)."
    )
    shielded_children: list[ShieldedChild] = strawberry.field(
        resolver=admin.shielded_children,
        description="Shielded children of your authority, soonest review first (at most"
        " `first`, after the child `after`: the last one shown). Audited.",
    )
    contact_requests: list[ContactRequest] = strawberry.field(
        resolver=admin.contact_requests,
        description="Requests to be put in touch about your authority's shielded children,"
        " oldest first (at most `first`, after the request `after`: the last one shown).",
    )
    match_reviews: MatchReviewPage = strawberry.field(
        resolver=feeds.match_reviews_page,
        description="Feed records waiting for your team to decide which child they are,"
        " oldest first (administrators: every authority's). Audited.",
    )
    audit_events: AuditEventPage = strawberry.field(
        resolver=admin.audit_events,
        description="Search the audit log, newest first (management teams: their people and"
        " children; auditors and administrators: all). Audited.",
    )
    heaviest_viewers: list[ViewerCountEntry] = strawberry.field(
        resolver=admin.heaviest_viewers, description="Who opened most records in a period."
    )
    outside_area_viewers: list[ViewerCountEntry] = strawberry.field(
        resolver=admin.outside_area_viewers,
        description="Who opened records of children held by an authority outside their area.",
    )
    out_of_hours_activity: list[OutOfHoursDay] = strawberry.field(
        resolver=admin.out_of_hours_activity,
        description="Views and searches outside 08:00-18:00 UK time or at weekends, by day.",
    )
    audit_activity: list[ActivityDay] = strawberry.field(
        resolver=admin.audit_activity, description="Record views and searches per day."
    )
    emergency_access_grants: list[EmergencyAccessGrant] = strawberry.field(
        resolver=emergency.emergency_access_grants,
        description="Emergency access to your authority's shielded records, newest first"
        " (reviewed: false, the default, for those waiting for review; null for all). Audited.",
    )
    emergency_access_report: list[EmergencyAccessGrant] = strawberry.field(
        resolver=emergency.emergency_access_report,
        description="Misuse findings: emergency access found not justified in the period"
        " (default: the last 30 days), and any left unreviewed past 3 working days.",
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
    record_caf_status: Caf = strawberry.field(
        resolver=involvements.record_caf_status,
        description="Record that a CAF assessment was started, completed or closed on a date;"
        " returns the CAF as saved.",
    )
    mark_notification_read: Notification = strawberry.field(
        resolver=inbox.mark_read, description="Mark one of your notifications read."
    )
    mark_all_notifications_read: int = strawberry.field(
        resolver=inbox.mark_all_read,
        description="Mark all your notifications read; how many were unread.",
    )

    invite_user: UserWithEnrolmentCode = strawberry.field(
        resolver=admin.invite_user,
        description="Invite a user; give them the set-up code (shown once) for their first"
        " sign-in. You grant only roles you hold, within your reach.",
    )
    update_user: UserAccount = strawberry.field(
        resolver=admin.update_user, description="Change a user's details, training or vetting."
    )
    set_user_roles: UserAccount = strawberry.field(
        resolver=admin.set_user_roles, description="Replace a user's roles (never your own)."
    )
    suspend_user: UserAccount = strawberry.field(
        resolver=admin.suspend_user, description="Suspend a user and end their sessions."
    )
    reactivate_user: UserAccount = strawberry.field(
        resolver=admin.reactivate_user, description="Lift a user's suspension."
    )
    reset_second_factor: UserWithEnrolmentCode = strawberry.field(
        resolver=admin.reset_second_factor,
        description="Forget a user's authenticator; they set up again with the code given.",
    )
    complete_enrolment: Enrolment = strawberry.field(
        resolver=admin.complete_enrolment,
        description="First sign-in (or after a reset): choose a password with the set-up code;"
        " returns the authenticator to enrol, once.",
    )
    create_organisation: OrganisationDetail = strawberry.field(
        resolver=admin.create_organisation, description="Administrators."
    )
    update_organisation: OrganisationDetail = strawberry.field(
        resolver=admin.update_organisation,
        description="Administrators; an organisation's own management team may change its"
        " team contact.",
    )
    deactivate_organisation: OrganisationDetail = strawberry.field(
        resolver=admin.deactivate_organisation, description="Administrators."
    )
    reactivate_organisation: OrganisationDetail = strawberry.field(
        resolver=admin.reactivate_organisation, description="Administrators."
    )
    create_api_client: IssuedApiToken = strawberry.field(
        resolver=admin.create_api_client,
        description="Administrators. The token is shown only in this answer.",
    )
    rotate_api_client_token: IssuedApiToken = strawberry.field(
        resolver=admin.rotate_api_client_token,
        description="Administrators. A new token, shown once; the old one stops working.",
    )
    revoke_api_client: ApiClient = strawberry.field(
        resolver=admin.revoke_api_client, description="Administrators."
    )
    request_contact: MyContactRequest = strawberry.field(
        resolver=admin.request_contact,
        description="Ask a shielded child's management team to pass your details on.",
    )
    accept_contact_request: ContactRequest = strawberry.field(
        resolver=admin.accept_contact_request,
        description="Agree to pass the practitioner's details on; they are told.",
    )
    decline_contact_request: ContactRequest = strawberry.field(
        resolver=admin.decline_contact_request,
        description="Decline, saying why; the practitioner is told.",
    )
    resolve_match_review: MatchReview = strawberry.field(
        resolver=feeds.resolve_match_review,
        description="Decide a feed record: SAME_CHILD (give the candidate's childId; the"
        " record updates it by precedence) or DIFFERENT_CHILD (a new child). Audited.",
    )
    merge_children: ChildMerge = strawberry.field(
        resolver=merges.merge_children,
        description="Merge the record mergeId into keepId: the same child (management team"
        " of both children's authority, or an administrator). Audited; those involved are told.",
    )
    unmerge_child: ChildMerge = strawberry.field(
        resolver=merges.unmerge_child,
        description="Undo the merge of the record mergeId: both records as they were.",
    )
    request_emergency_access: EmergencyAccessGrant = strawberry.field(
        resolver=emergency.request_emergency_access,
        description="Break the glass: open one shielded record of your own authority for"
        " 60 minutes (EMERGENCY_DUTY; a new security code, a purpose and a reason of at"
        " least 20 characters). The management team is told at once and reviews it.",
    )
    review_emergency_access: EmergencyAccessGrant = strawberry.field(
        resolver=emergency.review_emergency_access,
        description="The management team's finding on an emergency access (a note is"
        " required for NOT_JUSTIFIED). Audited.",
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
