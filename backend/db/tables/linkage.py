"""Record linkage: the given-name variants it knows, and the trained match models.

A model is one run of `contactpoint linkage train` (or the defaults, which are not
stored): for every field and agreement level, m (how often a true match shows that
level) and u (how often two different children do). Search and data feeds use the
newest model, so a ranking can be explained and reproduced from these rows.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, Double, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from backend.db.tables.columns import created_at_column


class GivenNameVariant(SQLModel, table=True):
    """Bob may stand for Robert: one row per name and each name it may stand for."""

    __tablename__ = "given_name_variant"

    name: str = Field(sa_column=Column(Text, primary_key=True))
    variant: str = Field(sa_column=Column(Text, primary_key=True))


class LinkageModel(SQLModel, table=True):
    __tablename__ = "linkage_model"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    trained_at: datetime | None = Field(default=None, sa_column=created_at_column())
    # Active children when trained: the prior odds that any one of them is the child sought.
    children: int = Field(sa_column=Column(BigInteger, nullable=False))
    random_pairs: int = Field(sa_column=Column(Integer, nullable=False))
    blocked_pairs: int = Field(sa_column=Column(Integer, nullable=False))
    em_iterations: int = Field(sa_column=Column(Integer, nullable=False))
    # The share of blocked pairs EM judged to be the same child.
    match_share: float = Field(sa_column=Column(Double, nullable=False))
    # "EM" when m came from the directory's own duplicates; "DEFAULT" when there were too
    # few to estimate them and the hand-set values were kept (note says why).
    m_source: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))


class LinkageWeight(SQLModel, table=True):
    __tablename__ = "linkage_weight"

    model_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("linkage_model.id", ondelete="CASCADE"), primary_key=True
        )
    )
    field: str = Field(sa_column=Column(Text, primary_key=True))
    level: str = Field(sa_column=Column(Text, primary_key=True))
    m: float = Field(sa_column=Column(Double, nullable=False))
    u: float = Field(sa_column=Column(Double, nullable=False))
