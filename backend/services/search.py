"""Searching for a child: anti-fishing rules, matching, and the audit of every search.

A search shows at most 25 children, as summaries. When more than 25 match well, it lists
none and asks for more criteria instead: a long list invites browsing, not finding.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries.child_search import (
    Found,
    Match,
    Preflight,
    SearchParameters,
    keys,
    preflight,
    search_children,
)
from backend.db.queries.child_view import fetch_child
from backend.db.queries.linkage_models import load_model
from backend.errors import RateLimited
from backend.linkage.model import DEFAULT_MODEL, Model, Thresholds
from backend.policy.decide import ChildFacts, decide_summary, require_child_access
from backend.policy.search_scope import (
    WhereaboutsScope,
    require_searchable,
    whereabouts_scope,
)
from backend.schema.children import Child
from backend.search.criteria import Criteria
from backend.web.context import RequestContext

MAX_RESULTS = 25
# Match weights this close (in bits: a factor of 2) to the best count as equally good
# when deciding "too many".
TIE_MARGIN = 1.0
TOO_MANY = (
    "More than 25 children match well. Add a date of birth, a given name or a postcode to "
    "narrow the search."
)
# Everyone's whereabouts: for benches and tests that measure matching, not the policy.
SEES_ALL = WhereaboutsScope(sees_all=True, team=None)


class Strength(StrEnum):
    STRONG = "STRONG"
    POSSIBLE = "POSSIBLE"


@dataclass(frozen=True, slots=True)
class ShownMatch:
    # The chance this child is the one sought (backend/linkage/model.py), 0 to 1.
    score: float
    strength: Strength
    # The match weight in bits; None for an exact ContactPoint ID (nothing compared).
    weight: float | None
    child: Child


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    matches: list[ShownMatch] | None
    too_many: bool
    message: str | None


# Trained models by id: a model never changes once stored, so each is read once.
_models: dict[int, Model] = {}


async def current_model(conn: AsyncConnection, model_id: int | None) -> Model:
    if model_id is None:
        return DEFAULT_MODEL
    if model_id not in _models:
        _models[model_id] = await load_model(conn, model_id)
    return _models[model_id]


def parameters_for(
    criteria: Criteria,
    before: Preflight,
    model: Model,
    scope: WhereaboutsScope,
    *,
    limit: int = MAX_RESULTS,
) -> SearchParameters:
    """The statement's parameters for name-based criteria, given the query-side keys
    (computed by the database, so they match the stored ones exactly)."""
    thresholds = Thresholds.for_directory(before.children)
    previous = criteria.previous if criteria.previous != criteria.family else None
    return SearchParameters(
        family=criteria.family,
        family_codes=before.family_codes,
        given=criteria.given,
        given_variants=before.given_variants,
        given_codes=before.given_codes,
        previous=previous,
        dob=criteria.date_of_birth,
        dob_swapped=before.dob_swapped,
        dob_slips=before.dob_slips,
        postcode=criteria.postcode,
        outward=criteria.outward,
        gender=criteria.gender,
        sees_all=scope.sees_all,
        team=scope.team,
        model=model,
        possible=thresholds.possible,
        tie_margin=TIE_MARGIN,
        limit=limit,
    )


async def search_parameters(
    conn: AsyncConnection,
    criteria: Criteria,
    *,
    scope: WhereaboutsScope = SEES_ALL,
    limit: int = MAX_RESULTS,
) -> SearchParameters:
    """parameters_for, fetching the keys and the model itself (benches and tests)."""
    before = await keys(
        conn, family=criteria.family, given=criteria.given, dob=criteria.date_of_birth
    )
    model = await current_model(conn, before.model_id)
    return parameters_for(criteria, before, model, scope, limit=limit)


async def _found(
    conn: AsyncConnection, criteria: Criteria, params: SearchParameters | None
) -> Found:
    if params is None and criteria.contact_point_id is not None:
        child = await fetch_child(conn, criteria.contact_point_id)
        if child is None or child.status != "ACTIVE":
            return Found(matches=[], near_best=0)
        return Found(matches=[Match(weight=float("inf"), levels={}, child=child)], near_best=1)
    if params is None:
        return Found(matches=[], near_best=0)
    return await search_children(conn, params)


def _too_many(found: Found) -> bool:
    """More than 25 children about as good as the best one: listing some would be a guess.
    Counting only those near the best, not all above the line, keeps the one child who
    matches every detail typed from hiding behind dozens of namesakes who match most of
    them (measured at 1M children)."""
    return bool(found.matches) and found.near_best > MAX_RESULTS


def _shown(match: Match, thresholds: Thresholds) -> tuple[float, Strength, float | None]:
    if match.weight == float("inf"):
        return 1.0, Strength.STRONG, None
    strength = Strength.STRONG if match.weight >= thresholds.strong else Strength.POSSIBLE
    return round(thresholds.probability(match.weight), 3), strength, round(match.weight, 2)


async def search(ctx: RequestContext, criteria: Criteria) -> SearchOutcome:
    caller = ctx.require_caller()
    require_child_access(caller)
    require_searchable(caller, criteria.typed)
    async with ctx.engine.begin() as conn:
        before = await preflight(
            conn,
            user_id=caller.user_id,
            client_id=caller.client_id,
            seconds=60,
            family=criteria.family,
            given=criteria.given,
            dob=criteria.date_of_birth,
        )
        thresholds = Thresholds.for_directory(before.children)
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
            params = None
            if criteria.contact_point_id is None:
                model = await current_model(conn, before.model_id)
                params = parameters_for(criteria, before, model, whereabouts_scope(caller))
            found = await ctx.read(lambda replica: _found(replica, criteria, params), conn)
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
                        # Which weights ranked it (null: the hand-set defaults).
                        "linkageModel": before.model_id,
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
        score, strength, weight = _shown(match, thresholds)
        results.append(
            ShownMatch(
                score=score,
                strength=strength,
                weight=weight,
                child=Child.from_record(match.child, decide_summary(caller, facts)),
            )
        )
    message = None if results else "No child matches. Check the spelling or try fewer details."
    return SearchOutcome(matches=results, too_many=False, message=message)
