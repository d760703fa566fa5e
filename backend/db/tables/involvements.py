"""Which service works with which child, and the controlled vocabulary of service types."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, timestamp_column
from backend.db.tables.vocabulary import CONSENT_GIVERS


class ServiceType(SQLModel, table=True):
    __tablename__ = "service_type"
    # (code, sensitive) is a key so an involvement's copy of `sensitive` cannot drift.
    __table_args__ = (UniqueConstraint("code", "sensitive", name="service_type_code_sensitive"),)

    code: str = Field(primary_key=True, max_length=40)
    label: str = Field(max_length=100)
    sensitive: bool = Field(default=False)


class Involvement(SQLModel, table=True):
    __tablename__ = "involvement"
    __table_args__ = (
        ForeignKeyConstraint(
            ["service_type", "sensitive"],
            ["service_type.code", "service_type.sensitive"],
            name="involvement_service_type_fk",
        ),
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="involvement_ends_after_start"
        ),
        CheckConstraint("NOT is_lead OR end_date IS NULL", name="involvement_lead_is_active"),
        CheckConstraint(
            "NOT sensitive OR (consent_given_by IS NOT NULL AND consent_given_on IS NOT NULL "
            "AND consent_recorded_by IS NOT NULL)",
            name="involvement_sensitive_needs_consent",
        ),
        CheckConstraint(
            "consent_given_by IS NULL OR " + one_of("consent_given_by", CONSENT_GIVERS),
            name="involvement_consent_giver_known",
        ),
        # At most one active lead professional per child.
        Index(
            "involvement_one_active_lead",
            "child_id",
            unique=True,
            postgresql_where=text("is_lead AND end_date IS NULL"),
        ),
        # A practitioner is involved once per service with a child at a time.
        Index(
            "involvement_one_active_per_practitioner",
            "child_id",
            "practitioner_user_id",
            "service_type",
            unique=True,
            postgresql_where=text("end_date IS NULL AND practitioner_user_id IS NOT NULL"),
        ),
        Index("involvement_child_idx", "child_id"),
        Index("involvement_practitioner_idx", "practitioner_user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    service_type: str = Field(max_length=40)
    sensitive: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    practitioner_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    practitioner_name: str = Field(max_length=200)
    practitioner_role: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    start_date: date
    end_date: date | None = Field(default=None)
    is_lead: bool = Field(default=False, sa_column_kwargs={"server_default": "false"})
    consent_given_by: str | None = Field(default=None, max_length=32)
    consent_given_on: date | None = Field(default=None)
    consent_recorded_by: str | None = Field(default=None, max_length=200)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    ended_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    ended_at: datetime | None = Field(default=None, sa_column=timestamp_column())
