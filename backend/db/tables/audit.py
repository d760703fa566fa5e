"""The audit log: append-only, partitioned by month, chained by hashes.

Events spread over `AUDIT_CHAINS` independent hash chains (chosen per connection at write
time) so that concurrent requests do not queue on one chain head. Within a chain,
`chain_seq` has no gaps and each `hash` covers the previous one: removing, reordering or
editing any event breaks its chain, which `contactpoint audit verify` reports.
The event holds ids and field names, never the values disclosed.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import text_array_column

AUDIT_CHAINS = 16


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("audit_event_actor_idx", "actor_user_id", "occurred_at"),
        Index("audit_event_client_idx", "actor_client_id", "occurred_at"),
        Index("audit_event_child_idx", "subject_child_id", "occurred_at"),
        Index("audit_event_action_idx", "action", "occurred_at"),
        # A management team's audit review: its own people's events.
        Index("audit_event_organisation_idx", "actor_organisation_id", "occurred_at"),
        # Newest first with no other filter (an auditor's first page).
        Index("audit_event_time_idx", "occurred_at"),
        # Views of shielded records (a team's report): few, so without this a search
        # reads every event of the period to find them (245 ms at 10M events; 20 ms with).
        Index(
            "audit_event_shielded_view_idx",
            "occurred_at",
            postgresql_where=text("action = 'CHILD_VIEW' AND (detail->>'shielded') = 'true'"),
        ),
        Index("audit_event_chain_idx", "chain", "chain_seq"),
        {
            "postgresql_partition_by": "RANGE (occurred_at)",
            "comment": "Append-only, hash-chained record of every sign-in, search, view, change.",
        },
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=False), primary_key=True),
    )
    occurred_at: datetime | None = Field(
        default=None,
        sa_column=Column(
            DateTime(timezone=True), primary_key=True, nullable=False, server_default=func.now()
        ),
    )
    # Set by the audit_event_chain trigger; anything the application sends is overwritten.
    chain: int | None = Field(
        default=None,
        sa_column=Column(
            SmallInteger,
            nullable=False,
            comment="Which of the independent hash chains holds this event.",
        ),
    )
    chain_seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, nullable=False, comment="Position in its chain; gapless."),
    )
    prev_hash: bytes | None = Field(
        default=None,
        sa_column=Column(
            LargeBinary,
            nullable=False,
            comment="hash of the previous event of the chain (zeros for the first).",
        ),
    )
    hash: bytes | None = Field(
        default=None,
        sa_column=Column(
            LargeBinary, nullable=False, comment="sha256(prev_hash || audit_canonical(event))."
        ),
    )
    actor_user_id: uuid.UUID | None = Field(default=None)
    actor_client_id: uuid.UUID | None = Field(default=None)
    actor_organisation_id: int | None = Field(default=None)
    actor_roles: list[str] = Field(default_factory=list, sa_column=text_array_column())
    action: str = Field(max_length=48)
    subject_child_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    subject_user_id: uuid.UUID | None = Field(default=None)
    outcome: str = Field(max_length=16)
    client_address: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(
            JSONB,
            nullable=False,
            server_default="{}",
            comment="Ids, criteria and field names: never the values disclosed.",
        ),
    )


class AuditChainHead(SQLModel, table=True):
    """The last link of each chain; only the SECURITY DEFINER trigger writes it."""

    __tablename__ = "audit_chain_head"

    chain: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    last_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


def _count_column(comment: str) -> Any:
    return Column(Integer, nullable=False, server_default="0", comment=comment)


class AuditDaily(SQLModel, table=True):
    """Record views and searches counted per UK day, actor and actor's organisation, so
    that a report over a month sums rows per person and day instead of aggregating a
    million events. Only audit_daily_roll (SECURITY DEFINER, migration 0014) writes it,
    off the request path; a report rolls first, so it counts every event committed."""

    __tablename__ = "audit_daily"
    __table_args__ = (
        UniqueConstraint(
            "day",
            "actor_organisation_id",
            "actor_user_id",
            name="audit_daily_key",
            postgresql_nulls_not_distinct=True,
        ),
        # A management team's reports: its own people's rows.
        Index("audit_daily_organisation_idx", "actor_organisation_id", "day"),
        {"comment": "Per-day counts of record views and searches (the audit reports)."},
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=False), primary_key=True),
    )
    day: date = Field(
        sa_column=Column(Date, nullable=False, comment="The day in UK time (Europe/London).")
    )
    actor_organisation_id: int | None = Field(default=None)
    # Null for a partner client: its events count under its organisation.
    actor_user_id: uuid.UUID | None = Field(default=None)
    views: int = Field(default=0, sa_column=_count_column("CHILD_VIEW events, any outcome."))
    searches: int = Field(default=0, sa_column=_count_column("CHILD_SEARCH events, any outcome."))
    records_opened: int = Field(
        default=0, sa_column=_count_column("CHILD_VIEW events with outcome OK.")
    )
    outside_area: int = Field(
        default=0,
        sa_column=_count_column(
            "Records opened of children held, when viewed, by an authority other than the"
            " actor's area (its organisation's parent authority, or itself)."
        ),
    )
    out_of_hours: int = Field(
        default=0,
        sa_column=_count_column(
            "Views and searches outside 08:00-18:00 UK time on weekdays, or at weekends."
        ),
    )


class AuditDailyMark(SQLModel, table=True):
    __tablename__ = "audit_daily_mark"
    __table_args__ = {"comment": "How far audit_daily_roll has counted each hash chain."}

    chain: int = Field(sa_column=Column(SmallInteger, primary_key=True))
    rolled_seq: int = Field(
        sa_column=Column(
            BigInteger,
            nullable=False,
            comment="The chain's events up to this position are in audit_daily.",
        )
    )
