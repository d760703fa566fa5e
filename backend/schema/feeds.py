"""Types of the data feeds' review queue. Built only from a `ReviewView`, whose policy
decisions say which fields are withheld: those are None here and named in `withheld`."""

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from backend.db.queries.match_reviews import CandidateRow
from backend.linkage.fields import LEVELS, MISSING, LinkField
from backend.policy.fields import Reason
from backend.schema.children import Address, WithheldField
from backend.schema.enums import REASONS, Gender, WithheldReason
from backend.schema.organisations import Organisation
from backend.services.match_reviews import CandidateView, ReviewView


@strawberry.enum
class MatchReviewStatus(Enum):
    PENDING = "PENDING"
    SAME_CHILD = "SAME_CHILD"
    DIFFERENT_CHILD = "DIFFERENT_CHILD"


@strawberry.enum
class MatchDecision(Enum):
    SAME_CHILD = "SAME_CHILD"
    DIFFERENT_CHILD = "DIFFERENT_CHILD"


@strawberry.enum(description="How far the candidate resembles the record, by the match lines.")
class CandidateStrength(Enum):
    STRONG = "STRONG"
    POSSIBLE = "POSSIBLE"
    WEAK = "WEAK"


@strawberry.enum
class Agreement(Enum):
    AGREES = "AGREES"
    CLOSE = "CLOSE"
    DIFFERENT = "DIFFERENT"
    MISSING = "MISSING"


@strawberry.type(description="How one field of the incoming record compares with a candidate's.")
class FieldAgreement:
    field: str = strawberry.field(description="The Child field compared, e.g. familyName.")
    agreement: Agreement | None = strawberry.field(
        description="Null when withheld (see withheldReason)."
    )
    level: str | None = strawberry.field(
        description="The linkage engine's level: EXACT, NICKNAME, ONE_EDIT, PHONETIC, ..."
    )
    withheld_reason: WithheldReason | None


@strawberry.type(description="A feed record as it arrived, waiting for a decision.")
class IncomingRecord:
    given_names: str
    family_name: str
    previous_family_name: str | None
    date_of_birth: date
    gender: Gender
    address: Address | None
    nhs_number: str | None
    upn: str | None
    responsible_authority: Organisation | None
    withheld: list[WithheldField]


@strawberry.type(description="A child in the directory the incoming record may be.")
class MatchCandidate:
    child_id: strawberry.ID = strawberry.field(description="Its ContactPoint ID.")
    given_names: str
    family_name: str
    other_names: list[str]
    date_of_birth: date
    gender: Gender
    shielded: bool
    archived: bool | None = strawberry.field(description="Past 18: found only by its team.")
    address: Address | None
    nhs_number: str | None
    upn: str | None
    responsible_authority: Organisation | None
    weight: float | None = strawberry.field(
        description="Match weight in bits (log2 of the odds); null when it depends on"
        " whereabouts the caller may not see."
    )
    strength: CandidateStrength | None
    agreements: list[FieldAgreement]
    withheld: list[WithheldField]


@strawberry.type(description="A doubtful feed record and the children it may be.")
class MatchReview:
    id: strawberry.ID
    source: str = strawberry.field(description="The feed source's code.")
    source_name: str
    source_record_id: str
    received_at: datetime
    status: MatchReviewStatus
    responsible_authority: Organisation | None = strawberry.field(
        description="Whose management team decides it."
    )
    incoming: IncomingRecord
    candidates: list[MatchCandidate]
    decided_child_id: strawberry.ID | None = strawberry.field(
        description="Once decided: the child the record now belongs to."
    )
    decided_by: str | None
    decided_at: datetime | None

    @classmethod
    def from_view(cls, view: ReviewView) -> "MatchReview":
        row = view.row
        return cls(
            id=strawberry.ID(str(row.id)),
            source=row.source,
            source_name=row.source_name,
            source_record_id=row.source_record_id,
            received_at=row.created_at,
            status=MatchReviewStatus(row.status),
            responsible_authority=_organisation(view, row.responsible_authority_id),
            incoming=_incoming(view),
            candidates=[_candidate(view, c) for c in view.candidates],
            decided_child_id=(
                strawberry.ID(row.decided_child_id) if row.decided_child_id else None
            ),
            decided_by=row.decided_by,
            decided_at=row.decided_at,
        )


@strawberry.type
class MatchReviewPage:
    reviews: list[MatchReview]
    next_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


def _organisation(view: ReviewView, organisation_id: int) -> Organisation | None:
    found = view.organisations.get(organisation_id)
    return Organisation.from_record(found) if found else None


