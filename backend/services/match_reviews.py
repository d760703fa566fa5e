"""The review queue of the data feeds: records the matching could not decide alone.

A doubtful record waits for the management team of its responsible authority (of the
shielded candidate's authority, when one is shielded: the only team that may see where
that child lives). The team compares it with each candidate field by field and decides:
the same child (the record updates that child, by precedence, with provenance) or a
different one (a new child is created). Listing the queue and every decision is audited.

What a candidate shows follows `decide()`, the policy of every child record: a shielded
child's whereabouts, and everything that depends on them (the postcode's agreement, the
match weight, the incoming record's own address), are withheld from anyone but its team.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from backend.audit.writer import AuditEntry, record
from backend.db.driver import driver
from backend.db.queries import feed_apply, feed_matching
from backend.db.queries import match_reviews as queries
from backend.db.queries.match_reviews import CandidateRow, ReviewRow
from backend.db.queries.organisations import organisations_by_id
from backend.db.records import OrganisationRecord
from backend.db.tables.vocabulary import MATCH_REVIEW_STATUSES
from backend.domain.ids import contact_point_id, record_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.linkage.model import Thresholds
from backend.policy.caller import Caller
from backend.policy.decide import ChildFacts, Decision, decide
from backend.policy.fields import Reason
from backend.services.shielding_workbench import workbench
from backend.web.context import RequestContext

MAX_PAGE = 100
SAME_CHILD = "SAME_CHILD"
DIFFERENT_CHILD = "DIFFERENT_CHILD"
DECISIONS = (SAME_CHILD, DIFFERENT_CHILD)

# The incoming record's fields that say where a child lives or which numbers it holds:
# withheld when a candidate's are (the record may well be that child).
_INCOMING_PROTECTED = ("address", "nhsNumber", "upn")
# A candidate's fields the match weight and the agreement of each depend on.
WHEREABOUTS = "address"


@dataclass(frozen=True, slots=True)
class CandidateView:
    row: CandidateRow
    decision: Decision
    strength: str  # STRONG or POSSIBLE or WEAK, by the directory's lines

    @property
    def whereabouts_withheld(self) -> Reason | None:
        return self.decision.withheld.get(WHEREABOUTS)


@dataclass(frozen=True, slots=True)
class ReviewView:
    row: ReviewRow
    candidates: list[CandidateView]
    # Fields of the incoming record the caller may not see, and why.
    incoming_withheld: Mapping[str, Reason]
    organisations: Mapping[int, OrganisationRecord]


@dataclass(frozen=True, slots=True)
class ReviewPage:
    reviews: list[ReviewView]
    next_cursor: str | None


def _strength(weight: float, thresholds: Thresholds) -> str:
    if weight >= thresholds.strong:
        return "STRONG"
    if weight >= thresholds.possible:
        return "POSSIBLE"
    return "WEAK"


def _view(
    caller: Caller,
    row: ReviewRow,
    thresholds: Thresholds,
    organisations: Mapping[int, OrganisationRecord],
) -> ReviewView:
    candidates = [
        CandidateView(
            row=candidate,
            decision=decide(
                caller,
                ChildFacts(
                    responsible_authority_id=candidate.responsible_authority_id,
                    shielded=candidate.shielded,
                    archived=candidate.status != "ACTIVE",
                ),
            ),
            strength=_strength(candidate.weight, thresholds),
        )
        for candidate in row.candidates
    ]
    incoming: dict[str, Reason] = {}
    for candidate in candidates:
        for name in _INCOMING_PROTECTED:
            if candidate.decision.withheld.get(name) is Reason.SHIELDED:
                incoming[name] = Reason.SHIELDED
    return ReviewView(
        row=row,
        candidates=candidates,
        incoming_withheld=MappingProxyType(incoming),
        organisations=organisations,
    )


def _authorities(rows: list[ReviewRow]) -> set[int]:
    found = set()
    for row in rows:
        found.add(row.responsible_authority_id)
        found.add(int(row.record["authority_id"]))
        found.update(c.responsible_authority_id for c in row.candidates)
    return found


def _cursor(row: ReviewRow) -> str:
    return f"{row.created_at.isoformat()}|{row.id}"


def _after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        at, _, review = cursor.partition("|")
        return datetime.fromisoformat(at), uuid.UUID(review)
    except ValueError:
        raise BadInput("after is not a cursor this list gave", field="after") from None


async def match_reviews(
    ctx: RequestContext, *, status: str | None, first: int, after: str | None
) -> ReviewPage:
    bench = workbench(ctx)
    if status is not None and status not in MATCH_REVIEW_STATUSES:
        raise BadInput(f"status must be one of {', '.join(MATCH_REVIEW_STATUSES)}", field="status")
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    start = _after(after)
    async with ctx.engine.begin() as conn:
        rows = await queries.reviews(
            conn, authority_id=bench.authority_id, status=status, before=start, limit=first + 1
        )
        thresholds = Thresholds.for_directory(await queries.directory_size(conn))
        page = rows[:first]
        known = await organisations_by_id(conn, _authorities(page))
        # The candidates are children's records: who looked at which is audited.
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="MATCH_REVIEWS_LISTED",
                detail={
                    "reviewIds": [str(row.id) for row in page],
                    "childIds": sorted(
                        {c.contact_point_id for row in page for c in row.candidates}
                    ),
                },
            ),
        )
    return ReviewPage(
        reviews=[_view(bench.caller, row, thresholds, known) for row in page],
        next_cursor=_cursor(page[-1]) if len(rows) > first else None,
    )


def _chosen(review: ReviewRow, decision: str, child_id: str | None) -> CandidateRow | None:
    if decision == DIFFERENT_CHILD:
        if child_id is not None:
            raise BadInput(
                "a different child takes no childId: a new child is created", field="childId"
            )
        return None
    if child_id is None:
        raise BadInput("say which candidate is the same child", field="childId")
    cp_id = contact_point_id(child_id)
    for candidate in review.candidates:
        if candidate.contact_point_id == cp_id:
            if candidate.status != "ACTIVE":
                raise BadInput(
                    "that child's record is archived or merged: it cannot take new details",
                    field="childId",
                )
            return candidate
    raise BadInput("childId must be one of this review's candidates", field="childId")


async def resolve_match_review(
    ctx: RequestContext, review_id: str, decision: str, child_id: str | None
) -> ReviewView:
    bench = workbench(ctx)
    decided_by = bench.caller.user_id
    if decided_by is None:
        raise Forbidden("only a signed-in person can decide a review")
    if decision not in DECISIONS:
        raise BadInput(f"decision must be one of {', '.join(DECISIONS)}", field="decision")
    target = record_id(review_id, "id", "a match review")
    async with ctx.engine.begin() as conn:
        found = await queries.review(conn, target, lock=True)
        if found is None or (
            bench.authority_id is not None and found.responsible_authority_id != bench.authority_id
        ):
            raise NotFound("no review you can decide has that id", field="id")
        if found.status != "PENDING":
            raise BadInput(
                f"this review was already decided ({found.status.lower().replace('_', ' ')})",
                field="id",
            )
        chosen = _chosen(found, decision, child_id)
        if chosen is None:
            held = await queries.identifier_holders(
                conn, nhs_number=found.record.get("nhs_number"), upn=found.record.get("upn")
            )
            if held:
                names = " and ".join(
                    "the NHS number" if f == "nhsNumber" else "the UPN" for f, _ in held
                )
                raise BadInput(
                    f"{names} of this record already belong to a child in the directory, so it"
                    " cannot be a new child: choose SAME_CHILD, or have the source correct it",
                    field="decision",
                )
        pg = await driver(conn)
        await feed_matching.restage_review(
            pg,
            target,
            outcome="EXACT" if chosen else "NEW",
            child_id=chosen.internal_id if chosen else None,
        )
        await feed_apply.apply(pg, found.source, found.import_run_id)
        decided_child = await feed_matching.staged_child(pg)
        await feed_matching.drop_temporary(pg)
        await queries.record_decision(
            conn, target, status=decision, child_id=decided_child, decided_by=decided_by
        )
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="MATCH_REVIEW_DECIDED",
                subject_child_id=decided_child,
                detail={
                    "reviewId": str(target),
                    "decision": decision,
                    "source": found.source,
                    "sourceRecordId": found.source_record_id,
                },
            ),
        )
        decided = await queries.review(conn, target, lock=False)
        if decided is None:
            raise NotFound("no review you can decide has that id", field="id")
        thresholds = Thresholds.for_directory(await queries.directory_size(conn))
        known = await organisations_by_id(conn, _authorities([decided]))
    return _view(bench.caller, decided, thresholds, known)
