"""Data feeds: the registered sources, each load of a file, and the review queue.

A source's precedence decides, field by field, whose value a child keeps when two
sources disagree: the lower number wins (1 first), equal numbers let the newer value in.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, timestamp_column
from backend.db.tables.vocabulary import (
    FEED_FIELDS,
    FEED_FORMATS,
    IMPORT_RUN_STATUSES,
    MATCH_REVIEW_STATUSES,
)


def _count() -> Column[int]:
    return Column(Integer, nullable=False, server_default="0")


class FeedSource(SQLModel, table=True):
    __tablename__ = "feed_source"
    __table_args__ = (
        CheckConstraint("code ~ '^[A-Z][A-Z0-9_]{1,31}$'", name="feed_source_code_format"),
        CheckConstraint("precedence BETWEEN 1 AND 1000", name="feed_source_precedence_range"),
    )

    code: str = Field(sa_column=Column(Text, primary_key=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    precedence: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())


class FeedSourceField(SQLModel, table=True):
    """A source's precedence on one field, where it differs from its own default."""

    __tablename__ = "feed_source_field"
    __table_args__ = (
        CheckConstraint(one_of("field", FEED_FIELDS), name="feed_source_field_known"),
        CheckConstraint("precedence BETWEEN 1 AND 1000", name="feed_source_field_precedence_range"),
    )

    source: str = Field(
        sa_column=Column(Text, ForeignKey("feed_source.code", ondelete="CASCADE"), primary_key=True)
    )
    field: str = Field(sa_column=Column(Text, primary_key=True))
    precedence: int = Field(sa_column=Column(Integer, nullable=False))


class ImportRun(SQLModel, table=True):
    """One load of one file. A run left RUNNING (stopped half-way) is resumed by the next
    import of the same file from the same source, from `lines_done`."""

    __tablename__ = "import_run"
    __table_args__ = (
        CheckConstraint(one_of("format", FEED_FORMATS), name="import_run_format_known"),
        CheckConstraint(one_of("status", IMPORT_RUN_STATUSES), name="import_run_status_known"),
        Index("import_run_file_idx", "source", "file_sha256"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    source: str = Field(sa_column=Column(Text, ForeignKey("feed_source.code"), nullable=False))
    file_name: str = Field(sa_column=Column(Text, nullable=False))
    file_sha256: str = Field(sa_column=Column(Text, nullable=False))
    format: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="RUNNING"))
    records: int = Field(sa_column=Column(Integer, nullable=False))
    # Counts of the batches committed so far (a resumed load carries on from them).
    lines_done: int = Field(default=0, sa_column=_count())
    exact: int = Field(default=0, sa_column=_count())
    probable: int = Field(default=0, sa_column=_count())
    review: int = Field(default=0, sa_column=_count())
    created: int = Field(default=0, sa_column=_count())
    unchanged: int = Field(default=0, sa_column=_count())
    rejected: int = Field(default=0, sa_column=_count())
    started_at: datetime | None = Field(default=None, sa_column=created_at_column())
    finished_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class MatchReview(SQLModel, table=True):
    """An incoming record that might be a child already in the directory, or might not:
    the management team decides. `record` is the record as validated; `candidates` the
    children it resembles, with their match weights and field agreement levels."""

    __tablename__ = "match_review"
    __table_args__ = (
        CheckConstraint(one_of("status", MATCH_REVIEW_STATUSES), name="match_review_status_known"),
        CheckConstraint(
            "(status = 'PENDING') = (decided_at IS NULL)", name="match_review_decided_at_matches"
        ),
        Index("match_review_queue_idx", "responsible_authority_id", "status", "created_at"),
        # One open review per source record: a re-run refreshes it instead of adding one.
        Index(
            "match_review_pending_record_idx",
            "source",
            "source_record_id",
            unique=True,
            postgresql_where=text("status = 'PENDING'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    import_run_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("import_run.id"), nullable=True)
    )
    source: str = Field(sa_column=Column(Text, ForeignKey("feed_source.code"), nullable=False))
    source_record_id: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    record: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    candidates: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    responsible_authority_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    status: str = Field(sa_column=Column(Text, nullable=False, server_default="PENDING"))
    child_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="SET NULL"), nullable=True),
    )
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", nullable=True)
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
