"""The root types: every operation the API offers, each naming its resolver."""

import strawberry

from backend.resolvers import accounts, children, search, shielding
from backend.schema.accounts import Me, SignInResult
from backend.schema.children import Child
from backend.schema.search import ChildSearchResult


@strawberry.type
class Query:
    me: Me | None = strawberry.field(
        resolver=accounts.me, description="The signed-in user, or null when signed out."
    )
    child: Child | None = strawberry.field(
        resolver=children.child,
        description="Open a child's record by ContactPoint ID. Audited; needs child-data access.",
    )
    search_children: ChildSearchResult = strawberry.field(
        resolver=search.search_children,
        description="Find a child through typing errors; at most 25 summaries. Audited.",
    )


@strawberry.type
class Mutation:
    sign_in: SignInResult = strawberry.field(
        resolver=accounts.sign_in,
        description="Sign in with email, password and the 6-digit code; sets the session cookie.",
    )
    sign_out: bool = strawberry.field(resolver=accounts.sign_out, description="End the session.")
    shield_child: Child = strawberry.field(
        resolver=shielding.shield_child,
        description="Shield a child (management team of its responsible authority, or an"
        " administrator). Everyone else then sees only identity and whom to contact.",
    )
    unshield_child: Child = strawberry.field(
        resolver=shielding.unshield_child, description="Lift a child's shielding, saying why."
    )
