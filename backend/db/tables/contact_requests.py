"""Practitioners' requests to be put in touch about a shielded child, and the team's answer.

The requester never learns the child's whereabouts from it: the management team decides
whether to pass the practitioner's details on (outside the system), and says so.
"""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, text
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, timestamp_column
from backend.db.tables.vocabulary import CONTACT_REQUEST_STATUSES


class ContactRequest(SQLModel, table=True):
    __tablename__ = "contact_request"
    __table_args__ = (
        CheckConstraint(
            one_of("status", CONTACT_REQUEST_STATUSES), name="contact_request_status_known"
        ),
        CheckConstraint(
            "(status = 'PENDING') = (decided_at IS NULL AND decided_by IS NULL)",
            name="contact_request_decision_complete",
        ),
        CheckConstraint(
            "status <> 'DECLINED' OR length(trim(coalesce(decision_note, ''))) > 0",
            name="contact_request_decline_has_reason",
        ),
        # One open request per practitioner and child: asking twice adds nothing.
        Index(
            "contact_request_one_pending",
            "child_id",
            "requester_user_id",
            unique=True,
            postgresql_where=text("status = 'PENDING'"),
        ),
        Index("contact_request_child_idx", "child_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    requester_user_id: uuid.UUID = Field(foreign_key="user_account.id")
    message: str = Field(max_length=2000)
    status: str = Field(default="PENDING", max_length=16)
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    decision_note: str | None = Field(default=None, max_length=2000)
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
