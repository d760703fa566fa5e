"""Inputs for recording and changing involvements and CAF status, and the service types."""

from datetime import date
from enum import Enum

import strawberry


@strawberry.enum(description="Who gave informed consent to record a sensitive service.")
class ConsentGiver(Enum):
    YOUNG_PERSON = "YOUNG_PERSON"
    PARENT_OR_CARER = "PARENT_OR_CARER"


@strawberry.input(description="Informed consent to record a sensitive service.")
class ConsentInput:
    given_by: ConsentGiver
    given_on: date


@strawberry.input(
    description="A service's involvement with a child. Contact details left out are taken"
    " from the practitioner's profile; the start date defaults to today."
)
class InvolvementInput:
    service_type: str = strawberry.field(description="A code from the serviceTypes query.")
    practitioner_name: str | None = None
    practitioner_role: str | None = None
    phone: str | None = None
    email: str | None = None
    start_date: date | None = None
    consent: ConsentInput | None = strawberry.field(
        default=None, description="Required for a sensitive service."
    )


@strawberry.input(description="New contact details for an involvement; omitted ones stay.")
class InvolvementUpdateInput:
    """Only the fields given change: `null` (or a blank) clears a value, an absent field
    keeps it. The practitioner's name and the start date cannot be cleared, and a phone
    or an email must remain."""

    practitioner_name: str | None = strawberry.UNSET
    practitioner_role: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    start_date: date | None = strawberry.UNSET


@strawberry.type(description="A kind of service that can be involved with a child.")
class ServiceType:
    code: str
    label: str
    sensitive: bool = strawberry.field(
        description="Recorded only with informed consent; its nature is shown only to the"
        " organisation that recorded it."
    )