def _withheld(reasons: dict[str, Reason]) -> list[WithheldField]:
    return [WithheldField(field=name, reason=REASONS[reason]) for name, reason in reasons.items()]


def _incoming(view: ReviewView) -> IncomingRecord:
    record: dict[str, Any] = view.row.record
    hidden = view.incoming_withheld
    return IncomingRecord(
        given_names=record["given_names"],
        family_name=record["family_name"],
        previous_family_name=record.get("previous_family_name"),
        date_of_birth=date.fromisoformat(record["date_of_birth"]),
        gender=Gender(record["gender"]),
        address=None
        if "address" in hidden
        else Address(
            line1=record.get("address_line1"),
            line2=record.get("address_line2"),
            town=record.get("town"),
            postcode=record.get("postcode"),
        ),
        nhs_number=None if "nhsNumber" in hidden else record.get("nhs_number"),
        upn=None if "upn" in hidden else record.get("upn"),
        responsible_authority=_organisation(view, int(record["authority_id"])),
        withheld=_withheld(dict(hidden)),
    )


# Levels that mean "the same", and those that mean "alike but not the same".
_AGREES = frozenset({"EXACT", "SAME", "AMONG_NAMES"})
_DIFFERENT = frozenset({"DIFFERENT", "NOT_AMONG_NAMES"})

_COMPARED = (
    ("familyName", "family", LinkField.FAMILY),
    ("givenNames", "given", LinkField.GIVEN),
    ("dateOfBirth", "birth", LinkField.BIRTH),
    ("postcode", "postcode", LinkField.POSTCODE),
    ("gender", "gender", LinkField.GENDER),
)


def _agreement(level: str) -> Agreement:
    if level == MISSING:
        return Agreement.MISSING
    if level in _AGREES:
        return Agreement.AGREES
    if level in _DIFFERENT:
        return Agreement.DIFFERENT
    return Agreement.CLOSE


def _identifier(incoming: str | None, held: str | None) -> Agreement:
    if incoming is None or held is None:
        return Agreement.MISSING
    return Agreement.AGREES if incoming == held else Agreement.DIFFERENT


def _agreements(view: ReviewView, candidate: CandidateView) -> list[FieldAgreement]:
    row: CandidateRow = candidate.row
    whereabouts = candidate.whereabouts_withheld
    found: list[FieldAgreement] = []
    for field, key, link_field in _COMPARED:
        hidden = whereabouts if field == "postcode" else None
        code = row.levels.get(key)
        level = None if code is None or hidden else LEVELS[link_field][code]
        found.append(
            FieldAgreement(
                field=field,
                agreement=None if level is None else _agreement(level),
                level=level,
                withheld_reason=REASONS[hidden] if hidden else None,
            )
        )
    record = view.row.record
    for field, key in (("nhsNumber", "nhs_number"), ("upn", "upn")):
        reason = candidate.decision.withheld.get(field) or view.incoming_withheld.get(field)
        found.append(
            FieldAgreement(
                field=field,
                agreement=None if reason else _identifier(record.get(key), getattr(row, key)),
                level=None,
                withheld_reason=REASONS[reason] if reason else None,
            )
        )
    return found


def _candidate(view: ReviewView, candidate: CandidateView) -> MatchCandidate:
    row = candidate.row
    withheld = dict(candidate.decision.withheld)
    shown = {name: reason for name, reason in withheld.items() if name in _CANDIDATE_FIELDS}
    if "status" in withheld:
        shown["archived"] = withheld["status"]
    whereabouts = candidate.whereabouts_withheld
    if whereabouts is not None:
        shown["weight"] = whereabouts
        shown["strength"] = whereabouts
    return MatchCandidate(
        child_id=strawberry.ID(row.contact_point_id),
        given_names=row.given_names,
        family_name=row.family_name,
        other_names=row.other_names,
        date_of_birth=row.date_of_birth,
        gender=Gender(row.gender),
        shielded=row.shielded,
        archived=None if "status" in withheld else row.status != "ACTIVE",
        address=None
        if "address" in withheld
        else Address(
            line1=row.address_line1, line2=row.address_line2, town=row.town, postcode=row.postcode
        ),
        nhs_number=None if "nhsNumber" in withheld else row.nhs_number,
        upn=None if "upn" in withheld else row.upn,
        responsible_authority=_organisation(view, row.responsible_authority_id),
        weight=None if whereabouts else row.weight,
        strength=None if whereabouts else CandidateStrength(candidate.strength),
        agreements=_agreements(view, candidate),
        withheld=_withheld(shown),
    )


# The fields of a candidate a policy decision can withhold.
_CANDIDATE_FIELDS = frozenset({"address", "nhsNumber", "upn"})
