"""Emergency ("break-glass") access: one person, one shielded child, a purpose, a reason
and a window; and the management team's review of it afterwards."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, timestamp_column
from backend.db.tables.vocabulary import EMERGENCY_OUTCOMES, EMERGENCY_PURPOSES


class EmergencyAccess(SQLModel, table=True):
    __tablename__ = "emergency_access"
    __table_args__ = (
        CheckConstraint(one_of("purpose", EMERGENCY_PURPOSES), name="emergency_purpose_known"),
        CheckConstraint(
            "outcome IS NULL OR " + one_of("outcome", EMERGENCY_OUTCOMES),
            name="emergency_outcome_known",
        ),
        CheckConstraint("length(reason) >= 20", name="emergency_reason_long_enough"),
        CheckConstraint("expires_at > granted_at", name="emergency_window_forwards"),
        CheckConstraint(
            "(reviewed_at IS NULL) = (reviewed_by IS NULL)"
            " AND (reviewed_at IS NULL) = (outcome IS NULL)",
            name="emergency_review_complete",
        ),
        # The record view looks up the caller's open grant on the child it shows.
        Index("emergency_access_holder_idx", "user_id", "child_id", "expires_at"),
        Index("emergency_access_child_idx", "child_id"),
        Index(
            "emergency_access_unreviewed_idx",
            "authority_id",
            "granted_at",
            postgresql_where=text("reviewed_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: uuid.UUID = Field(foreign_key="user_account.id")
    # The child's responsible authority when the glass was broken: whose team reviews it.
    authority_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    purpose: str = Field(max_length=32)
    reason: str = Field(max_length=2000)
    granted_at: datetime | None = Field(default=None, sa_column=created_at_column())
    expires_at: datetime = Field(sa_column=timestamp_column(nullable=False))
    reviewed_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    reviewed_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    outcome: str | None = Field(default=None, max_length=16)
    review_note: str | None = Field(default=None, max_length=2000)
