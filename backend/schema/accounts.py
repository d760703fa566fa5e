"""The signed-in person as they see themselves, and why they may be blocked."""

from enum import Enum

import strawberry

from backend.schema.organisations import Organisation


@strawberry.enum
class Role(Enum):
    PRACTITIONER = "PRACTITIONER"
    MANAGER = "MANAGER"
    ADMINISTRATOR = "ADMINISTRATOR"
    AUDITOR = "AUDITOR"
    EMERGENCY_DUTY = "EMERGENCY_DUTY"


@strawberry.type(description="The signed-in user.")
class Me:
    id: strawberry.ID
    email: str
    name: str
    organisation: Organisation
    roles: list[Role]
    can_access_child_data: bool = strawberry.field(
        description="False until training and vetting are recorded and current."
    )
    blocked_reasons: list[str] = strawberry.field(
        description="What stops this user seeing child data, in words they can act on."
    )


@strawberry.type
class SignInResult:
    me: Me
