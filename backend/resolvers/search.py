"""Resolver for searching children."""

from datetime import date

from strawberry.types import Info

from backend.schema.search import ChildMatch, ChildSearchInput, ChildSearchResult, MatchStrength
from backend.search.criteria import parse_criteria
from backend.services import search as search_service
from backend.web.context import RequestContext


async def search_children(
    info: Info[RequestContext, None], criteria: ChildSearchInput
) -> ChildSearchResult:
    ctx = info.context
    ctx.require_caller()
    parsed = parse_criteria(
        family_name=criteria.family_name,
        given_name=criteria.given_name,
        previous_name=criteria.previous_name,
        date_of_birth=criteria.date_of_birth,
        gender=criteria.gender.value if criteria.gender else None,
        postcode=criteria.postcode,
        contact_point_id=criteria.contact_point_id,
        today=date.today(),
    )
    outcome = await search_service.search(ctx, parsed)
    return ChildSearchResult(
        matches=[
            ChildMatch(
                strength=MatchStrength(m.strength.value),
                score=m.score,
                weight=m.weight,
                child=m.child,
            )
            for m in outcome.matches
        ]
        if outcome.matches is not None
        else None,
        too_many_matches=outcome.too_many,
        message=outcome.message,
    )
