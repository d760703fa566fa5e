"""Rows for tests, written as the application role so every database rule applies.

Children are created through the import service (`enrol_child`): the same checks, IDs,
keys and provenance as a feed's new child. Each helper fills in valid defaults and takes
overrides.
"""

import itertools
import uuid
from datetime import date
from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.tables import Carer, Child, Involvement, Organisation, Shielding
from backend.domain.identifiers import make_contact_point_id
from backend.services.enrolment import enrol_child

_serial = itertools.count(1)


async def authority(
    conn: AsyncConnection, code: str = "E08000035", name: str = "Leeds City Council", **values: Any
) -> int:
    row = {
        "code": code,
        "name": name,
        "kind": "LOCAL_AUTHORITY",
        "team_name": f"{name} ContactPoint team",
        "team_phone": "0113 496 0000",
        "team_email": "contactpoint@leeds.example",
        "team_out_of_hours_phone": "0113 496 0888",
        "active": True,
        **values,
    }
    return int(
        (
            await conn.execute(insert(Organisation).values(row).returning(Organisation.id))
        ).scalar_one()
    )


async def service(
    conn: AsyncConnection, parent_id: int, code: str = "SCH-TEST-001", **values: Any
) -> int:
    row = {
        "code": code,
        "name": "Park View Primary School",
        "kind": "SCHOOL",
        "parent_authority_id": parent_id,
        "active": True,
        **values,
    }
    return int(
        (
            await conn.execute(insert(Organisation).values(row).returning(Organisation.id))
        ).scalar_one()
    )


# The source test children come from: ranked below every real source, so that a feed
# record in a test wins each field as it would over a value nobody vouched for.
SOURCE = "TEST_FACTORY"
_REGISTER = (
    "INSERT INTO feed_source (code, name, precedence) VALUES (:code, 'Test factories', 1000)"
    " ON CONFLICT (code) DO NOTHING"
)
# A feed record's columns, by the child column a test names.
_FEED_COLUMNS = {
    "given_names": "given_names",
    "family_name": "family_name",
    "date_of_birth": "date_of_birth",
    "gender": "gender",
    "address_line1": "address_line_1",
    "address_line2": "address_line_2",
    "town": "town",
    "postcode": "postcode",
    "nhs_number": "nhs_number",
    "upn": "upn",
}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


async def child(conn: AsyncConnection, authority_id: int, **values: Any) -> tuple[int, str]:
    """A child entered as a feed would enter it; values no feed carries (status, other
    names, a given ContactPoint ID ...) are then set on the record as later events would.
    (internal id, ContactPoint ID)."""
    serial = next(_serial)
    chosen = {
        "given_names": "Amelia",
        "family_name": "Smith",
        "date_of_birth": date(2015, 3, 14),
        "gender": "FEMALE",
        "address_line1": "12 Park Road",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        **values,
    }
    code = await conn.scalar(
        text("SELECT code FROM organisation WHERE id = :id"), {"id": authority_id}
    )
    record = {feed: _as_text(chosen.pop(column, None)) for column, feed in _FEED_COLUMNS.items()}
    record |= {"source_record_id": f"TEST-{serial}", "responsible_authority": code}
    await conn.execute(text(_REGISTER), {"code": SOURCE})
    child_id, cp_id = await enrol_child(conn, SOURCE, record)
    if chosen:
        await conn.execute(update(Child).where(Child.id == child_id).values(chosen))
        cp_id = chosen.get("contact_point_id", cp_id)
    return child_id, cp_id


async def child_row(conn: AsyncConnection, authority_id: int, **values: Any) -> tuple[int, str]:
    """A child inserted as a bare row, for tests of the database's own rules (a feed
    would refuse the bad values they try)."""
    serial = next(_serial)
    cp_id = make_contact_point_id(serial * 7919)
    row = {
        "contact_point_id": cp_id,
        "given_names": "Amelia",
        "family_name": "Smith",
        "other_names": [],
        "date_of_birth": date(2015, 3, 14),
        "gender": "FEMALE",
        "address_line1": "12 Park Road",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "responsible_authority_id": authority_id,
        "status": "ACTIVE",
        **values,
    }
    child_id = (await conn.execute(insert(Child).values(row).returning(Child.id))).scalar_one()
    return int(child_id), cp_id


async def carer(conn: AsyncConnection, child_id: int, **values: Any) -> None:
    row = {
        "id": uuid.uuid4(),
        "child_id": child_id,
        "name": "Jane Smith",
        "relationship": "MOTHER",
        "parental_responsibility": True,
        "phone": "07700 900123",
        **values,
    }
    await conn.execute(insert(Carer).values(row))


async def involvement(
    conn: AsyncConnection, child_id: int, organisation_id: int, **values: Any
) -> uuid.UUID:
    row = {
        "id": uuid.uuid4(),
        "child_id": child_id,
        "organisation_id": organisation_id,
        "service_type": "EDUCATION_SETTING",
        "sensitive": False,
        "practitioner_name": "Sam Jones",
        "practitioner_role": "Class teacher",
        "phone": "0113 496 0123",
        "email": "sam.jones@parkview.example",
        "start_date": date(2021, 9, 1),
        **values,
    }
    await conn.execute(insert(Involvement).values(row))
    return uuid.UUID(str(row["id"]))


async def shielding(conn: AsyncConnection, child_id: int, **values: Any) -> None:
    row = {
        "id": uuid.uuid4(),
        "child_id": child_id,
        "reason": "DOMESTIC_VIOLENCE",
        "review_date": date(2030, 1, 1),
        **values,
    }
    await conn.execute(insert(Shielding).values(row))
