"""Merging and unmerging children: the MERGED status and the child_merge log that lets
an unmerge restore both records exactly.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint('child_status_known', 'child', type_='check')
    op.create_check_constraint(
        'child_status_known', 'child', "status IN ('ACTIVE', 'ARCHIVED', 'MERGED')"
    )
    op.create_table(
        'child_merge',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('keep_child_id', sa.BigInteger(), nullable=False),
        sa.Column('merged_child_id', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('merged_by', sa.Uuid(), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('unmerged_by', sa.Uuid(), nullable=True),
        sa.Column('unmerged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('moved', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint('keep_child_id <> merged_child_id', name='child_merge_two_children'),
        sa.CheckConstraint('(unmerged_at IS NULL) = (unmerged_by IS NULL)', name='child_merge_unmerged_by'),
        sa.ForeignKeyConstraint(['keep_child_id'], ['child.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_child_id'], ['child.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_by'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['unmerged_by'], ['user_account.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('child_merge_active_idx', 'child_merge', ['merged_child_id'], unique=True, postgresql_where=sa.text('unmerged_at IS NULL'))
    op.create_index('child_merge_keep_idx', 'child_merge', ['keep_child_id'], unique=False)
    # No DELETE: the log of merges is kept (a purged child's go with it, by the cascade).
    op.execute('GRANT SELECT, INSERT, UPDATE ON child_merge TO contactpoint_app')


def downgrade() -> None:
    op.drop_index('child_merge_keep_idx', table_name='child_merge')
    op.drop_index('child_merge_active_idx', table_name='child_merge', postgresql_where=sa.text('unmerged_at IS NULL'))
    op.drop_table('child_merge')
    op.execute(
        "UPDATE child SET status = 'ACTIVE' WHERE status = 'MERGED'"
    )
    op.drop_constraint('child_status_known', 'child', type_='check')
    op.create_check_constraint('child_status_known', 'child', "status IN ('ACTIVE', 'ARCHIVED')")
