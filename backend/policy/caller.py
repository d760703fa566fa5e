"""Who is asking: a signed-in person or a partner system, with what they hold."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    PRACTITIONER = "PRACTITIONER"
    MANAGER = "MANAGER"
    ADMINISTRATOR = "ADMINISTRATOR"
    AUDITOR = "AUDITOR"
    # An authority's out-of-hours (emergency duty) social worker: a practitioner who may
    # also break the glass on that authority's shielded records (backend/policy/emergency.py).
    EMERGENCY_DUTY = "EMERGENCY_DUTY"


# Roles that work with child records; an AUDITOR alone reads audit, never child data.
CHILD_DATA_ROLES = frozenset(
    {Role.PRACTITIONER, Role.MANAGER, Role.ADMINISTRATOR, Role.EMERGENCY_DUTY}
)


@dataclass(frozen=True, slots=True)
class Caller:
    """A signed-in user (`user_id`) or a partner API client (`client_id` and `client_fields`)."""

    organisation_id: int
    organisation_code: str
    roles: frozenset[Role] = frozenset()
    user_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    client_fields: frozenset[str] = frozenset()
    # Why this person may not see child data (untrained, vetting expired...); empty if they may.
    blocked_reasons: tuple[str, ...] = field(default=())

    @property
    def is_client(self) -> bool:
        return self.client_id is not None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def manages(self, organisation_id: int) -> bool:
        """A member of this organisation's management (ContactPoint) team."""
        return Role.MANAGER in self.roles and self.organisation_id == organisation_id
