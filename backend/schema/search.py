"""Search input and results."""

from enum import Enum

import strawberry

from backend.schema.children import Child
from backend.schema.enums import Gender


@strawberry.input(
    description="Family name plus a given name, date of birth or postcode;"
    " or an exact ContactPoint ID."
)
class ChildSearchInput:
    family_name: str | None = None
    given_name: str | None = None
    date_of_birth: str | None = strawberry.field(
        default=None, description="2015-03-14 or 14/03/2015."
    )
    gender: Gender | None = None
    postcode: str | None = strawberry.field(
        default=None, description="A full postcode or its first part (LS1 4AP or LS1)."
    )
    previous_name: str | None = None
    contact_point_id: str | None = None


@strawberry.enum(description="How sure the directory is that this is the child sought.")
class MatchStrength(Enum):
    STRONG = strawberry.enum_value(
        "STRONG", description="At least a 99 % chance, given the details that agree."
    )
    POSSIBLE = strawberry.enum_value(
        "POSSIBLE", description="At least a 1 % chance: check the details before relying on it."
    )


@strawberry.type(description="A child who may be the one searched for, with how well it matches.")
class ChildMatch:
    strength: MatchStrength
    score: float = strawberry.field(
        description="0 to 1: the chance that this child is the one sought, from how the"
        " details typed agree with the record and how many children the directory holds."
    )
    weight: float | None = strawberry.field(
        description="The match weight in bits (sum of each detail's log-odds; docs/SEARCH.md);"
        " null for an exact ContactPoint ID, where nothing is compared."
    )
    child: Child


@strawberry.type
class ChildSearchResult:
    matches: list[ChildMatch] | None = strawberry.field(
        description="Null when too many children match to be shown: never an empty list then."
    )
    too_many_matches: bool
    message: str | None
