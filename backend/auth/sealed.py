"""TOTP secrets sealed at rest (AES-256-GCM), so a copy of the database or a backup does
not hand over everyone's second factor.

The key is derived (HKDF-SHA256) from `CONTACTPOINT_SECRET_KEY`; a stored secret reads
`v1.<key id>.<nonce and ciphertext, base64url>`, and is bound to its user's id (the
associated data), so a sealed secret copied onto another account does not open.

Rotation: set the new `CONTACTPOINT_SECRET_KEY`, list the old one in
`CONTACTPOINT_PREVIOUS_SECRET_KEYS` (comma-separated), run `contactpoint secrets reseal`,
then drop the old key from the list.
"""

import base64
import hashlib
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.settings import get_settings

PREFIX = "v1"
_INFO = b"contactpoint totp secrets v1"


class SealError(Exception):
    """A stored secret no configured key opens (wrong key, or edited)."""


@dataclass(frozen=True, slots=True)
class _Key:
    id: str
    aead: AESGCM


def _derive(secret_key: str) -> _Key:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return _Key(id=hashlib.sha256(raw).hexdigest()[:8], aead=AESGCM(raw))


@lru_cache(maxsize=4)
def keys(current: str, previous: tuple[str, ...]) -> tuple[_Key, ...]:
    """The current key first, then the previous ones (opening only)."""
    return tuple(_derive(k) for k in (current, *previous))


def _configured() -> tuple[_Key, ...]:
    settings = get_settings()
    return keys(settings.secret_key, tuple(settings.previous_secret_keys))


def _aad(user_id: uuid.UUID) -> bytes:
    return b"totp:" + str(user_id).encode()


def seal(secret: str, user_id: uuid.UUID, *, with_keys: tuple[_Key, ...] | None = None) -> str:
    key = (with_keys or _configured())[0]
    nonce = os.urandom(12)
    sealed = key.aead.encrypt(nonce, secret.encode(), _aad(user_id))
    return f"{PREFIX}.{key.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX + ".")


def unseal(stored: str, user_id: uuid.UUID, *, with_keys: tuple[_Key, ...] | None = None) -> str:
    try:
        prefix, key_id, body = stored.split(".", 2)
        blob = base64.urlsafe_b64decode(body)
    except ValueError:
        raise SealError("not a sealed secret") from None
    key = next((k for k in (with_keys or _configured()) if k.id == key_id), None)
    if prefix != PREFIX or key is None:
        raise SealError("no configured key opens this secret")
    try:
        return key.aead.decrypt(blob[:12], blob[12:], _aad(user_id)).decode()
    except Exception:  # cryptography's InvalidTag: wrong key, other user, or edited
        raise SealError("the secret does not open: edited, or sealed for another account") from None


def needs_resealing(stored: str) -> bool:
    """Sealed with a previous key (or not at all): `contactpoint secrets reseal` updates it."""
    return not is_sealed(stored) or stored.split(".", 2)[1] != _configured()[0].id
