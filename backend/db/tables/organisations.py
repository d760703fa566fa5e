"""Organisations: local authorities (ONS codes), national partners and the services under them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column, one_of
from backend.db.tables.vocabulary import ORGANISATION_KINDS


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(one_of("kind", ORGANISATION_KINDS), name="organisation_kind_known"),
        CheckConstraint("code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'", name="organisation_code_format"),
        CheckConstraint(
            "kind <> 'LOCAL_AUTHORITY' OR code ~ '^E(06|07|08|09|10)[0-9]{6}$'",
            name="organisation_local_authority_ons_code",
        ),
        Index("organisation_parent_idx", "parent_authority_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    parent_authority_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=True),
    )
    team_name: str | None = Field(default=None, max_length=200)
    team_phone: str | None = Field(default=None, max_length=40)
    team_email: str | None = Field(default=None, max_length=254)
    # Shown to everyone on a shielded record of this authority: whom to ring at night.
    team_out_of_hours_phone: str | None = Field(default=None, max_length=40)
    active: bool = Field(default=True, sa_column_kwargs={"server_default": "true"})
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
