"""Plain, immutable records read from the database, before any access decision."""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    id: int
    code: str
    name: str
    kind: str
    team_name: str | None
    team_phone: str | None
    team_email: str | None
    # Whom to ring about a shielded child out of hours (its emergency duty team).
    team_out_of_hours_phone: str | None = None


@dataclass(frozen=True, slots=True)
class CarerRecord:
    id: str
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    address_line1: str | None
    address_line2: str | None
    town: str | None
    postcode: str | None


@dataclass(frozen=True, slots=True)
class InvolvementRecord:
    id: str
    organisation: OrganisationRecord
    service_type: str
    service_type_label: str
    sensitive: bool
    practitioner_user_id: str | None
    practitioner_name: str
    practitioner_role: str | None
    phone: str | None
    email: str | None
    start_date: date
    end_date: date | None
    is_lead: bool
    recorded_by: str | None = None  # the name of the person who recorded it
    ended_by: str | None = None


@dataclass(frozen=True, slots=True)
class CafRecord:
    status: str
    started_on: date
    completed_on: date | None
    holder: OrganisationRecord
    holder_name: str
    holder_phone: str | None
    holder_email: str | None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class EmergencyWindow:
    """The caller's open emergency grant on a child: which, why, and until when."""

    grant_id: str
    purpose: str
    granted_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """Everything a record view can show of one child, read in one statement."""

    id: int
    contact_point_id: str
    given_names: str
    family_name: str
    other_names: tuple[str, ...]
    date_of_birth: date
    gender: str
    address_line1: str | None
    address_line2: str | None
    town: str | None
    postcode: str | None
    nhs_number: str | None
    upn: str | None
    status: str
    responsible_authority: OrganisationRecord
    shielded: bool
    carers: tuple[CarerRecord, ...]
    involvements: tuple[InvolvementRecord, ...]
    caf: CafRecord | None
    # Only when read for a signed-in person who holds an open grant on this child.
    emergency: EmergencyWindow | None = None
