"""Indexes for audit review (newest first) and for purging children (cascades).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 01:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('audit_event_time_idx', 'audit_event', ['occurred_at'], unique=False)
    op.create_index('notification_child_idx', 'notification', ['child_id'], unique=False)
    op.create_index('shielding_child_idx', 'shielding', ['child_id'], unique=False)


def downgrade() -> None:
    op.drop_index('shielding_child_idx', table_name='shielding')
    op.drop_index('notification_child_idx', table_name='notification')
    op.drop_index('audit_event_time_idx', table_name='audit_event')
