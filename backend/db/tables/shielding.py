"""Shielding episodes: who shielded a child, when, why, until what review; and who lifted it."""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, text
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, timestamp_column
from backend.db.tables.vocabulary import SHIELDING_REASONS


class Shielding(SQLModel, table=True):
    __tablename__ = "shielding"
    __table_args__ = (
        CheckConstraint(one_of("reason", SHIELDING_REASONS), name="shielding_reason_known"),
        CheckConstraint(
            "reason <> 'OTHER' OR length(trim(coalesce(note, ''))) > 0",
            name="shielding_other_needs_note",
        ),
        CheckConstraint(
            "(unshielded_at IS NULL) = (unshielded_by IS NULL)", name="shielding_unshield_complete"
        ),
        # A child is shielded by at most one active episode.
        Index(
            "shielding_one_active",
            "child_id",
            unique=True,
            postgresql_where=text("unshielded_at IS NULL"),
        ),
        # Purging a child (retention) cascades here; the partial index above skips history.
        Index("shielding_child_idx", "child_id"),
        Index(
            "shielding_review_idx", "review_date", postgresql_where=text("unshielded_at IS NULL")
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    reason: str = Field(max_length=32)
    note: str | None = Field(default=None, max_length=2000)
    review_date: date
    shielded_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    shielded_at: datetime | None = Field(default=None, sa_column=created_at_column())
    unshielded_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    unshielded_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    unshield_note: str | None = Field(default=None, max_length=2000)
