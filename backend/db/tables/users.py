"""People who sign in, their roles, their sessions, and partner systems' API clients."""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of, text_array_column, timestamp_column
from backend.db.tables.vocabulary import ROLES, USER_STATUSES


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(one_of("status", USER_STATUSES), name="user_status_known"),
        CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="user_email_lower"),
        CheckConstraint("failed_sign_ins >= 0", name="user_failed_sign_ins_non_negative"),
        Index("user_account_organisation_idx", "organisation_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    email: str = Field(unique=True, max_length=254)
    name: str = Field(max_length=200)
    job_title: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    password_hash: str | None = Field(default=None, max_length=200)
    # Sealed (backend/auth/sealed.py), never the secret itself.
    totp_secret: str | None = Field(default=None, max_length=200)
    # The last TOTP time-step accepted, so a code cannot be replayed within its window.
    totp_last_step: int | None = Field(default=None)
    status: str = Field(default="ACTIVE", max_length=16)
    trained_on: date | None = Field(default=None)
    vetted_until: date | None = Field(default=None)
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_column=timestamp_column())
    # A one-time code for setting a password and enrolling the second factor: given out
    # when a user is invited or their second factor is reset; only its hash is kept.
    enrolment_code_hash: str | None = Field(default=None, max_length=64)
    enrolment_expires_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    # Read replicas (backend/db/replicas.py): the primary's WAL position after this
    # caller's last change, so their next read comes from a replica that has it.
    changed_lsn: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger,
            comment="The primary's WAL insert position (bytes) after this caller's last change.",
        ),
    )


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="user_role_known"),)

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    role: str = Field(primary_key=True, max_length=16)
    granted_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    granted_at: datetime | None = Field(default=None, sa_column=created_at_column())


class UserSession(SQLModel, table=True):
    """Server-side sessions: the cookie holds a random token, the table only its hash."""

    __tablename__ = "user_session"
    __table_args__ = (Index("user_session_user_idx", "user_id"),)

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    last_seen_at: datetime | None = Field(default=None, sa_column=created_at_column())
    expires_at: datetime = Field(sa_column=timestamp_column(nullable=False))
    client_address: str | None = Field(default=None, max_length=64)


class ApiClient(SQLModel, table=True):
    """A partner organisation's system; it reads exactly the Child fields in `fields`."""

    __tablename__ = "api_client"
    __table_args__ = (Index("api_client_organisation_idx", "organisation_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    name: str = Field(max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    fields: list[str] = Field(default_factory=list, sa_column=text_array_column())
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    last_used_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    # Read replicas (backend/db/replicas.py): the primary's WAL position after this
    # caller's last change, so their next read comes from a replica that has it.
    changed_lsn: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger,
            comment="The primary's WAL insert position (bytes) after this caller's last change.",
        ),
    )


class ShieldingClock(SQLModel, table=True):
    """One row: moved by a trigger whenever a child is shielded or unshielded, so a read
    replica that has not replayed the latest is never asked."""

    __tablename__ = "shielding_clock"
    __table_args__ = {"comment": "Moves on every change of a child's shielding."}

    id: bool = Field(
        default=True, sa_column=Column(Boolean, primary_key=True, server_default="true")
    )
    seq: int = Field(sa_column=Column(BigInteger, nullable=False, server_default="0"))
