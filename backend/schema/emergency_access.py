"""Emergency access grants as the shielding workbench and the misuse reports show them."""

from datetime import datetime

import strawberry

from backend.schema.children import WithheldField
from backend.schema.enums import REASONS, EmergencyOutcome, EmergencyPurpose
from backend.services.emergency_access import GrantView


@strawberry.type(
    description="One person's emergency access to one shielded record, and its review."
    " Null fields listed in `withheld` are hidden, not empty."
)
class EmergencyAccessGrant:
    id: strawberry.ID
    child_id: strawberry.ID | None = strawberry.field(description="The child's ContactPoint ID.")
    child_name: str | None
    authority_name: str = strawberry.field(description="The child's responsible authority.")
    holder_name: str = strawberry.field(description="Who broke the glass.")
    holder_email: str
    holder_organisation: str
    purpose: EmergencyPurpose
    reason: str | None
    granted_at: datetime
    expires_at: datetime
    open: bool = strawberry.field(description="Whether the access is still open now.")
    overdue: bool = strawberry.field(
        description="Unreviewed more than 3 working days after it was opened."
    )
    reviewed_at: datetime | None
    reviewed_by: str | None
    outcome: EmergencyOutcome | None
    review_note: str | None
    withheld: list[WithheldField]

    @classmethod
    def from_view(cls, view: GrantView) -> "EmergencyAccessGrant":
        row = view.row
        hidden = view.withheld
        return cls(
            id=strawberry.ID(str(row.id)),
            child_id=None if "childId" in hidden else strawberry.ID(row.child_contact_point_id),
            child_name=None if "childName" in hidden else row.child_name,
            authority_name=row.authority_name,
            holder_name=row.holder_name,
            holder_email=row.holder_email,
            holder_organisation=row.holder_organisation,
            purpose=EmergencyPurpose(row.purpose),
            reason=None if "reason" in hidden else row.reason,
            granted_at=row.granted_at,
            expires_at=row.expires_at,
            open=row.is_open,
            overdue=view.overdue,
            reviewed_at=row.reviewed_at,
            reviewed_by=row.reviewed_by_name,
            outcome=EmergencyOutcome(row.outcome) if row.outcome else None,
            review_note=None if "reason" in hidden else row.review_note,
            withheld=[
                WithheldField(field=name, reason=REASONS[reason]) for name, reason in hidden.items()
            ],
        )
