"""Types for management teams, administrators and auditors: users, organisations, partner
clients, the shielding workbench and audit review."""

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from backend.db.queries.audit_reports import DayCount, ViewerCount
from backend.db.queries.audit_review import EventRow
from backend.db.queries.contact_requests import ContactRequestRow, ShieldedRow
from backend.db.queries.organisation_admin import ApiClientRow, OrganisationRow
from backend.db.queries.user_admin import UserRow
from backend.schema.accounts import Role
from backend.schema.children import WithheldField
from backend.schema.enums import OrganisationKind, ShieldingReason, WithheldReason
from backend.schema.organisations import Organisation


@strawberry.enum
class UserStatus(Enum):
    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


@strawberry.type(description="A person's account, as their management team sees it.")
class UserAccount:
    id: strawberry.ID
    email: str
    name: str
    job_title: str | None
    phone: str | None
    organisation: Organisation
    roles: list[Role]
    status: UserStatus
    trained_on: date | None
    vetted_until: date | None
    has_second_factor: bool = strawberry.field(
        description="False until they enrol an authenticator (after an invitation or reset)."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: UserRow) -> "UserAccount":
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            name=row.name,
            job_title=row.job_title,
            phone=row.phone,
            organisation=Organisation.from_record(row.organisation),
            roles=[Role(r) for r in row.roles],
            status=UserStatus(row.status),
            trained_on=row.trained_on,
            vetted_until=row.vetted_until,
            has_second_factor=row.has_second_factor,
            created_at=row.created_at,
        )


@strawberry.type
class UserPage:
    users: list[UserAccount]
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type(
    description="A user and the one-time set-up code to give them (shown only this once)."
)
class UserWithEnrolmentCode:
    user: UserAccount
    enrolment_code: str
    expires_at: datetime


@strawberry.type(description="The authenticator to enrol: shown once; then sign in with a code.")
class Enrolment:
    totp_secret: str
    provisioning_uri: str = strawberry.field(description="otpauth:// URI for a QR code.")


@strawberry.input
class InviteUserInput:
    email: str
    name: str
    roles: list[Role]
    organisation_code: str | None = strawberry.field(
        default=None, description="Administrators only; others invite into their own."
    )
    job_title: str | None = None
    phone: str | None = None
    trained_on: date | None = None
    vetted_until: date | None = None


@strawberry.input(description="New details; omitted ones stay as they are.")
class UpdateUserInput:
    """Only the fields given change: `null` (or a blank) clears a value, an absent field
    keeps it. The name cannot be cleared."""

    name: str | None = strawberry.UNSET
    job_title: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    trained_on: date | None = strawberry.UNSET
    vetted_until: date | None = strawberry.UNSET


@strawberry.type(description="An organisation as administrators manage it.")
class OrganisationDetail:
    code: str
    name: str
    kind: OrganisationKind
    parent_code: str | None
    team_name: str | None
    team_phone: str | None
    team_email: str | None
    team_out_of_hours_phone: str | None
    active: bool

    @classmethod
    def from_row(cls, row: OrganisationRow) -> "OrganisationDetail":
        return cls(
            code=row.code,
            name=row.name,
            kind=OrganisationKind(row.kind),
            parent_code=row.parent_code,
            team_name=row.team_name,
            team_phone=row.team_phone,
            team_email=row.team_email,
            team_out_of_hours_phone=row.team_out_of_hours_phone,
            active=row.active,
        )


@strawberry.input
class CreateOrganisationInput:
    code: str
    name: str
    kind: OrganisationKind
    parent_code: str | None = None


@strawberry.input(description="New details; omitted ones stay as they are.")
class UpdateOrganisationInput:
    """Only the fields given change: `null` (or a blank) clears a value, an absent field
    keeps it. The name cannot be cleared."""

    name: str | None = strawberry.UNSET
    team_name: str | None = strawberry.UNSET
    team_phone: str | None = strawberry.UNSET
    team_email: str | None = strawberry.UNSET
    team_out_of_hours_phone: str | None = strawberry.UNSET


@strawberry.type(description="A partner organisation's system and the fields it may read.")
class ApiClient:
    id: strawberry.ID
    organisation_code: str
    organisation_name: str
    name: str
    fields: list[str]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def from_row(cls, row: ApiClientRow) -> "ApiClient":
        return cls(
            id=strawberry.ID(str(row.id)),
            organisation_code=row.organisation_code,
            organisation_name=row.organisation_name,
            name=row.name,
            fields=list(row.fields),
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            last_used_at=row.last_used_at,
        )


@strawberry.type(description="A partner client and its token: shown only this once.")
class IssuedApiToken:
    client: ApiClient
    token: str


