"""Management: enrolment codes for invited users, contact requests, audit review by team.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 01:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('user_account', sa.Column('enrolment_code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('user_account', sa.Column('enrolment_expires_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'contact_request',
        sa.Column('child_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('requester_user_id', sa.Uuid(), nullable=False),
        sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("status IN ('PENDING', 'ACCEPTED', 'DECLINED')", name='contact_request_status_known'),
        sa.CheckConstraint("(status = 'PENDING') = (decided_at IS NULL AND decided_by IS NULL)", name='contact_request_decision_complete'),
        sa.CheckConstraint("status <> 'DECLINED' OR length(trim(coalesce(decision_note, ''))) > 0", name='contact_request_decline_has_reason'),
        sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['requester_user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('contact_request_child_idx', 'contact_request', ['child_id', 'created_at'], unique=False)
    op.create_index('contact_request_one_pending', 'contact_request', ['child_id', 'requester_user_id'], unique=True, postgresql_where=sa.text("status = 'PENDING'"))
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON contact_request TO contactpoint_app")
    op.create_index('audit_event_organisation_idx', 'audit_event', ['actor_organisation_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('audit_event_organisation_idx', table_name='audit_event')
    op.drop_index('contact_request_one_pending', table_name='contact_request', postgresql_where=sa.text("status = 'PENDING'"))
    op.drop_index('contact_request_child_idx', table_name='contact_request')
    op.drop_table('contact_request')
    op.drop_column('user_account', 'enrolment_expires_at')
    op.drop_column('user_account', 'enrolment_code_hash')
