"""The fixed demo sign-ins: who they are, and their passwords and TOTP secrets for a seed."""

import base64
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from backend.demo.contact import drama_prefix
from backend.demo.organisations import NATIONAL_TEAM_CODE

DEMO_EMAIL_DOMAIN = "demo.contactpoint.test"
LEEDS = "E08000035"
MANCHESTER = "E08000003"
BARNARDOS = "BARNARDOS"

_PASSWORD_WORDS = (
    "Maple", "Harbour", "Lantern", "Meadow", "Copper", "Willow", "Falcon", "Granite",
    "Thistle", "Orchard", "Beacon", "Heather", "Kestrel", "Pebble", "Saffron", "Juniper",
    "Bramble", "Cobalt", "Ember", "Fern", "Glacier", "Hazel", "Ivory", "Kite",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoCredential:
    """What a person needs to sign in as a demo user; `as_json()` is SPEC section 10's shape."""

    email: str
    password: str
    totp_secret: str
    organisation_code: str
    roles: list[str]
    name: str

    def as_json(self) -> dict[str, object]:
        return {
            "email": self.email,
            "password": self.password,
            "totpSecret": self.totp_secret,
            "organisationCode": self.organisation_code,
            "roles": list(self.roles),
        }


@dataclass(frozen=True, slots=True)
class DemoUser:
    id: uuid.UUID
    email: str
    name: str
    organisation_code: str
    roles: tuple[str, ...]
    job_title: str
    phone: str
    password: str
    totp_secret: str
    trained_on: date | None
    vetted_until: date | None
    # The service of the ACTIVE involvements the generator gives them with a few children of
    # their authority, so the demo has a practitioner who already works with someone.
    involvement_service: str | None

    def credential(self) -> DemoCredential:
        return DemoCredential(
            email=self.email,
            password=self.password,
            totp_secret=self.totp_secret,
            organisation_code=self.organisation_code,
            roles=list(self.roles),
            name=self.name,
        )


@dataclass(frozen=True, slots=True)
class _Spec:
    local_part: str
    name: str
    organisation_code: str
    roles: tuple[str, ...]
    job_title: str
    area_code: str
    trained: bool = True
    involvement_service: str | None = None


_SPECS = (
    _Spec(
        "practitioner.leeds", "Priya Sharma", LEEDS, ("PRACTITIONER",),
        "Family support worker", "0113", involvement_service="FAMILY_SUPPORT",
    ),
    _Spec(
        "practitioner2.leeds", "Tom Whitaker", LEEDS, ("PRACTITIONER",),
        "Education welfare officer", "0113", involvement_service="EDUCATION_WELFARE",
    ),
    _Spec(
        "manager.leeds", "Helen Okafor", LEEDS, ("PRACTITIONER", "MANAGER"),
        "ContactPoint team manager", "0113",
    ),
    # Signs in but is blocked from child data: no training or vetting recorded.
    _Spec(
        "untrained.leeds", "Sam Fletcher", LEEDS, ("PRACTITIONER",),
        "Youth support worker", "0113", trained=False,
    ),
    _Spec(
        "practitioner.manchester", "Aisha Rahman", MANCHESTER, ("PRACTITIONER",),
        "Early help practitioner", "0161", involvement_service="FAMILY_SUPPORT",
    ),
    _Spec(
        "manager.manchester", "Gareth Lloyd", MANCHESTER, ("PRACTITIONER", "MANAGER"),
        "ContactPoint team manager", "0161",
    ),
    _Spec(
        "practitioner.barnardos", "Chloe Bennett", BARNARDOS, ("PRACTITIONER",),
        "Family support worker", "020",
    ),
    _Spec(
        "administrator", "Daniel Price", NATIONAL_TEAM_CODE, ("ADMINISTRATOR",),
        "ContactPoint administrator", "020",
    ),
    _Spec(
        "auditor", "Rachel Greene", NATIONAL_TEAM_CODE, ("AUDITOR",),
        "Audit officer", "020",
    ),
    # Leeds's out-of-hours social worker: may break the glass on Leeds's shielded records.
    _Spec(
        "duty.leeds", "Megan Doyle", LEEDS, ("PRACTITIONER", "EMERGENCY_DUTY"),
        "Emergency duty social worker", "0113",
    ),
)  # fmt: skip


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def demo_users(seed: int, today: date) -> list[DemoUser]:
    """The demo users; the same seed gives the same ids, passwords and TOTP secrets."""
    rng = random.Random(f"users-{seed}")  # noqa: S311 - demo sign-ins are reproducible on purpose
    trained_on = today - timedelta(days=100)
    vetted_until = years_after(today, 2)
    users: list[DemoUser] = []
    for spec in _SPECS:
        user_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        words = "-".join(rng.choice(_PASSWORD_WORDS) for _ in range(2))
        password = f"Demo-{words}-{rng.randrange(10_000):04d}"
        secret = base64.b32encode(rng.getrandbits(160).to_bytes(20, "big")).decode("ascii")
        users.append(
            DemoUser(
                id=user_id,
                email=f"{spec.local_part}@{DEMO_EMAIL_DOMAIN}",
                name=spec.name,
                organisation_code=spec.organisation_code,
                roles=spec.roles,
                job_title=spec.job_title,
                phone=f"{drama_prefix(spec.area_code)}{rng.randrange(1000):03d}",
                password=password,
                totp_secret=secret,
                trained_on=trained_on if spec.trained else None,
                vetted_until=vetted_until if spec.trained else None,
                involvement_service=spec.involvement_service,
            )
        )
    return users
