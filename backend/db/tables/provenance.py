"""Where each value came from: source systems' keys for matching, and per-field provenance.

Sources are the registered `feed_source` rows (`contactpoint sources add`); the first
five (school census, NHS demographics, child benefit, local authority, practitioner) are
registered by the migration that brought feeds in.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, timestamp_column


class SourceRecord(SQLModel, table=True):
    """A source system's own key for a child, so a reload updates instead of duplicating.

    `content_hash` is the hash of the record as last loaded: the same key with the same
    content changes nothing."""

    __tablename__ = "source_record"
    __table_args__ = (Index("source_record_child_idx", "child_id"),)

    source: str = Field(sa_column=Column(Text, ForeignKey("feed_source.code"), primary_key=True))
    source_key: str = Field(primary_key=True, max_length=100)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    received_at: datetime | None = Field(default=None, sa_column=created_at_column())
    content_hash: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    import_run_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("import_run.id"), nullable=True)
    )
    updated_at: datetime | None = Field(default=None, sa_column=timestamp_column())


class Provenance(SQLModel, table=True):
    """The latest source of each field of a child: which source, which of its records,
    which load, when."""

    __tablename__ = "provenance"

    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), primary_key=True)
    )
    field: str = Field(primary_key=True, max_length=64)
    source: str = Field(sa_column=Column(Text, ForeignKey("feed_source.code"), nullable=False))
    recorded_at: datetime | None = Field(default=None, sa_column=created_at_column())
    source_record_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    import_run_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("import_run.id"), nullable=True)
    )
