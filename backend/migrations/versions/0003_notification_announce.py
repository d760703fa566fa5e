"""Announce each new notification on a PostgreSQL channel, for live delivery.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:40:00
"""
from collections.abc import Sequence

from alembic import op

from backend.migrations import sql_0003
from backend.migrations.script_runner import run_script

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    run_script(sql_0003.NOTIFY)


def downgrade() -> None:
    op.execute("DROP TRIGGER notification_announce ON notification")
    op.execute("DROP FUNCTION notification_announce()")
