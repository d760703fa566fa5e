"""TOTP secrets are sealed at rest: the database never holds one a copy could use."""

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.auth import sealed
from backend.auth.sealed import SealError, keys, needs_resealing, seal, unseal
from backend.db.queries.secrets import reseal_totp_secrets
from backend.services.users import NewUser, create_user
from tests import factories

OLD = "an-old-secret-key-of-at-least-32-characters"
NEW = "a-new-secret-key-of-at-least-32-characters!"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


async def _user(engine: AsyncEngine) -> NewUser:
    async with engine.begin() as conn:
        await factories.authority(conn)
        return await create_user(
            conn, Actor(request_id="test"), email="sam@leeds.example", name="Sam Jones",
            organisation_code="E08000035", roles=["PRACTITIONER"],
            password="a long enough pass phrase", trained_on=date(2026, 1, 5),
            vetted_until=date(2030, 1, 1),
        )  # fmt: skip


async def _stored(engine: AsyncEngine) -> tuple[uuid.UUID, str]:
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT id, totp_secret FROM user_account"))).one()
    return row.id, row.totp_secret


@pytest.fixture
def rotated(monkeypatch: pytest.MonkeyPatch) -> None:
    """The deployment after a rotation: NEW is current, OLD still opens."""
    monkeypatch.setattr(sealed, "_configured", lambda: keys(NEW, (OLD,)))


def test_a_sealed_secret_opens_for_its_own_account_only() -> None:
    user, other = uuid.uuid4(), uuid.uuid4()
    stored = seal(SECRET, user)
    assert SECRET not in stored
    assert unseal(stored, user) == SECRET
    with pytest.raises(SealError):
        unseal(stored, other)


def test_an_edited_sealed_secret_does_not_open() -> None:
    user = uuid.uuid4()
    stored = seal(SECRET, user)
    edited = stored[:-4] + ("AAAA" if stored[-4:] != "AAAA" else "BBBB")
    with pytest.raises(SealError):
        unseal(edited, user)


def test_a_secret_sealed_with_another_key_does_not_open() -> None:
    user = uuid.uuid4()
    stored = seal(SECRET, user, with_keys=keys(OLD, ()))
    with pytest.raises(SealError):
        unseal(stored, user, with_keys=keys(NEW, ()))


def test_after_a_rotation_the_previous_key_still_opens() -> None:
    user = uuid.uuid4()
    stored = seal(SECRET, user, with_keys=keys(OLD, ()))
    assert unseal(stored, user, with_keys=keys(NEW, (OLD,))) == SECRET


async def test_a_new_users_secret_is_stored_sealed(engine: AsyncEngine) -> None:
    made = await _user(engine)
    user_id, stored = await _stored(engine)
    assert made.totp_secret not in stored
    assert stored.startswith("v1.")
    assert unseal(stored, user_id) == made.totp_secret


async def test_resealing_moves_every_secret_to_the_current_key(
    engine: AsyncEngine, owner_engine: AsyncEngine, rotated: None
) -> None:
    made = await _user(engine)
    user_id, _ = await _stored(engine)
    async with owner_engine.begin() as conn:
        old = seal(made.totp_secret, user_id, with_keys=keys(OLD, ()))
        await conn.execute(text("UPDATE user_account SET totp_secret = :s"), {"s": old})
    async with owner_engine.begin() as conn:
        assert await reseal_totp_secrets(conn) == 1
    _, stored = await _stored(engine)
    assert not needs_resealing(stored)
    assert unseal(stored, user_id, with_keys=keys(NEW, ())) == made.totp_secret
    async with owner_engine.begin() as conn:
        assert await reseal_totp_secrets(conn) == 0


async def test_resealing_seals_a_secret_stored_in_clear(
    engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    await _user(engine)
    user_id, _ = await _stored(engine)
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE user_account SET totp_secret = :s"), {"s": SECRET})
        assert await reseal_totp_secrets(conn) == 1
    _, stored = await _stored(engine)
    assert unseal(stored, user_id) == SECRET
