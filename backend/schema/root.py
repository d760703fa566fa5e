"""The root types: every operation the API offers, each naming its resolver."""

import strawberry

from backend.resolvers import children
from backend.schema.children import Child


@strawberry.type
class Query:
    child: Child | None = strawberry.field(
        resolver=children.child,
        description="Open a child's record by ContactPoint ID. Audited; needs child-data access.",
    )
