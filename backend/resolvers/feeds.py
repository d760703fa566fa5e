"""Resolvers of the data feeds' review queue."""

import strawberry
from strawberry.types import Info

from backend.schema.feeds import MatchDecision, MatchReview, MatchReviewPage, MatchReviewStatus
from backend.services import match_reviews
from backend.web.context import RequestContext

Ctx = Info[RequestContext, None]


async def match_reviews_page(
    info: Ctx,
    status: MatchReviewStatus | None = MatchReviewStatus.PENDING,
    first: int = 20,
    after: str | None = None,
) -> MatchReviewPage:
    page = await match_reviews.match_reviews(
        info.context, status=status.value if status else None, first=first, after=after
    )
    return MatchReviewPage(
        reviews=[MatchReview.from_view(view) for view in page.reviews],
        next_cursor=page.next_cursor,
    )


async def resolve_match_review(
    info: Ctx, id: strawberry.ID, decision: MatchDecision, child_id: strawberry.ID | None = None
) -> MatchReview:
    view = await match_reviews.resolve_match_review(
        info.context, str(id), decision.value, str(child_id) if child_id is not None else None
    )
    return MatchReview.from_view(view)
