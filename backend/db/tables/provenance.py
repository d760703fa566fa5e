"""Where each value came from: source systems' keys for matching, and per-field provenance."""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of
from backend.db.tables.vocabulary import SOURCES


class SourceRecord(SQLModel, table=True):
    """A source system's own key for a child, so a reload updates instead of duplicating."""

    __tablename__ = "source_record"
    __table_args__ = (
        CheckConstraint(one_of("source", SOURCES), name="source_record_source_known"),
        Index("source_record_child_idx", "child_id"),
    )

    source: str = Field(primary_key=True, max_length=32)
    source_key: str = Field(primary_key=True, max_length=100)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    received_at: datetime | None = Field(default=None, sa_column=created_at_column())


class Provenance(SQLModel, table=True):
    """The latest source of each field of a child."""

    __tablename__ = "provenance"
    __table_args__ = (CheckConstraint(one_of("source", SOURCES), name="provenance_source_known"),)

    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), primary_key=True)
    )
    field: str = Field(primary_key=True, max_length=64)
    source: str = Field(max_length=32)
    recorded_at: datetime | None = Field(default=None, sa_column=created_at_column())
