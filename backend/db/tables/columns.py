"""Column helpers shared by the tables, so every timestamp is timezone-aware and defaulted."""

from typing import Any

from sqlalchemy import Column, DateTime, Text, func
from sqlalchemy.dialects.postgresql import ARRAY


def created_at_column() -> Any:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


def timestamp_column(*, nullable: bool = True) -> Any:
    return Column(DateTime(timezone=True), nullable=nullable)


def text_array_column(*, nullable: bool = False) -> Any:
    return Column(ARRAY(Text), nullable=nullable, server_default="{}")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that `column` holds one of `values` (a vocabulary kept in code)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"
