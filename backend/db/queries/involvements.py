"""Reading and writing involvements, lead professionals and CAF status.

Every write runs inside the caller's transaction, after `lock_child` has locked the
child's row: two practitioners changing the same child's involvements queue behind each
other instead of racing (the database's unique indexes are the last line, not the first).
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.queries.child_view import (
    ORGANISATION_JSON,
    caf_from_json,
    involvement_from_json,
)
from backend.db.records import CafRecord, InvolvementRecord


@dataclass(frozen=True, slots=True)
class LockedChild:
    id: int
    contact_point_id: str
    responsible_authority_id: int
    status: str
    shielded: bool
    name: str


@dataclass(frozen=True, slots=True)
class ServiceTypeRow:
    code: str
    label: str
    sensitive: bool


@dataclass(frozen=True, slots=True)
class InvolvementRow:
    """An involvement as the rules about changing it need it."""

    id: uuid.UUID
    child_id: int
    organisation_id: int
    practitioner_user_id: uuid.UUID | None
    sensitive: bool
    start_date: date
    end_date: date | None
    is_lead: bool


@dataclass(frozen=True, slots=True)
class NewInvolvement:
    child_id: int
    organisation_id: int
    service_type: str
    sensitive: bool
    practitioner_user_id: uuid.UUID
    practitioner_name: str
    practitioner_role: str | None
    phone: str | None
    email: str | None
    start_date: date
    consent_given_by: str | None
    consent_given_on: date | None
    consent_recorded_by: str | None


# The columns `update_contact` may set, by the name a change gives them.
CONTACT_COLUMNS = {
    "practitionerName": "practitioner_name",
    "practitionerRole": "practitioner_role",
    "phone": "phone",
    "email": "email",
    "startDate": "start_date",
}


@dataclass(frozen=True, slots=True)
class CafChange:
    child_id: int
    status: str
    started_on: date
    completed_on: date | None
    closed_on: date | None
    holder_organisation_id: int
    holder_name: str
    holder_phone: str | None
    holder_email: str | None
    recorded_by: uuid.UUID


@dataclass(frozen=True, slots=True)
class CafRow:
    status: str
    started_on: date
    completed_on: date | None
    closed_on: date | None
    holder_organisation_id: int
    holder_name: str
    holder_phone: str | None
    holder_email: str | None


_LOCK_CHILD = """
SELECT c.id, c.contact_point_id, c.responsible_authority_id, c.status,
       c.given_names || ' ' || c.family_name AS name,
       EXISTS (SELECT 1 FROM shielding s
               WHERE s.child_id = c.id AND s.unshielded_at IS NULL) AS shielded
  FROM child c WHERE {key} FOR UPDATE OF c
