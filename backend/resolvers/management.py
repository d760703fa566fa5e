"""Resolvers for management teams, administrators and auditors."""

from collections import defaultdict
from datetime import date, datetime

import strawberry
from strawberry.types import Info

from backend.db.queries.audit_reports import DayCount, ViewerCount
from backend.resolvers.inputs import given
from backend.schema.accounts import Role
from backend.schema.enums import OrganisationKind
from backend.schema.management import (
    ActivityDay,
    ApiClient,
    AuditEvent,
    AuditEventFilter,
    AuditEventPage,
    ContactRequest,
    ContactRequestStatus,
    CreateOrganisationInput,
    Enrolment,
    InviteUserInput,
    IssuedApiToken,
    MyContactRequest,
    OrganisationDetail,
    OutOfHoursDay,
    ShieldedChild,
    UpdateOrganisationInput,
    UpdateUserInput,
    UserAccount,
    UserPage,
    UserStatus,
    UserWithEnrolmentCode,
    ViewerCountEntry,
)
from backend.services import audit_review, organisation_admin, shielding_workbench, user_admin
from backend.services.audit_review import EventFilter
from backend.services.organisation_admin import IssuedToken, OrganisationChanges
from backend.services.user_admin import Invitation, WithCode
from backend.web.context import RequestContext

Ctx = Info[RequestContext, None]


def _with_code(made: WithCode) -> UserWithEnrolmentCode:
    return UserWithEnrolmentCode(
        user=UserAccount.from_row(made.user),
        enrolment_code=made.enrolment_code,
        expires_at=made.expires_at,
    )


# --- users ---------------------------------------------------------------------------


