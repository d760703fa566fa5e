"""Argon2id password hashing.

The default profile is argon2-cffi's RFC 9106 "low memory" one (t=3, 64 MiB), about 0.3 s
a hash here. Tests and demo loads in development may choose the cheapest profile through
CONTACTPOINT_PASSWORD_PROFILE=cheap; production refuses it.
"""

import os
from functools import lru_cache

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    if os.environ.get("CONTACTPOINT_PASSWORD_PROFILE") == "cheap":
        if os.environ.get("CONTACTPOINT_ENVIRONMENT", "development") == "production":
            raise RuntimeError("the cheap password profile is refused in production")
        return PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Verified against when the email is unknown, so both paths take the same time.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password("not-a-real-password-used-for-timing-only")
