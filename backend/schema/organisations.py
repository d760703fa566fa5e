"""The Organisation type: who holds a record or provides a service, and how to reach its team."""

import strawberry

from backend.db.records import OrganisationRecord
from backend.schema.enums import OrganisationKind


@strawberry.type(description="A local authority, national partner or service.")
class Organisation:
    id: strawberry.ID
    code: str = strawberry.field(description="ONS code for local authorities, else a short code.")
    name: str
    kind: OrganisationKind
    team_name: str | None = strawberry.field(description="Its ContactPoint (management) team.")
    team_phone: str | None
    team_email: str | None
    team_out_of_hours_phone: str | None = strawberry.field(
        description="Its out-of-hours (emergency duty) telephone: whom to ring at night."
    )

    @classmethod
    def from_record(cls, record: OrganisationRecord) -> "Organisation":
        return cls(
            id=strawberry.ID(record.code),
            code=record.code,
            name=record.name,
            kind=OrganisationKind(record.kind),
            team_name=record.team_name,
            team_phone=record.team_phone,
            team_email=record.team_email,
            team_out_of_hours_phone=record.team_out_of_hours_phone,
        )
