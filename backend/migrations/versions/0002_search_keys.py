"""Search keys on children: normalised names and their Double Metaphone codes, indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:35:36.127226
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from backend.migrations import sql_0002
from backend.migrations.script_runner import run_script

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for column in ("family_key", "given_key", "name_keys", "family_prefix"):
        op.add_column("child", sa.Column(column, sa.Text(), nullable=True))
    for column in ("name_words", "family_phonetic", "name_phonetics"):
        op.add_column("child", sa.Column(column, postgresql.ARRAY(sa.Text()), nullable=True))
    run_script(sql_0002.FUNCTIONS)
    run_script(sql_0002.BACKFILL)
    for column in ("family_key", "given_key", "name_keys", "family_prefix", "name_words",
                   "family_phonetic", "name_phonetics"):
        op.alter_column("child", column, nullable=False)
    op.create_index('child_name_words', 'child', ['name_words'], unique=False, postgresql_using='gin')
    op.create_index('child_family_prefix_given_idx', 'child', ['family_prefix', 'given_key'], unique=False)
    op.create_index('child_birth_family_prefix_idx', 'child', ['date_of_birth', 'family_prefix'], unique=False)
    op.create_index('child_birth_given_idx', 'child', ['date_of_birth', 'given_key'], unique=False)
    op.create_index('child_name_phonetics', 'child', ['name_phonetics'], unique=False, postgresql_using='gin')
    op.create_index('child_postcode_district_idx', 'child', [sa.text("split_part(postcode, ' ', 1)")], unique=False)
    # Search rate limits count a partner system's recent searches.
    op.create_index('audit_event_client_idx', 'audit_event', ['actor_client_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('audit_event_client_idx', table_name='audit_event')
    op.drop_index('child_postcode_district_idx', table_name='child')
    op.drop_index('child_birth_given_idx', table_name='child')
    op.drop_index('child_birth_family_prefix_idx', table_name='child')
    op.drop_index('child_family_prefix_given_idx', table_name='child')
    op.drop_index('child_name_phonetics', table_name='child', postgresql_using='gin')
    op.drop_index('child_name_words', table_name='child', postgresql_using='gin')
    op.drop_column('child', 'name_phonetics')
    op.drop_column('child', 'family_phonetic')
    op.drop_column('child', 'name_keys')
    op.drop_column('child', 'name_words')
    op.drop_column('child', 'family_prefix')
    op.drop_column('child', 'given_key')
    op.drop_column('child', 'family_key')
    op.execute("DROP TRIGGER child_search_keys ON child")
    op.execute("DROP FUNCTION child_search_keys(), cp_phonetics(text), cp_name_key(text)")