@strawberry.type(description="A shielded child on the workbench of its management team.")
class ShieldedChild:
    child_id: strawberry.ID
    child_name: str
    date_of_birth: date
    reason: ShieldingReason
    note: str | None
    shielded_at: datetime
    shielded_by: str | None
    review_date: date

    @classmethod
    def from_row(cls, row: ShieldedRow) -> "ShieldedChild":
        return cls(
            child_id=strawberry.ID(row.child_id),
            child_name=row.child_name,
            date_of_birth=row.date_of_birth,
            reason=ShieldingReason(row.reason),
            note=row.note,
            shielded_at=row.shielded_at,
            shielded_by=row.shielded_by,
            review_date=row.review_date,
        )


@strawberry.enum
class ContactRequestStatus(Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


@strawberry.type(description="A practitioner's request to be put in touch about a shielded child.")
class ContactRequest:
    id: strawberry.ID
    child_id: strawberry.ID
    child_name: str
    requester_name: str
    requester_email: str
    requester_phone: str | None
    requester_organisation: str
    message: str
    status: ContactRequestStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: ContactRequestRow) -> "ContactRequest":
        return cls(
            id=strawberry.ID(str(row.id)),
            child_id=strawberry.ID(row.child_id),
            child_name=row.child_name,
            requester_name=row.requester_name,
            requester_email=row.requester_email,
            requester_phone=row.requester_phone,
            requester_organisation=row.requester_organisation,
            message=row.message,
            status=ContactRequestStatus(row.status),
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_note=row.decision_note,
            created_at=row.created_at,
        )


@strawberry.type(description="The requester's own view of their request.")
class MyContactRequest:
    id: strawberry.ID
    child_id: strawberry.ID
    status: ContactRequestStatus
    created_at: datetime

    @classmethod
    def from_row(cls, row: ContactRequestRow) -> "MyContactRequest":
        return cls(
            id=strawberry.ID(str(row.id)),
            child_id=strawberry.ID(row.child_id),
            status=ContactRequestStatus(row.status),
            created_at=row.created_at,
        )


@strawberry.type(description="One audit event.")
class AuditEvent:
    id: strawberry.ID
    occurred_at: datetime
    actor_user_id: strawberry.ID | None
    actor_name: str | None
    actor_email: str | None
    actor_client: str | None = strawberry.field(description="A partner system's name.")
    actor_organisation: str | None
    actor_roles: list[str]
    action: str
    outcome: str
    child_id: strawberry.ID | None = strawberry.field(
        description="The child's ContactPoint ID: null when there is none, or when it is"
        " listed in `withheld` (a shielded child, named only to its own team)."
    )
    subject_user_email: str | None
    client_address: str | None
    request_id: str | None
    detail: JSON
    withheld: list[WithheldField]

    @classmethod
    def from_row(cls, row: EventRow) -> "AuditEvent":
        return cls(
            id=strawberry.ID(str(row.id)),
            occurred_at=row.occurred_at,
            actor_user_id=strawberry.ID(str(row.actor_user_id)) if row.actor_user_id else None,
            actor_name=row.actor_name,
            actor_email=row.actor_email,
            actor_client=row.actor_client,
            actor_organisation=row.actor_organisation,
            actor_roles=list(row.actor_roles),
            action=row.action,
            outcome=row.outcome,
            child_id=strawberry.ID(row.child_id) if row.child_id else None,
            subject_user_email=row.subject_user_email,
            client_address=row.client_address,
            request_id=row.request_id,
            detail=row.detail,  # type: ignore[arg-type]
            withheld=(
                [WithheldField(field="childId", reason=WithheldReason.SHIELDED)]
                if row.child_withheld
                else []
            ),
        )


@strawberry.type
class AuditEventPage:
    events: list[AuditEvent]
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.input
class AuditEventFilter:
    since: datetime | None = strawberry.field(default=None, description="Default: 30 days ago.")
    until: datetime | None = strawberry.field(default=None, description="Default: now.")
    user_id: strawberry.ID | None = None
    child_id: strawberry.ID | None = None
    action: str | None = None
    shielded_views_only: bool = strawberry.field(
        default=False, description="Only views of shielded records."
    )


@strawberry.type
class ViewerCountEntry:
    user_id: strawberry.ID
    name: str
    email: str
    organisation_code: str
    count: int

    @classmethod
    def from_row(cls, row: ViewerCount) -> "ViewerCountEntry":
        return cls(
            user_id=strawberry.ID(str(row.user_id)),
            name=row.name,
            email=row.email,
            organisation_code=row.organisation,
            count=row.count,
        )


@strawberry.type(
    description="One person's views and searches outside 08:00-18:00 or at weekends, one day."
)
class OutOfHoursDay:
    day: date
    user_id: strawberry.ID | None
    name: str | None
    count: int

    @classmethod
    def from_row(cls, row: DayCount) -> "OutOfHoursDay":
        return cls(
            day=row.day,
            user_id=strawberry.ID(str(row.user_id)) if row.user_id else None,
            name=row.name,
            count=row.count,
        )


@strawberry.type(description="Record views and searches on one day.")
class ActivityDay:
    day: date
    views: int
    searches: int
