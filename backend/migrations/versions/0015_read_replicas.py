"""What a read replica must have replayed before it may answer a caller.

`changed_lsn` on a person and on a partner system: the primary's WAL position after their
last change, so that their next read never comes from a replica that has not replayed it.
`shielding_clock`: a counter the primary moves whenever a child is shielded or
unshielded, so that a replica that has not yet replayed a shielding never answers for
anyone (backend/db/replicas.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.migrations import sql_0015
from backend.migrations.script_runner import run_script

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANGED = "The primary's WAL insert position (bytes) after this caller's last change."


def upgrade() -> None:
    for table in ("user_account", "api_client"):
        op.add_column(table, sa.Column("changed_lsn", sa.BigInteger(), comment=_CHANGED))
    op.create_table(
        "shielding_clock",
        sa.Column("id", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Moves on every change of a child's shielding.",
    )
    run_script(sql_0015.UPGRADE)


def downgrade() -> None:
    run_script(sql_0015.DOWNGRADE)
    op.drop_table("shielding_clock")
    for table in ("user_account", "api_client"):
        op.drop_column(table, "changed_lsn")
