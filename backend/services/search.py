"""Searching for a child: anti-fishing rules, matching, and the audit of every search.

A search shows at most 25 children, as summaries. When more than 25 match well, it lists
none and asks for more criteria instead: a long list invites browsing, not finding.
"""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries.child_search import (
    Found,
    Match,
    SearchParameters,
    phonetics,
    preflight,
    search_children,
)
from backend.db.queries.child_view import fetch_children
from backend.errors import RateLimited
from backend.policy.decide import ChildFacts, decide_summary, require_child_access
from backend.schema.children import Child
from backend.search.criteria import Criteria, date_of_birth_slips
from backend.search.variants import variants_of
from backend.web.context import RequestContext

MAX_RESULTS = 25
MINIMUM_SCORE = 0.5
STRONG_SCORE = 0.8
# Scores this close to the best count as equally good when deciding "too many".
TIE_MARGIN = 0.02
TOO_MANY = (
    "More than 25 children match well. Add a date of birth, a given name or a postcode to "
    "narrow the search."
)


@dataclass(frozen=True, slots=True)
class ShownMatch:
    score: float
    child: Child


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    matches: list[ShownMatch] | None
    too_many: bool
    message: str | None


def parameters_for(
    criteria: Criteria, family_phonetics: list[str], given_phonetics: list[str]
) -> SearchParameters:
    """The statement's parameters for name-based criteria, given the names' phonetic
    codes (computed by the database, so they match the stored ones exactly)."""
    if criteria.family is None:
        raise ValueError("criteria without a family name cannot be searched by name")
    swapped, slips = (
        date_of_birth_slips(criteria.date_of_birth) if criteria.date_of_birth else (None, [])
    )
    return SearchParameters(
        family=criteria.family,
        family_phonetics=family_phonetics,
        given=criteria.given,
        given_variants=variants_of(criteria.given) if criteria.given else [],
        given_phonetics=given_phonetics,
        dob=criteria.date_of_birth,
        dob_swapped=swapped,
        dob_slips=slips,
        postcode=criteria.postcode,
        outward=criteria.outward,
        gender=criteria.gender,
        minimum=MINIMUM_SCORE,
        tie_margin=TIE_MARGIN,
        limit=MAX_RESULTS,
    )


async def search_parameters(conn: AsyncConnection, criteria: Criteria) -> SearchParameters:
    """parameters_for, fetching the phonetic codes itself (for benches and tests)."""
    family_codes, given_codes = await phonetics(conn, criteria.family, criteria.given)
    return parameters_for(criteria, family_codes, given_codes)


async def _found(
    conn: AsyncConnection, criteria: Criteria, family_codes: list[str], given_codes: list[str]
) -> Found:
    if criteria.contact_point_id is not None:
        child = (await fetch_children(conn, [criteria.contact_point_id])).get(
            criteria.contact_point_id
        )
        if child is None or child.status != "ACTIVE":
            return Found(matches=[], near_best=0)
        return Found(matches=[Match(score=1.0, child=child)], near_best=1)
    return await search_children(conn, parameters_for(criteria, family_codes, given_codes))


def _too_many(found: Found) -> bool:
    """More than 25 children about as good as the best one: listing some would be a guess.
    A fixed score line would hide the one child who matches every detail typed behind
    dozens of namesakes who match most of them (measured at 1M children)."""
    if not found.matches or found.matches[0].score < STRONG_SCORE:
        return False
    return found.near_best > MAX_RESULTS


async def search(ctx: RequestContext, criteria: Criteria) -> SearchOutcome:
    caller = ctx.require_caller()
    require_child_access(caller)
    async with ctx.engine.begin() as conn:
        before = await preflight(
            conn,
            user_id=caller.user_id,
            client_id=caller.client_id,
            seconds=60,
            family=criteria.family,
            given=criteria.given,
        )
        limit = ctx.settings.search_rate_per_minute
        if before.recent_searches >= limit:
            await record(
                conn,
                ctx.actor,
                AuditEntry(
                    action="CHILD_SEARCH",
                    outcome="RATE_LIMITED",
                    detail={"criteria": criteria.as_audit()},
                ),
            )
            refused = RateLimited(
                f"you have made {limit} searches in the last minute: wait a "
                "minute, then search again"
            )
        else:
            refused = None
            found = await _found(conn, criteria, before.family_phonetics, before.given_phonetics)
            too_many = _too_many(found)
            shown = [] if too_many else found.matches
            await record(
                conn,
                ctx.actor,
                AuditEntry(
                    action="CHILD_SEARCH",
                    detail={
                        "criteria": criteria.as_audit(),
                        "tooManyMatches": too_many,
                        "ids": [match.child.contact_point_id for match in shown],
                    },
                ),
            )
    if refused is not None:
        raise refused  # after the commit: the refusal itself stays on record
    if too_many:
        return SearchOutcome(matches=None, too_many=True, message=TOO_MANY)
    results = []
    for match in shown:
        facts = ChildFacts(
            responsible_authority_id=match.child.responsible_authority.id,
            shielded=match.child.shielded,
            archived=False,
        )
        results.append(
            ShownMatch(
                score=match.score,
                child=Child.from_record(match.child, decide_summary(caller, facts)),
            )
        )
    message = None if results else "No child matches. Check the spelling or try fewer details."
    return SearchOutcome(matches=results, too_many=False, message=message)
