"""Record linkage: comparison functions, blocking indexes that need no family name, the
shielded flag on children, given-name variants and trained match models.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.migrations import sql_0008
from backend.migrations.script_runner import run_script

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'given_name_variant',
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('variant', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'variant'),
    )
    run_script(sql_0008.variants_insert())
    op.create_table(
        'linkage_model',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trained_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('children', sa.BigInteger(), nullable=False),
        sa.Column('random_pairs', sa.Integer(), nullable=False),
        sa.Column('blocked_pairs', sa.Integer(), nullable=False),
        sa.Column('em_iterations', sa.Integer(), nullable=False),
        sa.Column('match_share', sa.Double(), nullable=False),
        sa.Column('m_source', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'linkage_weight',
        sa.Column('model_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.Text(), nullable=False),
        sa.Column('level', sa.Text(), nullable=False),
        sa.Column('m', sa.Double(), nullable=False),
        sa.Column('u', sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(['model_id'], ['linkage_model.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('model_id', 'field', 'level'),
    )
    op.add_column('child', sa.Column('family_sound', sa.Text(), nullable=True))
    op.add_column('child', sa.Column('given_sound', sa.Text(), nullable=True))
    op.add_column('child', sa.Column('shielded', sa.Boolean(), server_default='false', nullable=False))
    run_script(sql_0008.KEYS)
    run_script(sql_0008.COMPARISONS)
    run_script(sql_0008.SHIELDED_FLAG)
    run_script(sql_0008.BACKFILL)
    op.alter_column('child', 'family_sound', nullable=False)
    op.alter_column('child', 'given_sound', nullable=False)
    op.create_index('child_family_sound_birth_idx', 'child', ['family_sound', 'date_of_birth'], unique=False)
    op.create_index('child_given_birth_idx', 'child', ['given_key', 'date_of_birth'], unique=False)
    op.create_index('child_postcode_birth_idx', 'child', ['postcode', 'date_of_birth'], unique=False)
    op.create_index('child_sector_given_sound_idx', 'child', [sa.text('left(postcode, -2)'), 'given_sound'], unique=False)
    op.create_index('child_district_family_prefix_idx', 'child', [sa.text("split_part(postcode, ' ', 1)"), 'family_prefix'], unique=False)
    op.create_index('child_family_given_initial_idx', 'child', ['family_key', sa.text('left(given_key, 1)')], unique=False)
    op.create_index('child_given_family_ending_idx', 'child', ['given_key', sa.text('right(family_key, 3)')], unique=False)
    op.create_index('child_shielded_name_words_idx', 'child', ['name_words'], unique=False, postgresql_using='gin', postgresql_where=sa.text('shielded'))
    run_script(sql_0008.GRANTS)


def downgrade() -> None:
    op.drop_index('child_given_family_ending_idx', table_name='child')
    op.drop_index('child_district_family_prefix_idx', table_name='child')
    op.drop_index('child_family_given_initial_idx', table_name='child')
    op.drop_index('child_shielded_name_words_idx', table_name='child', postgresql_using='gin', postgresql_where=sa.text('shielded'))
    op.drop_index('child_sector_given_sound_idx', table_name='child')
    op.drop_index('child_postcode_birth_idx', table_name='child')
    op.drop_index('child_given_birth_idx', table_name='child')
    op.drop_index('child_family_sound_birth_idx', table_name='child')
    op.execute("DROP TRIGGER child_shielded_flag ON shielding")
    op.execute("DROP FUNCTION child_shielded_flag()")
    op.execute(
        "DROP FUNCTION cp_family_level(text, text[], text[], text, text[], text[]),"
        " cp_given_level(text, text[], text[], text, text, text[]),"
        " cp_birth_level(date, date, date[], date), cp_postcode_level(text, text, text),"
        " cp_gender_level(text, text), cp_date_slips(date), cp_date_swapped(date),"
        " cp_digits_date(text), cp_given_variants(text)"
    )
    op.drop_column('child', 'shielded')
    op.drop_column('child', 'given_sound')
    op.drop_column('child', 'family_sound')
    op.drop_table('linkage_weight')
    op.drop_table('linkage_model')
    op.drop_table('given_name_variant')
