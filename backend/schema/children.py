"""The Child type and its parts. Built only by `Child.from_record(record, decision)`:
a withheld field is set to None here and named, with its reason, in `withheld`.
"""

from datetime import date, datetime

import strawberry

from backend.db.records import (
    CafRecord,
    CarerRecord,
    ChildRecord,
    EmergencyWindow,
    InvolvementRecord,
)
from backend.domain.identifiers import format_contact_point_id
from backend.policy.decide import Decision
from backend.policy.fields import Reason
from backend.schema.enums import (
    REASONS,
    CafStatus,
    ChildStatus,
    EmergencyPurpose,
    Gender,
    WithheldReason,
)
from backend.schema.organisations import Organisation


@strawberry.type(description="A field that is null because the caller may not see it.")
class WithheldField:
    field: str
    reason: WithheldReason


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    town: str | None
    postcode: str | None


@strawberry.type(description="A parent or carer: contact details only.")
class Carer:
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    address: Address

    @classmethod
    def from_record(cls, record: CarerRecord) -> "Carer":
        return cls(
            name=record.name,
            relationship=record.relationship,
            parental_responsibility=record.parental_responsibility,
            phone=record.phone,
            address=Address(
                line1=record.address_line1,
                line2=record.address_line2,
                town=record.town,
                postcode=record.postcode,
            ),
        )


@strawberry.type(description="A service working with the child, and how to reach its practitioner.")
class Involvement:
    id: strawberry.ID
    organisation: Organisation
    service_type: str | None = strawberry.field(
        description="Null for a sensitive service of another organisation (reason CONSENT)."
    )
    service_type_label: str | None
    practitioner_name: str
    practitioner_role: str | None
    phone: str | None
    email: str | None
    start_date: date
    end_date: date | None
    lead_professional: bool
    recorded_by: str | None = strawberry.field(description="Who recorded it (a person's name).")
    ended_by: str | None = strawberry.field(description="Who ended it, once ended.")
    withheld: list[WithheldField]

    @classmethod
    def from_record(cls, record: InvolvementRecord, decision: Decision) -> "Involvement":
        reason = decision.service_nature_reason(
            sensitive=record.sensitive, organisation_id=record.organisation.id
        )
        hidden = reason is not None
        return cls(
            id=strawberry.ID(str(record.id)),
            organisation=Organisation.from_record(record.organisation),
            service_type=None if hidden else record.service_type,
            service_type_label=None if hidden else record.service_type_label,
            practitioner_name=record.practitioner_name,
            practitioner_role=None if hidden else record.practitioner_role,
            phone=record.phone,
            email=record.email,
            start_date=record.start_date,
            end_date=record.end_date,
            lead_professional=record.is_lead,
            recorded_by=record.recorded_by,
            ended_by=record.ended_by,
            withheld=[
                WithheldField(field=name, reason=REASONS[reason])
                for name in ("serviceType", "serviceTypeLabel", "practitionerRole")
            ]
            if reason is not None
            else [],
        )


@strawberry.type(
    description="Whether a Common Assessment Framework assessment exists, and who holds it."
)
class Caf:
    status: CafStatus
    started_on: date
    completed_on: date | None
    closed_on: date | None
    holder: Organisation
    holder_name: str
    holder_phone: str | None
    holder_email: str | None

    @classmethod
    def from_record(cls, record: CafRecord) -> "Caf":
        return cls(
            status=CafStatus(record.status),
            started_on=record.started_on,
            completed_on=record.completed_on,
            closed_on=record.closed_on,
            holder=Organisation.from_record(record.holder),
            holder_name=record.holder_name,
            holder_phone=record.holder_phone,
            holder_email=record.holder_email,
        )


@strawberry.type(
    description="Your own open emergency access to this shielded record: it ends at"
    " `expiresAt` and cannot be extended."
)
class EmergencyAccessWindow:
    grant_id: strawberry.ID
    purpose: EmergencyPurpose
    granted_at: datetime
    expires_at: datetime

    @classmethod
    def from_record(cls, record: EmergencyWindow) -> "EmergencyAccessWindow":
        return cls(
            grant_id=strawberry.ID(record.grant_id),
            purpose=EmergencyPurpose(record.purpose),
            granted_at=record.granted_at,
            expires_at=record.expires_at,
        )


