"""A closing date for CAF assessments: a CAF closed without being completed no longer
shows a completion date.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('caf_assessment', sa.Column('closed_on', sa.Date(), nullable=True))
    # Until now a CLOSED assessment kept its closing date in completed_on.
    op.execute("UPDATE caf_assessment SET closed_on = completed_on WHERE status = 'CLOSED'")
    op.drop_constraint('caf_completed_has_date', 'caf_assessment', type_='check')
    op.create_check_constraint(
        'caf_dates_match_status',
        'caf_assessment',
        "(status = 'STARTED' AND completed_on IS NULL AND closed_on IS NULL)"
        " OR (status = 'COMPLETED' AND completed_on IS NOT NULL AND closed_on IS NULL)"
        " OR (status = 'CLOSED' AND closed_on IS NOT NULL)",
    )
    op.create_check_constraint(
        'caf_closed_after_the_rest',
        'caf_assessment',
        "closed_on IS NULL OR closed_on >= coalesce(completed_on, started_on)",
    )


def downgrade() -> None:
    op.drop_constraint('caf_closed_after_the_rest', 'caf_assessment', type_='check')
    op.drop_constraint('caf_dates_match_status', 'caf_assessment', type_='check')
    op.execute(
        "UPDATE caf_assessment SET completed_on = closed_on"
        " WHERE status = 'CLOSED' AND completed_on IS NULL"
    )
    op.create_check_constraint(
        'caf_completed_has_date', 'caf_assessment', "status = 'STARTED' OR completed_on IS NOT NULL"
    )
    op.drop_column('caf_assessment', 'closed_on')
