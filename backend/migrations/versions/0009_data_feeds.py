"""Data feeds: registered sources with per-field precedence, import runs, the review
queue, provenance that names the source record and load, and content hashes so a
reloaded record that has not changed changes nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 12:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from backend.migrations import sql_0009
from backend.migrations.script_runner import run_script

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES_BEFORE = "source IN ('SCHOOL_CENSUS', 'NHS_DEMOGRAPHICS', 'CHILD_BENEFIT', 'LOCAL_AUTHORITY', 'PRACTITIONER')"
FEED_FIELDS = "field IN ('given_names', 'family_name', 'other_names', 'date_of_birth', 'gender', 'address', 'nhs_number', 'upn', 'responsible_authority', 'carers')"


def upgrade() -> None:
    op.create_table(
        'feed_source',
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('precedence', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("code ~ '^[A-Z][A-Z0-9_]{1,31}$'", name='feed_source_code_format'),
        sa.CheckConstraint('precedence BETWEEN 1 AND 1000', name='feed_source_precedence_range'),
        sa.PrimaryKeyConstraint('code'),
    )
    op.create_table(
        'feed_source_field',
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('field', sa.Text(), nullable=False),
        sa.Column('precedence', sa.Integer(), nullable=False),
        sa.CheckConstraint(FEED_FIELDS, name='feed_source_field_known'),
        sa.CheckConstraint('precedence BETWEEN 1 AND 1000', name='feed_source_field_precedence_range'),
        sa.ForeignKeyConstraint(['source'], ['feed_source.code'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('source', 'field'),
    )
    op.create_table(
        'import_run',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('file_name', sa.Text(), nullable=False),
        sa.Column('file_sha256', sa.Text(), nullable=False),
        sa.Column('format', sa.Text(), nullable=False),
        sa.Column('status', sa.Text(), server_default='RUNNING', nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.Column('lines_done', sa.Integer(), server_default='0', nullable=False),
        sa.Column('exact', sa.Integer(), server_default='0', nullable=False),
        sa.Column('probable', sa.Integer(), server_default='0', nullable=False),
        sa.Column('review', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created', sa.Integer(), server_default='0', nullable=False),
        sa.Column('unchanged', sa.Integer(), server_default='0', nullable=False),
        sa.Column('rejected', sa.Integer(), server_default='0', nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("format IN ('CSV', 'JSONL')", name='import_run_format_known'),
        sa.CheckConstraint("status IN ('RUNNING', 'COMPLETED')", name='import_run_status_known'),
        sa.ForeignKeyConstraint(['source'], ['feed_source.code'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('import_run_file_idx', 'import_run', ['source', 'file_sha256'], unique=False)
    op.create_table(
        'match_review',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('import_run_id', sa.BigInteger(), nullable=True),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('source_record_id', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.Text(), nullable=False),
        sa.Column('record', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('candidates', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('responsible_authority_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Text(), server_default='PENDING', nullable=False),
        sa.Column('child_id', sa.BigInteger(), nullable=True),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("status IN ('PENDING', 'SAME_CHILD', 'DIFFERENT_CHILD')", name='match_review_status_known'),
        sa.CheckConstraint("(status = 'PENDING') = (decided_at IS NULL)", name='match_review_decided_at_matches'),
        sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], ),
        sa.ForeignKeyConstraint(['import_run_id'], ['import_run.id'], ),
        sa.ForeignKeyConstraint(['responsible_authority_id'], ['organisation.id'], ),
        sa.ForeignKeyConstraint(['source'], ['feed_source.code'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('match_review_queue_idx', 'match_review', ['responsible_authority_id', 'status', 'created_at'], unique=False)
    op.create_index('match_review_pending_record_idx', 'match_review', ['source', 'source_record_id'], unique=True, postgresql_where=sa.text("status = 'PENDING'"))
    run_script(sql_0009.SOURCES)

    for table in ('source_record', 'provenance'):
        op.drop_constraint(f'{table}_source_known', table, type_='check')
        op.alter_column(table, 'source', type_=sa.Text(), existing_nullable=False)
        op.create_foreign_key(f'{table}_source_fkey', table, 'feed_source', ['source'], ['code'])
        op.add_column(table, sa.Column('import_run_id', sa.BigInteger(), nullable=True))
        op.create_foreign_key(f'{table}_import_run_id_fkey', table, 'import_run', ['import_run_id'], ['id'])
    op.add_column('source_record', sa.Column('content_hash', sa.Text(), nullable=True))
    op.add_column('source_record', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('provenance', sa.Column('source_record_id', sa.Text(), nullable=True))
    run_script(sql_0009.FUNCTIONS)
    run_script(sql_0009.GRANTS)


def downgrade() -> None:
    op.execute("DROP FUNCTION cp_feed_rank(text, text), cp_id_for(bigint)")
    op.drop_column('provenance', 'source_record_id')
    op.drop_column('source_record', 'updated_at')
    op.drop_column('source_record', 'content_hash')
    for table in ('source_record', 'provenance'):
        op.drop_constraint(f'{table}_import_run_id_fkey', table, type_='foreignkey')
        op.drop_column(table, 'import_run_id')
        op.drop_constraint(f'{table}_source_fkey', table, type_='foreignkey')
        op.alter_column(table, 'source', type_=sa.String(length=32), existing_nullable=False)
        op.create_check_constraint(f'{table}_source_known', table, SOURCES_BEFORE)
    op.drop_index('match_review_pending_record_idx', table_name='match_review', postgresql_where=sa.text("status = 'PENDING'"))
    op.drop_index('match_review_queue_idx', table_name='match_review')
    op.drop_table('match_review')
    op.drop_index('import_run_file_idx', table_name='import_run')
    op.drop_table('import_run')
    op.drop_table('feed_source_field')
    op.drop_table('feed_source')
