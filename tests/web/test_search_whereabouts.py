"""Search is whereabouts-blind where the caller may not see whereabouts: trying postcodes
must not tell anyone where a shielded child lives (issue 12's oracle)."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import People, error_of, graphql, partner
from tests.world import World

SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  tooManyMatches message
  matches { strength score weight child { id familyName shielded } }
} }"""

# The shielded child's own postcode, its district only, and somewhere else entirely.
POSTCODES = ("LS9 9ZZ", "LS9", "M1 1AA")


def _answers(bodies: list[dict[str, Any]]) -> list[Any]:
    assert all("errors" not in body for body in bodies), bodies
    return [body["data"]["searchChildren"] for body in bodies]


def _shielded(answer: dict[str, Any]) -> list[Any]:
    """The shielded children's entries: whether found, how strong, score and weight (other
    children's may move with the postcode: theirs the caller may see)."""
    return [m for m in answer["matches"] or [] if m["child"]["shielded"]]


@pytest.mark.parametrize("who", ["practitioner", "other manager", "other practitioner"])
@pytest.mark.parametrize(
    "details",
    [{}, {"givenName": "Riley"}, {"givenName": "Rylee"}, {"dateOfBirth": "2015-03-14"}],
    ids=["family only", "given name", "misspelt given name", "date of birth"],
)
async def test_a_shielded_childs_postcode_changes_nothing_for_those_who_may_not_see_it(
    people: People, world: World, who: str, details: dict[str, str]
) -> None:
    bodies = [
        await people.ask(who, SEARCH, c={"familyName": "Shieldson", "postcode": p, **details})
        for p in POSTCODES
    ]
    right, district, wrong = (_shielded(answer) for answer in _answers(bodies))
    assert right == district == wrong
    assert right, "the child is still found, on the other details"


async def test_a_shielded_childs_postcode_changes_nothing_for_a_partner(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.partner_token) as http:
        bodies = [
            await graphql(http, SEARCH, c={"familyName": "Shieldson", "postcode": p})
            for p in POSTCODES
        ]
    right, district, wrong = (_shielded(answer) for answer in _answers(bodies))
    assert right == district == wrong
    assert right


async def test_the_childs_own_team_is_helped_by_the_postcode(people: People, world: World) -> None:
    right, wrong = _answers(
        [
            await people.ask("manager", SEARCH, c={"familyName": "Shieldson", "postcode": p})
            for p in ("LS9 9ZZ", "M1 1AA")
        ]
    )
    assert right["matches"][0]["weight"] > (wrong["matches"] or [{"weight": -99}])[0]["weight"]


async def test_an_unshielded_childs_postcode_still_counts(
    people: People, world: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.child(conn, world.leeds_id, family_name="Openfield", postcode="LS6 2QT")
    right, wrong = _answers(
        [
            await people.ask("practitioner", SEARCH, c={"familyName": "Openfield", "postcode": p})
            for p in ("LS6 2QT", "M1 1AA")
        ]
    )
    assert right["matches"][0]["weight"] > (wrong["matches"] or [{"weight": -99}])[0]["weight"]


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"familyName": "Shieldson", "givenName": "Riley"}, "givenName"),
        ({"familyName": "Shieldson", "postcode": "LS9 9ZZ"}, "postcode"),
        ({"familyName": "Shieldson", "postcode": "LS9"}, "postcode"),
        ({"familyName": "Shieldson", "dateOfBirth": "2015-03-14", "gender": "FEMALE"}, "gender"),
        ({"familyName": "Shieldson", "previousName": "Jones", "dateOfBirth": "2015-03-14"},
         "previousName"),
    ],
)  # fmt: skip
async def test_a_partner_may_search_only_on_details_its_allowlist_includes(
    transport: httpx.ASGITransport, world: World, criteria: dict[str, str], field: str
) -> None:
    async with partner(transport, world.narrow_partner_token) as http:
        body = await graphql(http, SEARCH, c=criteria)
    assert error_of(body) == ("BAD_USER_INPUT", field)
    assert field in body["errors"][0]["message"]
    assert body["data"] is None


async def test_a_partner_searches_on_the_details_it_may_see(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.narrow_partner_token) as http:
        body = await graphql(
            http, SEARCH, c={"familyName": "Shieldson", "dateOfBirth": "2015-03-14"}
        )
    assert "errors" not in body, body
    assert body["data"]["searchChildren"]["matches"]