"""
_LOCK_BY_CONTACT_POINT_ID = text(_LOCK_CHILD.format(key="c.contact_point_id = :key"))
_LOCK_BY_ID = text(_LOCK_CHILD.format(key="c.id = :key"))


async def lock_child(conn: AsyncConnection, contact_point_id: str) -> LockedChild | None:
    row = (await conn.execute(_LOCK_BY_CONTACT_POINT_ID, {"key": contact_point_id})).first()
    return LockedChild(**row._mapping) if row else None


async def lock_child_by_id(conn: AsyncConnection, child_id: int) -> LockedChild | None:
    row = (await conn.execute(_LOCK_BY_ID, {"key": child_id})).first()
    return LockedChild(**row._mapping) if row else None


async def service_types(conn: AsyncConnection) -> list[ServiceTypeRow]:
    rows = await conn.execute(
        text("SELECT code, label, sensitive FROM service_type ORDER BY sensitive, label")
    )
    return [ServiceTypeRow(r.code, r.label, r.sensitive) for r in rows]


async def service_type(conn: AsyncConnection, code: str) -> ServiceTypeRow | None:
    row = (
        await conn.execute(
            text("SELECT code, label, sensitive FROM service_type WHERE code = :code"),
            {"code": code},
        )
    ).first()
    return ServiceTypeRow(row.code, row.label, row.sensitive) if row else None


async def active_involvement_of(
    conn: AsyncConnection, child_id: int, user_id: uuid.UUID, service: str
) -> bool:
    found = (
        await conn.execute(
            text(
                "SELECT 1 FROM involvement WHERE child_id = :child"
                " AND practitioner_user_id = :user AND service_type = :service"
                " AND end_date IS NULL"
            ),
            {"child": child_id, "user": user_id, "service": service},
        )
    ).first()
    return found is not None


async def insert_involvement(conn: AsyncConnection, new: NewInvolvement) -> uuid.UUID:
    involvement_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO involvement (id, child_id, organisation_id, service_type, sensitive,"
            " practitioner_user_id, practitioner_name, practitioner_role, phone, email,"
            " start_date, consent_given_by, consent_given_on, consent_recorded_by, recorded_by)"
            " VALUES (:id, :child, :org, :service, :sensitive, :user, :name, :role, :phone,"
            " :email, :start, :consent_by, :consent_on, :consent_recorder, :user)"
        ),
        {
            "id": involvement_id,
            "child": new.child_id,
            "org": new.organisation_id,
            "service": new.service_type,
            "sensitive": new.sensitive,
            "user": new.practitioner_user_id,
            "name": new.practitioner_name,
            "role": new.practitioner_role,
            "phone": new.phone,
            "email": new.email,
            "start": new.start_date,
            "consent_by": new.consent_given_by,
            "consent_on": new.consent_given_on,
            "consent_recorder": new.consent_recorded_by,
        },
    )
    return involvement_id


async def involvement_for_change(
    conn: AsyncConnection, involvement_id: uuid.UUID
) -> InvolvementRow | None:
    """The involvement, without locking (lock its child first, then read it again)."""
    row = (
        await conn.execute(
            text(
                "SELECT id, child_id, organisation_id, practitioner_user_id, sensitive,"
                " start_date, end_date, is_lead FROM involvement WHERE id = :id"
            ),
            {"id": involvement_id},
        )
    ).first()
    if row is None:
        return None
    return InvolvementRow(
        id=row.id,
        child_id=row.child_id,
        organisation_id=row.organisation_id,
        practitioner_user_id=row.practitioner_user_id,
        sensitive=row.sensitive,
        start_date=row.start_date,
        end_date=row.end_date,
        is_lead=row.is_lead,
    )


async def update_contact(
    conn: AsyncConnection, involvement_id: uuid.UUID, changes: Mapping[str, object]
) -> bool:
    """Set exactly the details in `changes` (a None clears), by CONTACT_COLUMNS name.
    Whether the involvement still has a phone or an email to reach its practitioner."""
    values = {CONTACT_COLUMNS[name]: value for name, value in changes.items()}
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    reachable = await conn.scalar(
        text(
            f"UPDATE involvement SET {assignments} WHERE id = :id"  # noqa: S608 - known columns
            " RETURNING phone IS NOT NULL OR email IS NOT NULL"
        ),
        {"id": involvement_id, **values},
    )
    return bool(reachable)


async def end_involvement(
    conn: AsyncConnection, involvement_id: uuid.UUID, end_date: date, by: uuid.UUID
) -> None:
    # An ended involvement cannot stay lead professional (a CHECK says so).
    await conn.execute(
        text(
            "UPDATE involvement SET end_date = :end, ended_by = :by, ended_at = now(),"
            " is_lead = false WHERE id = :id"
        ),
        {"id": involvement_id, "end": end_date, "by": by},
    )


async def current_lead(conn: AsyncConnection, child_id: int) -> uuid.UUID | None:
    value = (
        await conn.execute(
            text(
                "SELECT id FROM involvement WHERE child_id = :child AND is_lead"
                " AND end_date IS NULL"
            ),
            {"child": child_id},
        )
    ).scalar()
    return uuid.UUID(str(value)) if value else None


async def set_lead(conn: AsyncConnection, involvement_id: uuid.UUID, lead: bool) -> None:
    await conn.execute(
        text("UPDATE involvement SET is_lead = :lead WHERE id = :id"),
        {"id": involvement_id, "lead": lead},
    )


async def fetch_involvement(
    conn: AsyncConnection, involvement_id: uuid.UUID
) -> InvolvementRecord | None:
    """One involvement as the record view reads it."""
    raw = (
        await conn.execute(
            text(
                f"""SELECT json_build_object(
                 'id', i.id, 'organisation', {ORGANISATION_JSON.format(o="io")},
                 'service_type', i.service_type, 'service_type_label', st.label,
                 'sensitive', i.sensitive, 'practitioner_user_id', i.practitioner_user_id,
                 'practitioner_name', i.practitioner_name,
                 'practitioner_role', i.practitioner_role, 'phone', i.phone, 'email', i.email,
                 'start_date', i.start_date, 'end_date', i.end_date, 'is_lead', i.is_lead,
                 'recorded_by', rb.name, 'ended_by', eb.name)
              FROM involvement i
              JOIN organisation io ON io.id = i.organisation_id
              JOIN service_type st ON st.code = i.service_type
              LEFT JOIN user_account rb ON rb.id = i.recorded_by
              LEFT JOIN user_account eb ON eb.id = i.ended_by
             WHERE i.id = :id"""  # noqa: S608 - built from a constant
            ),
            {"id": involvement_id},
        )
    ).scalar()
    return involvement_from_json(raw) if raw is not None else None


async def current_caf(conn: AsyncConnection, child_id: int) -> CafRow | None:
    row = (
        await conn.execute(
            text(
                "SELECT status, started_on, completed_on, closed_on, holder_organisation_id,"
                " holder_name,"
                " holder_phone, holder_email FROM caf_assessment WHERE child_id = :child"
            ),
            {"child": child_id},
        )
    ).first()
    return CafRow(**row._mapping) if row else None


async def save_caf(conn: AsyncConnection, change: CafChange) -> None:
    await conn.execute(
        text(
            "INSERT INTO caf_assessment (child_id, status, started_on, completed_on, closed_on,"
            " holder_organisation_id, holder_name, holder_phone, holder_email, recorded_by)"
            " VALUES (:child, :status, :started, :completed, :closed, :org, :name, :phone,"
            " :email, :by)"
            " ON CONFLICT (child_id) DO UPDATE SET status = EXCLUDED.status,"
            " started_on = EXCLUDED.started_on, completed_on = EXCLUDED.completed_on,"
            " closed_on = EXCLUDED.closed_on,"
            " holder_organisation_id = EXCLUDED.holder_organisation_id,"
            " holder_name = EXCLUDED.holder_name, holder_phone = EXCLUDED.holder_phone,"
            " holder_email = EXCLUDED.holder_email, recorded_by = EXCLUDED.recorded_by,"
            " updated_at = now()"
        ),
        {
            "child": change.child_id,
            "status": change.status,
            "started": change.started_on,
            "completed": change.completed_on,
            "closed": change.closed_on,
            "org": change.holder_organisation_id,
            "name": change.holder_name,
            "phone": change.holder_phone,
            "email": change.holder_email,
            "by": change.recorded_by,
        },
    )


async def fetch_caf(conn: AsyncConnection, child_id: int) -> CafRecord | None:
    """The child's CAF as the record view reads it."""
    raw = (
        await conn.execute(
            text(
                f"""SELECT json_build_object(
                 'status', ca.status, 'started_on', ca.started_on,
                 'completed_on', ca.completed_on, 'closed_on', ca.closed_on,
                 'holder', {ORGANISATION_JSON.format(o="co")},
                 'holder_name', ca.holder_name, 'holder_phone', ca.holder_phone,
                 'holder_email', ca.holder_email)
              FROM caf_assessment ca JOIN organisation co ON co.id = ca.holder_organisation_id
             WHERE ca.child_id = :child"""  # noqa: S608 - built from a constant
            ),
            {"child": child_id},
        )
    ).scalar()
    if raw is None:
        return None
    return caf_from_json(json.loads(raw) if isinstance(raw, str) else raw)
