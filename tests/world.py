"""A small directory for access tests: two authorities, a national team, a partner; a person
of each role; a shielded child whose protected values are distinctive strings, so a test
can search any response or log for them; and an unshielded child with a sensitive service.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.policy.fields import GRANTABLE_TO_CLIENTS
from backend.services.api_clients import create_api_client
from backend.services.users import create_user
from tests import factories

PASSWORD = "a long enough password"

# Everything below must never reach anyone but the responsible management team.
SHIELDED_SECRETS = (
    "7 Hidden Lane",
    "LS9 9ZZ",
    "Carol Secretcarer",
    "07700 900999",
    "Pat Secretworker",
    "0113 496 0999",
    "pat.secret@clinic.example",
    "9434765919",
    "Hiddentown",
)
# The nature of a sensitive service: only the organisation that recorded it sees these.
SENSITIVE_NATURE = ("SEXUAL_HEALTH", "Sexual health", "Sexual health nurse")


@dataclass
class Person:
    email: str
    totp_secret: str
    password: str = PASSWORD


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    partner_token: str = ""
    narrow_partner_token: str = ""
    shielded_child: str = ""
    open_child: str = ""
    leeds_id: int = 0


async def build_world(engine: AsyncEngine) -> World:
    world = World()
    actor = Actor(request_id="test-world")
    async with engine.begin() as conn:
        leeds = await factories.authority(conn)
        world.leeds_id = leeds
        manchester = await factories.authority(
            conn, code="E08000003", name="Manchester City Council"
        )
        await factories.authority(
            conn, code="CONTACTPOINT", name="ContactPoint national team", kind="NATIONAL_TEAM"
        )
        await factories.authority(
            conn, code="BARNARDOS", name="Barnardo's", kind="NATIONAL_PARTNER"
        )
        school = await factories.service(conn, leeds)
        clinic = await factories.service(
            conn,
            leeds,
            code="HLT-TEST-001",
            kind="HEALTH_SERVICE",
            name="Leeds Young People's Clinic",
        )
        await factories.service(conn, manchester, code="SCH-TEST-002", name="Manchester School")
        roles = {
            "practitioner": ("E08000035", ["PRACTITIONER"]),
            "manager": ("E08000035", ["PRACTITIONER", "MANAGER"]),
            "other manager": ("E08000003", ["PRACTITIONER", "MANAGER"]),
            "other practitioner": ("E08000003", ["PRACTITIONER"]),
            "administrator": ("CONTACTPOINT", ["ADMINISTRATOR"]),
            "auditor": ("CONTACTPOINT", ["AUDITOR"]),
        }
        for who, (org, granted) in roles.items():
            user = await create_user(
                conn,
                actor,
                email=f"{who.replace(' ', '.')}@test.example",
                name=who.title(),
                organisation_code=org,
                roles=granted,
                password=PASSWORD,
                trained_on=date(2026, 1, 5),
                vetted_until=date(2030, 1, 1),
            )
            world.people[who] = Person(email=user.email, totp_secret=user.totp_secret)
        world.partner_token = (
            await create_api_client(
                conn,
                actor,
                organisation_code="BARNARDOS",
                name="Case system",
                fields=sorted(GRANTABLE_TO_CLIENTS),
            )
        ).token
        world.narrow_partner_token = (
            await create_api_client(
                conn,
                actor,
                organisation_code="BARNARDOS",
                name="Lookup",
                fields=["familyName", "dateOfBirth"],
            )
        ).token

        hidden_id, world.shielded_child = await factories.child(
            conn,
            leeds,
            given_names="Riley",
            family_name="Shieldson",
            address_line1="7 Hidden Lane",
            town="Hiddentown",
            postcode="LS9 9ZZ",
            nhs_number="9434765919",
        )
        await factories.carer(conn, hidden_id, name="Carol Secretcarer", phone="07700 900999")
        await factories.involvement(
            conn,
            hidden_id,
            school,
            practitioner_name="Pat Secretworker",
            phone="0113 496 0999",
            email="pat.secret@clinic.example",
        )
        await factories.involvement(
            conn,
            hidden_id,
            clinic,
            service_type="SEXUAL_HEALTH",
            sensitive=True,
            practitioner_name="Pat Secretworker",
            practitioner_role="Sexual health nurse",
            consent_given_by="YOUNG_PERSON",
            consent_given_on=date(2026, 2, 1),
            consent_recorded_by="Pat Secretworker",
        )
        await factories.shielding(conn, hidden_id)

        open_id, world.open_child = await factories.child(
            conn, leeds, given_names="Alex", family_name="Openshaw"
        )
        await factories.involvement(conn, open_id, school, practitioner_name="Sam Teacher")
        await factories.involvement(
            conn,
            open_id,
            clinic,
            service_type="SEXUAL_HEALTH",
            sensitive=True,
            practitioner_name="Jo Nurse",
            practitioner_role="Sexual health nurse",
            phone="0113 496 0555",
            consent_given_by="YOUNG_PERSON",
            consent_given_on=date(2026, 2, 1),
            consent_recorded_by="Jo Nurse",
        )
    return world