def _involvements(
    records: tuple[InvolvementRecord, ...], decision: Decision, *, active: bool
) -> tuple[list[Involvement], bool]:
    """The (active or ended) involvements this caller sees, and whether any were left out."""
    chosen = [r for r in records if (r.end_date is None) == active]
    shown = [r for r in chosen if decision.sees_sensitive_involvements or not r.sensitive]
    return [Involvement.from_record(r, decision) for r in shown], len(shown) < len(chosen)


@strawberry.type(
    description="A child's record. Null fields listed in `withheld` are hidden, not empty."
)
class Child:
    id: strawberry.ID = strawberry.field(description="The ContactPoint ID (12 digits).")
    contact_point_id: str | None = strawberry.field(description="The ContactPoint ID as printed.")
    given_names: str | None
    family_name: str | None
    other_names: list[str] | None
    date_of_birth: date | None
    gender: Gender | None
    shielded: bool | None
    responsible_authority: Organisation | None = strawberry.field(
        description="The local authority holding the record: whom to contact about the child."
    )
    address: Address | None
    postcode: str | None
    town: str | None
    postcode_district: str | None = strawberry.field(
        description="The outward part of the postcode, e.g. LS1."
    )
    parents_and_carers: list[Carer] | None
    involvements: list[Involvement] | None
    involvement_history: list[Involvement] | None
    my_involvements: list[Involvement] | None = strawberry.field(
        description="The caller's own current involvements with the child: what they may"
        " update or end, even on a shielded record."
    )
    caf: Caf | None = strawberry.field(description="Null when no CAF exists or when withheld.")
    emergency_access: EmergencyAccessWindow | None = strawberry.field(
        description="Set while your own emergency access opens this shielded record."
    )
    nhs_number: str | None
    upn: str | None
    status: ChildStatus | None
    withheld: list[WithheldField]

    @classmethod
    def from_record(cls, record: ChildRecord, decision: Decision) -> "Child":
        show = decision.discloses
        withheld = dict(decision.withheld)
        involvements: list[Involvement] | None = None
        history: list[Involvement] | None = None
        if show("involvements"):
            involvements, partial = _involvements(record.involvements, decision, active=True)
            history, partial_history = _involvements(record.involvements, decision, active=False)
            # A list with entries left out must not read as complete, and never as empty.
            if partial or partial_history:
                withheld["involvements"] = Reason.CONSENT
            if partial and not involvements:
                involvements = None
            if partial_history and not history:
                history = None
        return cls(
            id=strawberry.ID(record.contact_point_id),
            contact_point_id=format_contact_point_id(record.contact_point_id)
            if show("contactPointId")
            else None,
            given_names=record.given_names if show("givenNames") else None,
            family_name=record.family_name if show("familyName") else None,
            other_names=list(record.other_names) if show("otherNames") else None,
            date_of_birth=record.date_of_birth if show("dateOfBirth") else None,
            gender=Gender(record.gender) if show("gender") else None,
            shielded=record.shielded if show("shielded") else None,
            responsible_authority=Organisation.from_record(record.responsible_authority)
            if show("responsibleAuthority")
            else None,
            address=Address(
                line1=record.address_line1,
                line2=record.address_line2,
                town=record.town,
                postcode=record.postcode,
            )
            if show("address")
            else None,
            postcode=record.postcode if show("postcode") else None,
            town=record.town if show("town") else None,
            postcode_district=record.postcode.split(" ")[0]
            if record.postcode and show("postcodeDistrict")
            else None,
            parents_and_carers=[Carer.from_record(c) for c in record.carers]
            if show("parentsAndCarers")
            else None,
            involvements=involvements,
            involvement_history=history if show("involvementHistory") else None,
            my_involvements=[
                Involvement.from_record(r, decision)
                for r in record.involvements
                if r.end_date is None
                and decision.user_id is not None
                and r.practitioner_user_id == decision.user_id
            ]
            if show("myInvolvements")
            else None,
            caf=Caf.from_record(record.caf) if record.caf and show("caf") else None,
            emergency_access=EmergencyAccessWindow.from_record(record.emergency)
            if record.emergency
            and decision.emergency_grant == record.emergency.grant_id
            and show("emergencyAccess")
            else None,
            nhs_number=record.nhs_number if show("nhsNumber") else None,
            upn=record.upn if show("upn") else None,
            status=ChildStatus(record.status) if show("status") else None,
            withheld=[
                WithheldField(field=name, reason=REASONS[reason])
                for name, reason in withheld.items()
            ],
        )
