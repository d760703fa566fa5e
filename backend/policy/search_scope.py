"""What a caller may search on, and whose whereabouts may count in the ranking.

Search must not be an oracle: if the postcode typed could change whether a child is
found, or how well it ranks, then trying postcodes would tell the caller where a child
lives whose address they may not see. So the ranking uses a child's whereabouts exactly
where `decide()` would show them (a test holds the two together).
"""

from dataclasses import dataclass

from backend.errors import BadInput
from backend.policy.caller import Caller, Role

# Each search criterion and the fields a partner must be allowed to see to search on it.
CRITERION_FIELDS: dict[str, frozenset[str]] = {
    "familyName": frozenset({"familyName"}),
    "givenName": frozenset({"givenNames"}),
    "previousName": frozenset({"otherNames"}),
    "dateOfBirth": frozenset({"dateOfBirth"}),
    "gender": frozenset({"gender"}),
    "postcode": frozenset({"postcode"}),
    # Only the outward part typed: the district is enough.
    "postcodeDistrict": frozenset({"postcode", "postcodeDistrict"}),
    "contactPointId": frozenset({"contactPointId"}),
}

# How a criterion is named to the caller (the input field they typed it in).
_INPUT_NAME = {"postcodeDistrict": "postcode"}


def require_searchable(caller: Caller, typed: frozenset[str]) -> None:
    """A partner searches only on details its allowlist lets it see."""
    if not caller.is_client:
        return
    for criterion in sorted(typed):
        if not (CRITERION_FIELDS[criterion] & caller.client_fields):
            name = _INPUT_NAME.get(criterion, criterion)
            raise BadInput(
                f"{name} is not a criterion this API client may search on: its allowlist"
                " does not include that detail",
                field=name,
            )


@dataclass(frozen=True, slots=True)
class WhereaboutsScope:
    """Whose whereabouts the caller sees: every child's, or unshielded children's and the
    shielded children of `team` (the caller's own authority, for its management team)."""

    sees_all: bool
    team: int | None


def whereabouts_scope(caller: Caller) -> WhereaboutsScope:
    if caller.is_client:
        # Partners never see a shielded child's whereabouts (decide: SHIELDED).
        return WhereaboutsScope(sees_all=False, team=None)
    if caller.has(Role.ADMINISTRATOR):
        return WhereaboutsScope(sees_all=True, team=None)
    if caller.has(Role.MANAGER):
        return WhereaboutsScope(sees_all=False, team=caller.organisation_id)
    return WhereaboutsScope(sees_all=False, team=None)


def sees_whereabouts(scope: WhereaboutsScope, *, shielded: bool, authority_id: int) -> bool:
    """The Python twin of LOCATION_VISIBLE in backend/db/queries/linkage.py."""
    return not shielded or scope.sees_all or scope.team == authority_id
