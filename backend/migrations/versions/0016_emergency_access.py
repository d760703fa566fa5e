"""Emergency access to a shielded record: the EMERGENCY_DUTY role, the grants and their
reviews, the out-of-hours telephone of each team; and emergency views counted in the
misuse reports like any other record view.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.migrations import sql_0016
from backend.migrations.script_runner import run_script

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES_BEFORE = "role IN ('PRACTITIONER', 'MANAGER', 'ADMINISTRATOR', 'AUDITOR')"
_ROLES_AFTER = "role IN ('PRACTITIONER', 'MANAGER', 'ADMINISTRATOR', 'AUDITOR', 'EMERGENCY_DUTY')"


def upgrade() -> None:
    op.drop_constraint("user_role_known", "user_role", type_="check")
    op.create_check_constraint("user_role_known", "user_role", _ROLES_AFTER)
    op.add_column(
        "organisation", sa.Column("team_out_of_hours_phone", sa.String(length=40), nullable=True)
    )
    op.create_table(
        "emergency_access",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column(
            "granted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("review_note", sa.String(length=2000), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('CHILD_AT_IMMEDIATE_RISK', 'POLICE_REQUEST', 'MEDICAL_EMERGENCY',"
            " 'OTHER')",
            name="emergency_purpose_known",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('JUSTIFIED', 'NOT_JUSTIFIED')",
            name="emergency_outcome_known",
        ),
        sa.CheckConstraint("length(reason) >= 20", name="emergency_reason_long_enough"),
        sa.CheckConstraint("expires_at > granted_at", name="emergency_window_forwards"),
        sa.CheckConstraint(
            "(reviewed_at IS NULL) = (reviewed_by IS NULL)"
            " AND (reviewed_at IS NULL) = (outcome IS NULL)",
            name="emergency_review_complete",
        ),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["authority_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["reviewed_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "emergency_access_holder_idx", "emergency_access", ["user_id", "child_id", "expires_at"]
    )
    op.create_index("emergency_access_child_idx", "emergency_access", ["child_id"])
    op.create_index(
        "emergency_access_unreviewed_idx",
        "emergency_access",
        ["authority_id", "granted_at"],
        postgresql_where=sa.text("reviewed_at IS NULL"),
    )
    # No DELETE: grants are kept for review (a purged child's go with it, by the cascade).
    op.execute("GRANT SELECT, INSERT, UPDATE ON emergency_access TO contactpoint_app")
    run_script(sql_0016.UPGRADE)


def downgrade() -> None:
    run_script(sql_0016.DOWNGRADE)
    op.drop_table("emergency_access")
    op.drop_column("organisation", "team_out_of_hours_phone")
    op.execute("DELETE FROM user_role WHERE role = 'EMERGENCY_DUTY'")
    op.drop_constraint("user_role_known", "user_role", type_="check")
    op.create_check_constraint("user_role_known", "user_role", _ROLES_BEFORE)
