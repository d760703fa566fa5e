"""The children of a postcode sector born on a date, in one index lookup.

A feed record agreeing exactly with one child is taken once no rival is found among the
children at its postcode or born on its date in its sector (backend/linkage/clear_match.py).
Without this index the sector's children are read whole: a dozen at 100,000 children,
about a thousand at national scale.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "child_sector_birth_idx", "child", [sa.text("left(postcode, -2)"), "date_of_birth"]
    )


def downgrade() -> None:
    op.drop_index("child_sector_birth_idx", table_name="child")
