"""The in-app inbox's notifications, as the reader may see them."""

from datetime import datetime
from enum import Enum

import strawberry

from backend.schema.children import WithheldField
from backend.schema.enums import REASONS
from backend.services.notifications import NotificationView


@strawberry.enum
class NotificationKind(Enum):
    INVOLVEMENT_RECORDED = "INVOLVEMENT_RECORDED"
    CONTACT_REQUESTED = "CONTACT_REQUESTED"
    CONTACT_REQUEST_ANSWERED = "CONTACT_REQUEST_ANSWERED"
    CHILD_MERGED = "CHILD_MERGED"
    CHILD_UNMERGED = "CHILD_UNMERGED"
    EMERGENCY_ACCESS_GRANTED = "EMERGENCY_ACCESS_GRANTED"


@strawberry.type(
    description="Something a practitioner should know about a child they work with."
    " Null fields listed in `withheld` are hidden, not empty."
)
class Notification:
    id: strawberry.ID
    kind: NotificationKind
    child_id: strawberry.ID = strawberry.field(description="The child's ContactPoint ID.")
    child_name: str
    organisation_name: str | None = strawberry.field(description="The service now involved.")
    practitioner_name: str | None
    service_type_label: str | None
    message: str
    created_at: datetime
    read_at: datetime | None
    withheld: list[WithheldField]

    @classmethod
    def from_view(cls, view: NotificationView) -> "Notification":
        return cls(
            id=strawberry.ID(str(view.id)),
            kind=NotificationKind(view.kind),
            child_id=strawberry.ID(view.child_id),
            child_name=view.child_name,
            organisation_name=view.organisation_name,
            practitioner_name=view.practitioner_name,
            service_type_label=view.service_type_label,
            message=view.message,
            created_at=view.created_at,
            read_at=view.read_at,
            withheld=[
                WithheldField(field=name, reason=REASONS[reason])
                for name, reason in view.withheld.items()
            ],
        )
