"""The child name indexes written through, without a pending list.

A GIN index's pending list (fastupdate) is scanned whole by every lookup until a vacuum
merges it. A feed's batch adds thousands of entries and then looks up each of its records
through these indexes, so every batch of a load was slower than the one before (routes
statement 2 s, then 9, 15 ... 35 s by the eighth batch of 5,000: bench/README.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = ("child_name_words", "child_name_phonetics", "child_shielded_name_words_idx")


def upgrade() -> None:
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # What a pending list holds now is merged into the index at once.
        op.execute(f"SELECT gin_clean_pending_list('{index}')")


def downgrade() -> None:
    for index in _INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
