"""In-app inbox. A notification names the child by id only; it never carries withheld fields."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, timestamp_column


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        Index(
            "notification_unread_idx",
            "recipient_user_id",
            "created_at",
            postgresql_where=text("read_at IS NULL"),
        ),
        Index("notification_recipient_idx", "recipient_user_id", "created_at"),
        # Purging a child (retention) cascades here.
        Index("notification_child_idx", "child_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    recipient_user_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=40)
    payload: dict[str, object] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    read_at: datetime | None = Field(default=None, sa_column=timestamp_column())
