"""Each candidate route finds the child on its own: no route depends on another, and none
needs the family name to look alike."""

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.queries.child_search import search_children
from backend.db.queries.linkage import ROUTE_NAMES
from backend.policy.search_scope import WhereaboutsScope
from backend.search.criteria import parse_criteria
from backend.services.search import SEES_ALL, search_parameters
from tests import factories

# What each route is for, as a search that only it can answer well: the child is Robert
# Smith, born 9 March 2014, of LS1 4AP, once called Robert Wilkins.
ROUTE_SEARCHES: dict[str, dict[str, str]] = {
    "names": {"family_name": "Smith", "given_name": "Bob"},
    "name_sounds": {"family_name": "Smyth", "given_name": "Robbert"},
    "family_typo": {"family_name": "Smithe", "given_name": "Robert"},
    "given_typo": {"family_name": "Smith", "given_name": "Rbert"},
    "family_ending": {"family_name": "Amith", "given_name": "Robert"},
    "family_year": {"family_name": "Smyth", "date_of_birth": "2014-03-09"},
    "given_year": {"family_name": "Jones", "given_name": "Robert", "date_of_birth": "2014-03-09"},
    "birth": {
        "family_name": "Brown", "given_name": "Zed", "date_of_birth": "2014-03-09",
        "postcode": "LS1 4AP",
    },
    "birth_slip_family": {"family_name": "Smith", "date_of_birth": "2014-03-08"},
    "birth_slip_given": {
        "family_name": "Jones", "given_name": "Robert", "date_of_birth": "2014-09-03",
        "postcode": "LS1 4AP",
    },
    "postcode": {
        "family_name": "Brown", "given_name": "Zed", "date_of_birth": "2014-03-19",
        "postcode": "LS1 4AP",
    },
    "sector_given": {"family_name": "Smiht", "given_name": "Robert", "postcode": "LS1 4AQ"},
    "district": {"family_name": "Smith", "postcode": "LS1"},
    "family_unseen": {"family_name": "Smith", "postcode": "LS1 4AP"},
    "previous_name": {
        "family_name": "Taylor", "previous_name": "Wilkins", "given_name": "Robert",
    },
}  # fmt: skip


# A practitioner, who may not see a shielded child's whereabouts.
_PRACTITIONER = WhereaboutsScope(sees_all=False, team=None)


def test_every_route_has_a_search_that_only_it_answers() -> None:
    assert set(ROUTE_SEARCHES) == set(ROUTE_NAMES)


@pytest.mark.parametrize("route", sorted(ROUTE_SEARCHES))
async def test_the_child_is_found_through_the_route_alone(engine: AsyncEngine, route: str) -> None:
    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        child_id, _ = await factories.child(
            conn,
            authority,
            given_names="Robert",
            family_name="Smith",
            other_names=["Robert Wilkins"],
            date_of_birth=date(2014, 3, 9),
            postcode="LS1 4AP",
        )
        if route == "family_unseen":
            await factories.shielding(conn, child_id)
        await factories.child(conn, authority, given_names="Ann", family_name="Other")
        criteria = parse_criteria(**ROUTE_SEARCHES[route], today=date(2026, 12, 1))
        scope = _PRACTITIONER if route == "family_unseen" else SEES_ALL
        params = await search_parameters(conn, criteria, scope=scope)
        found = await search_children(conn, params, only={route})
    assert [m.child.id for m in found.matches] == [child_id]


async def test_a_location_route_never_brings_in_a_child_whose_whereabouts_are_unseen(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        child_id, _ = await factories.child(
            conn, authority, given_names="Robert", family_name="Smith", postcode="LS1 4AP"
        )
        await factories.shielding(conn, child_id)
        criteria = parse_criteria(
            family_name="Smith", given_name="Robert", postcode="LS1 4AP", today=date(2026, 12, 1)
        )
        params = await search_parameters(conn, criteria, scope=_PRACTITIONER)
        found = await search_children(conn, params, only={"postcode", "sector_given", "district"})
    assert found.matches == []