async def users(
    info: Ctx,
    organisation_code: str | None = None,
    status: UserStatus | None = None,
    role: Role | None = None,
    search: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> UserPage:
    page = await user_admin.list_users(
        info.context,
        organisation_code=organisation_code,
        status=status.value if status else None,
        role=role.value if role else None,
        search=search,
        first=first,
        after=after,
    )
    return UserPage(
        users=[UserAccount.from_row(row) for row in page.users], next_cursor=page.next_cursor
    )


async def user(info: Ctx, id: strawberry.ID) -> UserAccount | None:
    found = await user_admin.get_user(info.context, str(id))
    return UserAccount.from_row(found) if found else None


async def invite_user(info: Ctx, input: InviteUserInput) -> UserWithEnrolmentCode:
    made = await user_admin.invite_user(
        info.context,
        Invitation(
            email=input.email,
            name=input.name,
            organisation_code=input.organisation_code,
            roles=[role.value for role in input.roles],
            job_title=input.job_title,
            phone=input.phone,
            trained_on=input.trained_on,
            vetted_until=input.vetted_until,
        ),
    )
    return _with_code(made)


async def update_user(info: Ctx, user_id: strawberry.ID, input: UpdateUserInput) -> UserAccount:
    given = {
        "name": input.name,
        "jobTitle": input.job_title,
        "phone": input.phone,
        "trainedOn": input.trained_on,
        "vettedUntil": input.vetted_until,
    }
    changes = {name: value for name, value in given.items() if value is not strawberry.UNSET}
    row = await user_admin.update_user(info.context, str(user_id), changes)
    return UserAccount.from_row(row)


async def set_user_roles(info: Ctx, user_id: strawberry.ID, roles: list[Role]) -> UserAccount:
    row = await user_admin.set_roles(info.context, str(user_id), [r.value for r in roles])
    return UserAccount.from_row(row)


async def suspend_user(info: Ctx, user_id: strawberry.ID) -> UserAccount:
    return UserAccount.from_row(
        await user_admin.set_suspended(info.context, str(user_id), suspended=True)
    )


async def reactivate_user(info: Ctx, user_id: strawberry.ID) -> UserAccount:
    return UserAccount.from_row(
        await user_admin.set_suspended(info.context, str(user_id), suspended=False)
    )


async def reset_second_factor(info: Ctx, user_id: strawberry.ID) -> UserWithEnrolmentCode:
    return _with_code(await user_admin.reset_second_factor(info.context, str(user_id)))


async def complete_enrolment(
    info: Ctx, email: str, enrolment_code: str, password: str
) -> Enrolment:
    made = await user_admin.complete_enrolment(info.context, email, enrolment_code, password)
    return Enrolment(totp_secret=made.totp_secret, provisioning_uri=made.provisioning_uri)


# --- organisations and partner clients -------------------------------------------------


async def organisations(
    info: Ctx, kind: OrganisationKind | None = None, search: str | None = None
) -> list[OrganisationDetail]:
    rows = await organisation_admin.list_organisations(
        info.context, kind=kind.value if kind else None, search=search
    )
    return [OrganisationDetail.from_row(row) for row in rows]


async def create_organisation(info: Ctx, input: CreateOrganisationInput) -> OrganisationDetail:
    row = await organisation_admin.create_organisation(
        info.context,
        code=input.code,
        name=input.name,
        kind=input.kind.value,
        parent_code=input.parent_code,
    )
    return OrganisationDetail.from_row(row)


async def update_organisation(
    info: Ctx, code: str, input: UpdateOrganisationInput
) -> OrganisationDetail:
    row = await organisation_admin.update_organisation(
        info.context,
        code,
        OrganisationChanges(
            name=given(input.name),
            team_name=given(input.team_name),
            team_phone=given(input.team_phone),
            team_email=given(input.team_email),
            team_out_of_hours_phone=given(input.team_out_of_hours_phone),
        ),
    )
    return OrganisationDetail.from_row(row)


async def deactivate_organisation(info: Ctx, code: str) -> OrganisationDetail:
    return OrganisationDetail.from_row(
        await organisation_admin.set_organisation_active(info.context, code, active=False)
    )


async def reactivate_organisation(info: Ctx, code: str) -> OrganisationDetail:
    return OrganisationDetail.from_row(
        await organisation_admin.set_organisation_active(info.context, code, active=True)
    )


def _issued(issued: IssuedToken) -> IssuedApiToken:
    return IssuedApiToken(client=ApiClient.from_row(issued.client), token=issued.token)


async def api_clients(
    info: Ctx, organisation_code: str | None = None, include_revoked: bool = False
) -> list[ApiClient]:
    rows = await organisation_admin.list_api_clients(
        info.context, organisation_code=organisation_code, include_revoked=include_revoked
    )
    return [ApiClient.from_row(row) for row in rows]


async def create_api_client(
    info: Ctx, organisation_code: str, name: str, fields: list[str]
) -> IssuedApiToken:
    return _issued(
        await organisation_admin.create_api_client(
            info.context, organisation_code=organisation_code, name=name, fields=fields
        )
    )


async def rotate_api_client_token(info: Ctx, id: strawberry.ID) -> IssuedApiToken:
    return _issued(await organisation_admin.rotate_api_client(info.context, str(id)))


async def revoke_api_client(info: Ctx, id: strawberry.ID) -> ApiClient:
    return ApiClient.from_row(await organisation_admin.revoke_api_client(info.context, str(id)))


# --- shielding workbench -------------------------------------------------------------


async def shielded_children(
    info: Ctx,
    review_due_by: date | None = None,
    first: int = shielding_workbench.MAX_LIST,
    after: strawberry.ID | None = None,
) -> list[ShieldedChild]:
    rows = await shielding_workbench.shielded_children(
        info.context, review_due_by, first=first, after=None if after is None else str(after)
    )
    return [ShieldedChild.from_row(row) for row in rows]


async def request_contact(info: Ctx, child_id: strawberry.ID, message: str) -> MyContactRequest:
    row = await shielding_workbench.request_contact(info.context, str(child_id), message)
    return MyContactRequest.from_row(row)


async def contact_requests(
    info: Ctx,
    status: ContactRequestStatus | None = None,
    first: int = shielding_workbench.MAX_LIST,
    after: strawberry.ID | None = None,
) -> list[ContactRequest]:
    rows = await shielding_workbench.contact_requests(
        info.context,
        status.value if status else None,
        first=first,
        after=None if after is None else str(after),
    )
    return [ContactRequest.from_row(row) for row in rows]


async def accept_contact_request(
    info: Ctx, id: strawberry.ID, note: str | None = None
) -> ContactRequest:
    row = await shielding_workbench.answer_contact_request(
        info.context, str(id), accept=True, note=note
    )
    return ContactRequest.from_row(row)


async def decline_contact_request(info: Ctx, id: strawberry.ID, reason: str) -> ContactRequest:
    row = await shielding_workbench.answer_contact_request(
        info.context, str(id), accept=False, note=reason
    )
    return ContactRequest.from_row(row)


# --- audit review --------------------------------------------------------------------


async def audit_events(
    info: Ctx, filter: AuditEventFilter | None = None, first: int = 50, after: str | None = None
) -> AuditEventPage:
    given = filter or AuditEventFilter()
    page = await audit_review.search_events(
        info.context,
        EventFilter(
            since=given.since,
            until=given.until,
            user_id=str(given.user_id) if given.user_id else None,
            child_id=str(given.child_id) if given.child_id else None,
            action=given.action,
            shielded_views_only=given.shielded_views_only,
        ),
        first=first,
        after=after,
    )
    return AuditEventPage(
        events=[AuditEvent.from_row(row) for row in page.events], next_cursor=page.next_cursor
    )


def _viewers(rows: object) -> list[ViewerCountEntry]:
    return [ViewerCountEntry.from_row(row) for row in rows if isinstance(row, ViewerCount)]  # type: ignore[attr-defined]


async def heaviest_viewers(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> list[ViewerCountEntry]:
    return _viewers(await audit_review.report(info.context, "HEAVIEST_VIEWERS", since, until))


async def outside_area_viewers(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> list[ViewerCountEntry]:
    return _viewers(await audit_review.report(info.context, "OUTSIDE_AREA_VIEWERS", since, until))


async def out_of_hours_activity(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> list[OutOfHoursDay]:
    rows = await audit_review.report(info.context, "OUT_OF_HOURS", since, until)
    return [OutOfHoursDay.from_row(row) for row in rows if isinstance(row, DayCount)]


async def audit_activity(
    info: Ctx, since: datetime | None = None, until: datetime | None = None
) -> list[ActivityDay]:
    rows = await audit_review.report(info.context, "ACTIVITY", since, until)
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if isinstance(row, tuple):
            day, action, count = row
            by_day[day][action] = count
    return [
        ActivityDay(
            day=day,
            views=counts.get("CHILD_VIEW", 0),
            searches=counts.get("CHILD_SEARCH", 0),
        )
        for day, counts in sorted(by_day.items())
    ]
