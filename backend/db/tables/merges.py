"""Merges of two records found to be the same child, kept so each can be undone exactly.

A merge moves the merged record's involvements, carers and source keys to the record
kept, fills the kept record's empty fields from it, and marks it MERGED. `before` holds
both children's rows as they were, `after` the kept row as the merge left it, and
`moved` the keys of every row moved or copied: an unmerge puts exactly those back.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, timestamp_column


class ChildMerge(SQLModel, table=True):
    __tablename__ = "child_merge"
    __table_args__ = (
        CheckConstraint("keep_child_id <> merged_child_id", name="child_merge_two_children"),
        CheckConstraint(
            "(unmerged_at IS NULL) = (unmerged_by IS NULL)", name="child_merge_unmerged_by"
        ),
        # A record is merged into one other at a time.
        Index(
            "child_merge_active_idx",
            "merged_child_id",
            unique=True,
            postgresql_where=text("unmerged_at IS NULL"),
        ),
        Index("child_merge_keep_idx", "keep_child_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    keep_child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    merged_child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    reason: str = Field(sa_column=Column(Text, nullable=False))
    merged_by: uuid.UUID = Field(foreign_key="user_account.id")
    merged_at: datetime | None = Field(default=None, sa_column=created_at_column())
    unmerged_by: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", nullable=True
    )
    unmerged_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    before: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    after: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    moved: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
