"""Searching: the right child first through each kind of typing error; no fishing."""

from datetime import date

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import graphql, signed_in
from tests.world import SHIELDED_SECRETS, World, build_world

SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  tooManyMatches message
  matches { score child { id givenNames familyName dateOfBirth town postcodeDistrict shielded
                          address { line1 } involvements { phone } withheld { field reason } } }
} }"""


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    world = await build_world(engine)
    async with engine.begin() as conn:
        leeds = world.leeds_id
        for given, family, born, postcode, others in [
            ("Robert", "Smith", date(2014, 3, 9), "LS1 4AP", []),
            ("Olivia", "Smith-Jones", date(2016, 5, 21), "LS6 2QT", []),
            ("Zoë", "Brontë", date(2012, 11, 2), "LS2 7HY", []),
            ("Megan", "Taylor", date(2013, 1, 30), "LS8 1AA", ["Megan Wilkins"]),
            ("Elizabeth", "Okafor", date(2015, 7, 4), "LS7 3JJ", []),
            ("Harvey", "Nguyen", date(2011, 4, 12), "LS9 8PX", []),
        ]:
            await factories.child(
                conn,
                leeds,
                given_names=given,
                family_name=family,
                date_of_birth=born,
                postcode=postcode,
                other_names=others,
            )
        await factories.child(
            conn,
            leeds,
            given_names="Archie",
            family_name="Gone",
            date_of_birth=date(2010, 1, 1),
            status="ARCHIVED",
            archived_at=date(2026, 1, 1),
        )
    return world


async def _search(
    transport: httpx.ASGITransport, world: World, who: str = "practitioner", **criteria: str
) -> dict:  # type: ignore[type-arg]
    person = world.people[who]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        return await graphql(http, SEARCH, c=criteria)


def _first(body: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    match = body["data"]["searchChildren"]["matches"][0]["child"]
    return match["givenNames"], match["familyName"]


@pytest.mark.parametrize(
    ("kind", "criteria", "expected"),
    [
        (
            "a typing error in the family name",
            {"familyName": "Smiht", "givenName": "Robert"},
            ("Robert", "Smith"),
        ),
        (
            "a phonetic spelling",
            {"familyName": "Smyth", "givenName": "Robert"},
            ("Robert", "Smith"),
        ),
        ("a nickname", {"familyName": "Smith", "givenName": "Bob"}, ("Robert", "Smith")),
        ("another nickname", {"familyName": "Okafor", "givenName": "Liz"}, ("Elizabeth", "Okafor")),
        (
            "given and family names swapped",
            {"familyName": "Robert", "givenName": "Smith"},
            ("Robert", "Smith"),
        ),
        (
            "one part of a double-barrelled name",
            {"familyName": "Jones", "givenName": "Olivia"},
            ("Olivia", "Smith-Jones"),
        ),
        (
            "a hyphen typed as a space",
            {"familyName": "Smith Jones", "dateOfBirth": "2016-05-21"},
            ("Olivia", "Smith-Jones"),
        ),
        ("no diacritics typed", {"familyName": "Bronte", "givenName": "Zoe"}, ("Zoë", "Brontë")),
        ("a previous name", {"familyName": "Wilkins", "givenName": "Megan"}, ("Megan", "Taylor")),
        (
            "day and month swapped",
            {"familyName": "Smith", "dateOfBirth": "2014-09-03"},
            ("Robert", "Smith"),
        ),
        (
            "one digit of the date wrong",
            {"familyName": "Nguyen", "dateOfBirth": "2011-04-13"},
            ("Harvey", "Nguyen"),
        ),
        (
            "a UK-style date",
            {"familyName": "Nguyen", "dateOfBirth": "12/04/2011"},
            ("Harvey", "Nguyen"),
        ),
        (
            "a postcode without its space, in lower case",
            {"familyName": "Smith", "postcode": "ls14ap"},
            ("Robert", "Smith"),
        ),
        (
            "the outward part of the postcode only",
            {"familyName": "Nguyen", "postcode": "LS9"},
            ("Harvey", "Nguyen"),
        ),
    ],
)
async def test_the_right_child_comes_first_despite(
    transport: httpx.ASGITransport,
    world: World,
    kind: str,
    criteria: dict[str, str],
    expected: tuple[str, str],
) -> None:
    body = await _search(transport, world, **criteria)
    assert "errors" not in body, body
    assert _first(body) == expected, kind


async def test_an_exact_contact_point_id_finds_the_child(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _search(transport, world, contactPointId=world.open_child)
    assert _first(body) == ("Alex", "Openshaw")


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, "familyName"),
        ({"givenName": "Robert"}, "familyName"),
        ({"familyName": "Smith"}, "familyName"),
        ({"familyName": "Smith", "dateOfBirth": "2030-01-01"}, "dateOfBirth"),
        ({"familyName": "Smith", "dateOfBirth": "yesterday"}, "dateOfBirth"),
        ({"familyName": "Smith", "postcode": "ABCDE"}, "postcode"),
        ({"familyName": "x" * 500, "givenName": "Robert"}, "familyName"),
        ({"familyName": "%", "givenName": "Robert"}, "familyName"),
        ({"familyName": "Smith", "givenName": "_*"}, "givenName"),
        ({"contactPointId": "12345"}, "contactPointId"),
    ],
)
async def test_fishing_and_bad_input_get_a_clear_error_naming_the_field(
    transport: httpx.ASGITransport, world: World, criteria: dict[str, str], field: str
) -> None:
    body = await _search(transport, world, **criteria)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_quotes_in_a_name_are_a_sensible_search_not_an_error(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _search(
        transport, world, familyName="Smith'; DROP TABLE child; --", givenName="Robert"
    )
    assert "errors" not in body
    assert _first(body) == ("Robert", "Smith")


async def test_a_search_result_shows_a_summary_only(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _search(transport, world, familyName="Smith", givenName="Robert")
    child = body["data"]["searchChildren"]["matches"][0]["child"]
    assert child["town"] == "Leeds"
    assert child["postcodeDistrict"] == "LS1"
    assert child["address"] is None
    assert child["involvements"] is None
    assert {"field": "involvements", "reason": "SUMMARY"} in child["withheld"]


async def test_a_shielded_child_is_found_by_identity_but_shows_nothing_more(
    transport: httpx.ASGITransport, world: World
) -> None:
    person = world.people["other practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": SEARCH,
                "variables": {"c": {"familyName": "Shieldson", "givenName": "Riley"}},
            },
        )
    child = response.json()["data"]["searchChildren"]["matches"][0]["child"]
    assert child["shielded"] is True
    assert child["town"] is None
    assert {"field": "town", "reason": "SHIELDED"} in child["withheld"]
    for secret in SHIELDED_SECRETS:
        assert secret not in response.text


async def test_archived_children_are_not_found(
    transport: httpx.ASGITransport, world: World
) -> None:
    body = await _search(transport, world, familyName="Gone", givenName="Archie")
    result = body["data"]["searchChildren"]
    assert result["matches"] == []
    assert result["message"].startswith("No child matches")


async def test_too_many_good_matches_are_not_listed(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        for n in range(30):
            await factories.child(
                conn,
                world.leeds_id,
                given_names="Sam",
                family_name="Common",
                date_of_birth=date(2010 + n % 8, 1 + n % 12, 1 + n),
            )
    body = await _search(transport, world, familyName="Common", givenName="Sam")
    result = body["data"]["searchChildren"]
    assert result["tooManyMatches"] is True
    assert result["matches"] is None  # not [], which would read as "nobody"
    assert "narrow the search" in result["message"]


async def test_every_search_is_audited_with_its_criteria_and_the_ids_returned(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    body = await _search(transport, world, familyName="Nguyen", givenName="Harvey")
    returned = [m["child"]["id"] for m in body["data"]["searchChildren"]["matches"]]
    async with engine.connect() as conn:
        detail = (
            await conn.execute(text("SELECT detail FROM audit_event WHERE action = 'CHILD_SEARCH'"))
        ).scalar_one()
    assert detail["criteria"] == {"familyName": "nguyen", "givenName": "harvey"}
    assert detail["ids"] == returned


async def test_searches_beyond_the_rate_limit_are_refused(
    transport: httpx.ASGITransport, world: World, settings: object
) -> None:
    limit = settings.search_rate_per_minute  # type: ignore[attr-defined]
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        for _ in range(limit):
            ok = await graphql(http, SEARCH, c={"familyName": "Smith", "givenName": "Bob"})
            assert "errors" not in ok
        refused = await graphql(http, SEARCH, c={"familyName": "Smith", "givenName": "Bob"})
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_an_auditor_cannot_search(transport: httpx.ASGITransport, world: World) -> None:
    body = await _search(transport, world, who="auditor", familyName="Smith", givenName="Bob")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_one_child_matching_every_detail_is_not_hidden_by_namesakes(
    transport: httpx.ASGITransport, world: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        for n in range(30):
            await factories.child(
                conn,
                world.leeds_id,
                given_names="Elijah",
                family_name="Brown",
                date_of_birth=date(2012, 1, 1 + n),
                postcode="LS2 7HY",
            )
        await factories.child(
            conn,
            world.leeds_id,
            given_names="Elijah",
            family_name="Brown",
            date_of_birth=date(2013, 6, 6),
            postcode="LS6 1AN",
        )
    body = await _search(
        transport, world, familyName="Brown", givenName="Elijah", postcode="ls61an"
    )
    result = body["data"]["searchChildren"]
    assert result["tooManyMatches"] is False
    assert result["matches"][0]["child"]["postcodeDistrict"] == "LS6"
