"""Time-based one-time codes (RFC 6238), with replay refused by remembering the last step."""

import time

import pyotp

ISSUER = "ContactPoint"
STEP_SECONDS = 30


def new_secret() -> str:
    return str(pyotp.random_base32())


def provisioning_uri(secret: str, email: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time-step `code` belongs to (allowing one step of clock drift), or None."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    moment = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    current = int(moment // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if totp.at(step * STEP_SECONDS) == code:
            return step
    return None
