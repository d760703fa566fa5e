"""Whether a person may see child data at all: account, training, vetting (SPEC section 2)."""

from datetime import date


def blocked_reasons(
    *, status: str, trained_on: date | None, vetted_until: date | None, today: date
) -> tuple[str, ...]:
    reasons: list[str] = []
    if status != "ACTIVE":
        reasons.append("your account is not active")
    if trained_on is None or trained_on > today:
        reasons.append("your ContactPoint training has not been recorded")
    if vetted_until is None:
        reasons.append("your vetting (enhanced DBS check) has not been recorded")
    elif vetted_until < today:
        reasons.append(f"your vetting (enhanced DBS check) expired on {vetted_until.isoformat()}")
    return tuple(reasons)
