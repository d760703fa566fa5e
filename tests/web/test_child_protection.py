"""A shielded child's whereabouts reach nobody but its management team, by any query shape;
a sensitive service's nature reaches nobody but the organisation that recorded it."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import graphql, partner, signed_in
from tests.world import SENSITIVE_NATURE, SHIELDED_SECRETS, World, build_world

FULL = """
  id contactPointId givenNames familyName shielded
  responsibleAuthority { name teamPhone }
  address { line1 town postcode } postcode
  parentsAndCarers { name phone }
  involvements { practitionerName phone email serviceType practitionerRole organisation { name } }
  involvementHistory { practitionerName }
  caf { holderName } nhsNumber upn status
  withheld { field reason }
"""

QUERY_SHAPES = {
    "direct": "query($id: ID!) { child(id: $id) { " + FULL + " } }",
    "aliased": "query($id: ID!) { a: child(id: $id) { where: address { l: line1 } "
    "who: parentsAndCarers { n: name } i: involvements { p: phone } } }",
    "fragment": "query($id: ID!) { child(id: $id) { ...F } } fragment F on Child { " + FULL + " }",
    "inline fragment": "query($id: ID!) { child(id: $id) { ... on Child { " + FULL + " } } }",
    "nested fragments": "query($id: ID!) { child(id: $id) { ...A } } "
    "fragment A on Child { ...B } fragment B on Child { address { line1 } "
    "involvements { ...C } } fragment C on Involvement { phone email }",
    "typename tricks": "query($id: ID!) { child(id: $id) { __typename "
    "address { __typename line1 } involvements { __typename phone } } }",
    "twice": "query($id: ID!) { one: child(id: $id) { familyName } "
    "two: child(id: $id) { address { line1 } parentsAndCarers { phone } } }",
}

UNLIKELY_TO_SEE = ["practitioner", "other practitioner", "other manager"]


@pytest.fixture
async def world(engine: AsyncEngine) -> World:
    return await build_world(engine)


def assert_nothing_protected(body: str) -> None:
    for secret in SHIELDED_SECRETS:
        assert secret not in body, f"{secret!r} leaked"


@pytest.mark.parametrize("who", UNLIKELY_TO_SEE)
@pytest.mark.parametrize("shape", sorted(QUERY_SHAPES))
async def test_shielded_child_whereabouts_reach_no_other_person(
    transport: httpx.ASGITransport, world: World, who: str, shape: str
) -> None:
    person = world.people[who]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES[shape], "variables": {"id": world.shielded_child}},
        )
    assert response.status_code == 200
    assert_nothing_protected(response.text)
    assert "Shieldson" in response.text or "errors" not in response.json()


@pytest.mark.parametrize("shape", sorted(QUERY_SHAPES))
async def test_shielded_child_whereabouts_reach_no_partner(
    transport: httpx.ASGITransport, world: World, shape: str
) -> None:
    async with partner(transport, world.partner_token) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES[shape], "variables": {"id": world.shielded_child}},
        )
    assert_nothing_protected(response.text)


async def test_a_shielded_child_shows_identity_and_whom_to_contact(
    transport: httpx.ASGITransport, world: World
) -> None:
    person = world.people["other practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, QUERY_SHAPES["direct"], id=world.shielded_child)
    child = body["data"]["child"]
    assert child["familyName"] == "Shieldson"
    assert child["shielded"] is True
    assert child["responsibleAuthority"]["teamPhone"] == "0113 496 0000"
    assert child["involvements"] is None  # withheld is null, never []
    assert {"field": "involvements", "reason": "SHIELDED"} in child["withheld"]
    assert {"field": "address", "reason": "SHIELDED"} in child["withheld"]


@pytest.mark.parametrize("who", ["manager", "administrator"])
async def test_the_responsible_management_team_sees_a_shielded_child_in_full(
    transport: httpx.ASGITransport, world: World, who: str
) -> None:
    person = world.people[who]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, QUERY_SHAPES["direct"], id=world.shielded_child)
    child = body["data"]["child"]
    assert child["address"]["line1"] == "7 Hidden Lane"
    assert child["parentsAndCarers"][0]["name"] == "Carol Secretcarer"
    assert child["nhsNumber"] == "9434765919"
    assert child["withheld"] == [] or all(w["reason"] == "CONSENT" for w in child["withheld"])


async def test_a_practitioner_sees_a_sensitive_service_as_contact_details_only(
    transport: httpx.ASGITransport, world: World
) -> None:
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES["direct"], "variables": {"id": world.open_child}},
        )
    for nature in SENSITIVE_NATURE:
        assert nature not in response.text
    involvements = response.json()["data"]["child"]["involvements"]
    nurse = next(i for i in involvements if i["practitionerName"] == "Jo Nurse")
    assert nurse["phone"] == "0113 496 0555"
    assert nurse["serviceType"] is None


async def test_a_partner_never_sees_a_sensitive_involvement(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.partner_token) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES["direct"], "variables": {"id": world.open_child}},
        )
    assert "Jo Nurse" not in response.text
    child = response.json()["data"]["child"]
    assert [i["practitionerName"] for i in child["involvements"]] == ["Sam Teacher"]
    assert {"field": "involvements", "reason": "CONSENT"} in child["withheld"]


async def test_a_partner_outside_its_scope_gets_null_with_reason_scope(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.narrow_partner_token) as http:
        body = await graphql(http, QUERY_SHAPES["direct"], id=world.open_child)
    child = body["data"]["child"]
    assert child["familyName"] == "Openshaw"
    assert child["givenNames"] is None
    assert {"field": "givenNames", "reason": "SCOPE"} in child["withheld"]


async def test_a_revoked_partner_token_is_refused(
    transport: httpx.ASGITransport, world: World, owner_engine: AsyncEngine
) -> None:
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE api_client SET revoked_at = now()"))
    async with partner(transport, world.partner_token) as http:
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES["direct"], "variables": {"id": world.open_child}},
        )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Openshaw" not in response.text


async def test_an_unknown_partner_token_gets_401_whatever_it_asks(
    transport: httpx.ASGITransport,
) -> None:
    async with partner(transport, "not-a-token-anyone-was-given") as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_an_authorization_header_that_is_not_a_bearer_token_gets_401(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Basic eDp5"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_request"'


async def test_an_auditor_cannot_open_a_child(transport: httpx.ASGITransport, world: World) -> None:
    person = world.people["auditor"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, QUERY_SHAPES["direct"], id=world.open_child)
    assert body["data"]["child"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("bad_id", ["12345", "not-an-id", "000000123450", "' OR 1=1 --"])
async def test_a_malformed_id_is_bad_input_naming_the_field(
    transport: httpx.ASGITransport, world: World, bad_id: str
) -> None:
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, "query($id: ID!) { child(id: $id) { id } }", id=bad_id)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


async def test_protected_values_never_reach_the_logs(
    transport: httpx.ASGITransport, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        for shape in QUERY_SHAPES.values():
            await http.post(
                "/graphql", json={"query": shape, "variables": {"id": world.shielded_child}}
            )
    assert_nothing_protected(caplog.text)


async def test_introspection_needs_a_signed_in_caller(
    client: httpx.AsyncClient, transport: httpx.ASGITransport, world: World
) -> None:
    client.cookies.clear()
    anonymous = await graphql(client, "{ __schema { types { name } } }")
    assert anonymous["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        body = await graphql(http, "{ __schema { types { name } } }")
    assert "errors" not in body


@asynccontextmanager
async def audit_refused(owner_engine: AsyncEngine) -> AsyncIterator[None]:
    """Every audit insert fails while inside, as if the audit store were down."""
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$BEGIN RAISE EXCEPTION 'audit store unavailable'; END$$"
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON audit_event"
                " FOR EACH ROW EXECUTE FUNCTION test_refuse()"
            )
        )
    try:
        yield
    finally:
        async with owner_engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER test_refuse ON audit_event"))
            await conn.execute(text("DROP FUNCTION test_refuse()"))


async def test_no_audit_no_data(
    transport: httpx.ASGITransport, world: World, owner_engine: AsyncEngine
) -> None:
    person = world.people["manager"]
    async with (
        signed_in(transport, person.email, person.password, person.totp_secret) as http,
        audit_refused(owner_engine),
    ):
        response = await http.post(
            "/graphql",
            json={"query": QUERY_SHAPES["direct"], "variables": {"id": world.shielded_child}},
        )
    body = response.json()
    assert body["data"] == {"child": None}
    assert body["errors"][0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"
    assert "audit log cannot be written" in body["errors"][0]["message"]
    assert "Shieldson" not in response.text
    assert "audit store unavailable" not in response.text  # the driver's text stays inside


async def test_no_audit_no_search_results(
    transport: httpx.ASGITransport, world: World, owner_engine: AsyncEngine
) -> None:
    person = world.people["manager"]
    search = "query($c: ChildSearchInput!) { searchChildren(criteria: $c) { matches { score } } }"
    async with (
        signed_in(transport, person.email, person.password, person.totp_secret) as http,
        audit_refused(owner_engine),
    ):
        body = await graphql(http, search, c={"familyName": "Shieldson", "givenName": "Riley"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"
