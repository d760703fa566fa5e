"""TOTP secrets sealed at rest: the column widened for the sealed form, and every secret
stored in clear sealed with the key from CONTACTPOINT_SECRET_KEY (backend/auth/sealed.py).

Downgrading opens them again, so it needs the same key.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.auth.sealed import is_sealed, seal, unseal

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SECRETS = sa.text("SELECT id, totp_secret FROM user_account WHERE totp_secret IS NOT NULL")
_SET = sa.text("UPDATE user_account SET totp_secret = :secret WHERE id = :id")


def upgrade() -> None:
    op.alter_column("user_account", "totp_secret", type_=sa.String(200))
    bind = op.get_bind()
    for user_id, stored in bind.execute(_SECRETS).all():
        if not is_sealed(stored):
            bind.execute(_SET, {"id": user_id, "secret": seal(stored, user_id)})


def downgrade() -> None:
    bind = op.get_bind()
    for user_id, stored in bind.execute(_SECRETS).all():
        if is_sealed(stored):
            bind.execute(_SET, {"id": user_id, "secret": unseal(stored, user_id)})
    op.alter_column("user_account", "totp_secret", type_=sa.String(64))
