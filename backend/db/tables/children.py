"""Children and their parents/carers. Contact information only: never case information."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import (
    created_at_column,
    one_of,
    text_array_column,
    timestamp_column,
)
from backend.db.tables.vocabulary import CARER_RELATIONSHIPS, CHILD_STATUSES, GENDERS

# No GIN pending list: every lookup scans it whole until a vacuum, and a feed's batch adds
# thousands of entries before looking its records up (migration 0011).
_NO_PENDING = {"fastupdate": "off"}


class Child(SQLModel, table=True):
    __tablename__ = "child"
    __table_args__ = (
        # cp_id_valid / nhs_number_valid are SQL functions made by the first migration.
        CheckConstraint("cp_id_valid(contact_point_id)", name="child_contact_point_id_valid"),
        CheckConstraint(
            "nhs_number IS NULL OR nhs_number_valid(nhs_number)", name="child_nhs_number_valid"
        ),
        CheckConstraint("upn IS NULL OR upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'", name="child_upn_format"),
        CheckConstraint(one_of("gender", GENDERS), name="child_gender_known"),
        CheckConstraint(one_of("status", CHILD_STATUSES), name="child_status_known"),
        CheckConstraint(
            "(status = 'ARCHIVED') = (archived_at IS NOT NULL)", name="child_archived_at_matches"
        ),
        CheckConstraint(
            "postcode IS NULL OR postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'",
            name="child_postcode_normalised",
        ),
        CheckConstraint("date_of_birth > DATE '1990-01-01'", name="child_date_of_birth_plausible"),
        Index("child_responsible_authority_idx", "responsible_authority_id"),
        Index("child_nhs_number_idx", "nhs_number", unique=True),
        Index("child_upn_idx", "upn", unique=True),
        Index("child_date_of_birth_idx", "date_of_birth"),
        Index(
            "child_name_words", "name_words", postgresql_using="gin", postgresql_with=_NO_PENDING
        ),
        # Typing errors in a family name rarely touch its first two letters.
        Index("child_family_prefix_given_idx", "family_prefix", "given_key"),
        # A date of birth one digit wrong, narrowed by the family name's start or the given
        # name, without comparing names on every child born on ~45 dates.
        Index("child_birth_family_prefix_idx", "date_of_birth", "family_prefix"),
        Index("child_birth_given_idx", "date_of_birth", "given_key"),
        Index(
            "child_name_phonetics",
            "name_phonetics",
            postgresql_using="gin",
            postgresql_with=_NO_PENDING,
        ),
        # Search narrows a family name by postcode district.
        Index("child_postcode_district_idx", text("split_part(postcode, ' ', 1)")),
        # Linkage blocking routes that need no family name (backend/db/queries/linkage.py):
        # a family name's sound or a given name with the year of birth, the full postcode
        # with the date of birth, the postcode sector with the given name's sound.
        Index("child_family_sound_birth_idx", "family_sound", "date_of_birth"),
        Index("child_given_birth_idx", "given_key", "date_of_birth"),
        Index("child_postcode_birth_idx", "postcode", "date_of_birth"),
        Index("child_sector_given_sound_idx", text("left(postcode, -2)"), "given_sound"),
        # Rivals of a clear match (backend/linkage/clear_match.py): born that day there.
        Index("child_sector_birth_idx", text("left(postcode, -2)"), "date_of_birth"),
        Index(
            "child_district_family_prefix_idx",
            text("split_part(postcode, ' ', 1)"),
            "family_prefix",
        ),
        # A given name mistyped after its first letter; a family name mistyped at its start.
        Index("child_family_given_initial_idx", "family_key", text("left(given_key, 1)")),
        Index("child_given_family_ending_idx", "given_key", text("right(family_key, 3)")),
        # The family-name route among shielded children (whereabouts-blind search).
        Index(
            "child_shielded_name_words_idx",
            "name_words",
            postgresql_using="gin",
            postgresql_where=text("shielded"),
            postgresql_with=_NO_PENDING,
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    contact_point_id: str = Field(unique=True, max_length=12)
    given_names: str = Field(max_length=200)
    family_name: str = Field(max_length=200)
    other_names: list[str] = Field(default_factory=list, sa_column=text_array_column())
    date_of_birth: date
    gender: str = Field(max_length=16)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    town: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=8)
    nhs_number: str | None = Field(default=None, max_length=10)
    upn: str | None = Field(default=None, max_length=13)
    responsible_authority_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id"), nullable=False)
    )
    status: str = Field(
        default="ACTIVE", max_length=16, sa_column_kwargs={"server_default": "ACTIVE"}
    )
    archived_at: datetime | None = Field(default=None, sa_column=timestamp_column())
    created_at: datetime | None = Field(default=None, sa_column=created_at_column())
    updated_at: datetime | None = Field(default=None, sa_column=created_at_column())

    # Search keys, set by the child_search_keys trigger from the names on every write (so
    # bulk COPY loads get them too); never written by the application.
    family_key: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    given_key: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    name_keys: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    family_prefix: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    name_words: list[str] | None = Field(
        default=None, sa_column=Column(ARRAY(Text), nullable=False)
    )
    family_phonetic: list[str] | None = Field(
        default=None, sa_column=Column(ARRAY(Text), nullable=False)
    )
    name_phonetics: list[str] | None = Field(
        default=None, sa_column=Column(ARRAY(Text), nullable=False)
    )
    # Primary Double Metaphone code of the family name's first word and of the first given
    # name (same trigger).
    family_sound: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    given_sound: str | None = Field(default=None, sa_column=Column(Text, nullable=False))
    # Has an active shielding episode: kept by the child_shielded_flag trigger on
    # shielding, never written by the application.
    shielded: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )


class Carer(SQLModel, table=True):
    __tablename__ = "carer"
    __table_args__ = (
        CheckConstraint(
            one_of("relationship", CARER_RELATIONSHIPS), name="carer_relationship_known"
        ),
        CheckConstraint(
            "postcode IS NULL OR postcode ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$'",
            name="carer_postcode_normalised",
        ),
        Index("carer_child_idx", "child_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    child_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("child.id", ondelete="CASCADE"), nullable=False)
    )
    name: str = Field(max_length=200)
    relationship: str = Field(max_length=32)
    parental_responsibility: bool = Field(default=False)
    phone: str | None = Field(default=None, max_length=40)
    address_line1: str | None = Field(default=None, max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    town: str | None = Field(default=None, max_length=100)
    postcode: str | None = Field(default=None, max_length=8)
