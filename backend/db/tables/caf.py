"""Whether a Common Assessment Framework assessment exists, and who holds it. Never its content."""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of
from backend.db.tables.vocabulary import CAF_STATUSES


class CafAssessment(SQLModel, table=True):
    __tablename__ = "caf_assessment"
    __table_args__ = (
        CheckConstraint(one_of("status", CAF_STATUSES), name="caf_status_known"),
        CheckConstraint(
            "completed_on IS NULL OR completed_on >= started_on", name="caf_completed_after_start"
        ),
        # Each status has exactly its dates: a closed CAF may or may not have been completed.
        CheckConstraint(
            "(status = 'STARTED' AND completed_on IS NULL AND closed_on IS NULL)"
            " OR (status = 'COMPLETED' AND completed_on IS NOT NULL AND closed_on IS NULL)"
            " OR (status = 'CLOSED' AND closed_on IS NOT NULL)",
            name="caf_dates_match_status",
        ),
        CheckConstraint(
            "closed_on IS NULL OR closed_on >= coalesce(completed_on, started_on)",
            name="caf_closed_after_the_rest",
        ),
    )

    # One current CAF per child; changes are kept in the audit log.
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), primary_key=True)
    )
    status: str = Field(max_length=16)
    started_on: date
    completed_on: date | None = Field(default=None)
    closed_on: date | None = Field(default=None)
    holder_organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    holder_name: str = Field(max_length=200)
    holder_phone: str | None = Field(default=None, max_length=40)
    holder_email: str | None = Field(default=None, max_length=254)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime | None = Field(default=None, sa_column=created_at_column())
