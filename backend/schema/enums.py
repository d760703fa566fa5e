"""GraphQL enums, mirroring the database vocabularies and the policy's reasons."""

from enum import Enum

import strawberry

from backend.policy.fields import Reason


@strawberry.enum(description="Why a field the caller asked for is null.")
class WithheldReason(Enum):
    SHIELDED = Reason.SHIELDED.value
    ROLE = Reason.ROLE.value
    SCOPE = Reason.SCOPE.value
    CONSENT = Reason.CONSENT.value
    SUMMARY = Reason.SUMMARY.value


@strawberry.enum
class Gender(Enum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    OTHER = "OTHER"
    NOT_KNOWN = "NOT_KNOWN"


@strawberry.enum
class OrganisationKind(Enum):
    NATIONAL_TEAM = "NATIONAL_TEAM"
    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    NATIONAL_PARTNER = "NATIONAL_PARTNER"
    SCHOOL = "SCHOOL"
    GP_PRACTICE = "GP_PRACTICE"
    HEALTH_SERVICE = "HEALTH_SERVICE"
    SOCIAL_CARE = "SOCIAL_CARE"
    YOUTH_OFFENDING = "YOUTH_OFFENDING"
    OTHER_SERVICE = "OTHER_SERVICE"


@strawberry.enum
class CafStatus(Enum):
    STARTED = "STARTED"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"


@strawberry.enum
class ChildStatus(Enum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


REASONS = {reason: WithheldReason(reason.value) for reason in Reason}


@strawberry.enum
class ShieldingReason(Enum):
    DOMESTIC_VIOLENCE = "DOMESTIC_VIOLENCE"
    WITNESS_PROTECTION = "WITNESS_PROTECTION"
    ADOPTION = "ADOPTION"
    OTHER = "OTHER"


@strawberry.enum(description="Why the glass was broken on a shielded record.")
class EmergencyPurpose(Enum):
    CHILD_AT_IMMEDIATE_RISK = "CHILD_AT_IMMEDIATE_RISK"
    POLICE_REQUEST = "POLICE_REQUEST"
    MEDICAL_EMERGENCY = "MEDICAL_EMERGENCY"
    OTHER = "OTHER"


@strawberry.enum(description="The management team's finding on an emergency access.")
class EmergencyOutcome(Enum):
    JUSTIFIED = "JUSTIFIED"
    NOT_JUSTIFIED = "NOT_JUSTIFIED"
