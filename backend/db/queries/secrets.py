"""Resealing stored TOTP secrets after a key rotation (backend/auth/sealed.py)."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.auth.sealed import is_sealed, needs_resealing, seal, unseal

_SECRETS = text("SELECT id, totp_secret FROM user_account WHERE totp_secret IS NOT NULL FOR UPDATE")
_SET = text("UPDATE user_account SET totp_secret = :secret WHERE id = :id")


async def reseal_totp_secrets(conn: AsyncConnection) -> int:
    """Every secret not sealed with the current key, opened (with a previous key, or as
    stored in clear) and sealed with the current one. How many were."""
    count = 0
    for user_id, stored in (await conn.execute(_SECRETS)).all():
        if needs_resealing(stored):
            secret = unseal(stored, user_id) if is_sealed(stored) else stored
            await conn.execute(_SET, {"id": user_id, "secret": seal(secret, user_id)})
            count += 1
    return count
