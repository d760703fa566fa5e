"""Administrators running organisations and partner API clients."""

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, error_of, graphql, partner
from tests.world import World

CREATE = """mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) {
  code name kind parentCode active } }"""
UPDATE = """mutation($code: String!, $input: UpdateOrganisationInput!) {
  updateOrganisation(code: $code, input: $input) { name teamName teamPhone teamEmail } }"""
DEACTIVATE = "mutation($code: String!) { deactivateOrganisation(code: $code) { active } }"
CREATE_CLIENT = """mutation($org: String!, $name: String!, $fields: [String!]!) {
  createApiClient(organisationCode: $org, name: $name, fields: $fields) {
    token client { id name fields revokedAt } } }"""
ROTATE = "mutation($id: ID!) { rotateApiClientToken(id: $id) { token client { id } } }"
REVOKE = "mutation($id: ID!) { revokeApiClient(id: $id) { revokedAt } }"
CLIENTS = "{ apiClients(includeRevoked: true) { id name lastUsedAt revokedAt } }"
PROBE = "query($id: ID!) { child(id: $id) { familyName } }"


async def _events(engine: AsyncEngine, action: str) -> int:
    async with engine.connect() as conn:
        value = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = :a"), {"a": action}
            )
        ).scalar_one()
    return int(value)


async def test_an_administrator_creates_a_service_under_an_authority(
    people: People, engine: AsyncEngine
) -> None:
    body = await people.ask(
        "administrator",
        CREATE,
        input={
            "code": "sch-new-001",
            "name": "New School",
            "kind": "SCHOOL",
            "parentCode": "E08000035",
        },
    )
    assert body["data"]["createOrganisation"] == {
        "code": "SCH-NEW-001",
        "name": "New School",
        "kind": "SCHOOL",
        "parentCode": "E08000035",
        "active": True,
    }
    assert await _events(engine, "ORGANISATION_CREATED") == 1


async def test_a_local_authority_needs_an_onserror_of(people: People) -> None:
    body = await people.ask(
        "administrator", CREATE, input={"code": "LEEDS", "name": "Leeds", "kind": "LOCAL_AUTHORITY"}
    )
    assert error_of(body) == ("BAD_USER_INPUT", "code")


async def test_an_existing_code_is_refused(people: People) -> None:
    body = await people.ask(
        "administrator",
        CREATE,
        input={"code": "E08000035", "name": "Leeds again", "kind": "LOCAL_AUTHORITY"},
    )
    assert error_of(body) == ("BAD_USER_INPUT", "code")


async def test_a_manager_cannot_create_organisations(people: People) -> None:
    body = await people.ask(
        "manager", CREATE, input={"code": "SCH-X-1", "name": "X", "kind": "SCHOOL"}
    )
    assert error_of(body)[0] == "FORBIDDEN"


async def test_an_authoritys_team_keeps_its_own_contact_up_to_date(people: People) -> None:
    body = await people.ask(
        "manager",
        UPDATE,
        code="E08000035",
        input={
            "teamName": "Leeds ContactPoint team",
            "teamPhone": "0113 222 0000",
            "teamEmail": "ContactPoint@Leeds.example",
        },
    )
    assert body["data"]["updateOrganisation"]["teamEmail"] == "contactpoint@leeds.example"


async def test_a_team_contact_sent_as_null_is_removed_and_the_rest_kept(people: People) -> None:
    await people.ask(
        "manager", UPDATE, code="E08000035",
        input={"teamPhone": "0113 222 0000", "teamEmail": "team@leeds.example"},
    )  # fmt: skip
    body = await people.ask("manager", UPDATE, code="E08000035", input={"teamEmail": None})
    changed = body["data"]["updateOrganisation"]
    assert (changed["teamEmail"], changed["teamPhone"]) == (None, "0113 222 0000")


async def test_an_organisations_name_cannot_be_cleared(people: People) -> None:
    body = await people.ask("administrator", UPDATE, code="E08000035", input={"name": None})
    assert body["errors"][0]["extensions"]["field"] == "name"


async def test_an_authoritys_team_cannot_rename_it(people: People) -> None:
    body = await people.ask("manager", UPDATE, code="E08000035", input={"name": "Leodis"})
    assert error_of(body) == ("FORBIDDEN", "code")


async def test_another_authoritys_team_cannot_change_its_contact(people: People) -> None:
    body = await people.ask("other manager", UPDATE, code="E08000035", input={"teamName": "x"})
    assert error_of(body) == ("FORBIDDEN", "code")


async def test_deactivating_twice_is_refused(people: People, engine: AsyncEngine) -> None:
    first = await people.ask("administrator", DEACTIVATE, code="BARNARDOS")
    assert first["data"]["deactivateOrganisation"]["active"] is False
    second = await people.ask("administrator", DEACTIVATE, code="BARNARDOS")
    assert error_of(second) == ("BAD_USER_INPUT", "code")
    assert await _events(engine, "ORGANISATION_DEACTIVATED") == 1


async def test_a_partner_token_is_shown_once_and_works(
    people: People, world: World, transport: httpx.ASGITransport
) -> None:
    body = await people.ask(
        "administrator", CREATE_CLIENT, org="BARNARDOS", name="Referrals", fields=["familyName"]
    )
    issued = body["data"]["createApiClient"]
    async with partner(transport, issued["token"]) as http:
        seen = await graphql(http, PROBE, id=world.open_child)
    assert seen["data"]["child"]["familyName"] == "Openshaw"
    listed = await people.ask("administrator", CLIENTS)
    assert issued["token"] not in str(listed)


async def test_a_partner_cannot_be_granted_matching_identifiers(people: People) -> None:
    body = await people.ask(
        "administrator", CREATE_CLIENT, org="BARNARDOS", name="Greedy", fields=["nhsNumber"]
    )
    assert error_of(body) == ("BAD_USER_INPUT", "fields")


async def test_rotating_a_token_stops_the_old_one(
    people: People, world: World, transport: httpx.ASGITransport, engine: AsyncEngine
) -> None:
    body = await people.ask(
        "administrator", CREATE_CLIENT, org="BARNARDOS", name="Rotating", fields=["familyName"]
    )
    issued = body["data"]["createApiClient"]
    rotated = await people.ask("administrator", ROTATE, id=issued["client"]["id"])
    new_token = rotated["data"]["rotateApiClientToken"]["token"]
    async with partner(transport, issued["token"]) as http:
        old = await http.post(
            "/graphql", json={"query": PROBE, "variables": {"id": world.open_child}}
        )
    async with partner(transport, new_token) as http:
        new = await graphql(http, PROBE, id=world.open_child)
    assert old.status_code == 401
    assert old.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert new["data"]["child"]["familyName"] == "Openshaw"
    assert await _events(engine, "API_CLIENT_ROTATED") == 1


async def test_revoking_an_already_revoked_client_is_refused(people: People) -> None:
    body = await people.ask(
        "administrator", CREATE_CLIENT, org="BARNARDOS", name="Old", fields=["familyName"]
    )
    client_id = body["data"]["createApiClient"]["client"]["id"]
    first = await people.ask("administrator", REVOKE, id=client_id)
    assert first["data"]["revokeApiClient"]["revokedAt"] is not None
    again = await people.ask("administrator", REVOKE, id=client_id)
    assert error_of(again) == ("BAD_USER_INPUT", "id")


async def test_the_client_list_shows_when_each_was_last_used(
    people: People, world: World, transport: httpx.ASGITransport
) -> None:
    async with partner(transport, world.partner_token) as http:
        await graphql(http, PROBE, id=world.open_child)
    body = await people.ask("administrator", CLIENTS)
    used = {c["name"]: c["lastUsedAt"] for c in body["data"]["apiClients"]}
    assert used["Case system"] is not None


async def test_only_administrators_manage_partner_clients(people: People) -> None:
    body = await people.ask("manager", CLIENTS)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_a_deactivated_organisations_people_are_signed_out(people: People) -> None:
    await people.ask("other practitioner", "{ me { email } }")
    await people.ask("administrator", DEACTIVATE, code="E08000003")
    body = await people.ask("other practitioner", "{ me { email } }")
    assert body["data"]["me"] is None


async def test_a_code_with_a_nul_byte_is_refused_naming_the_field(people: People) -> None:
    body = await people.ask(
        "administrator",
        "query($org: String) { users(organisationCode: $org) { nextCursor } }",
        org="E0800\x000035",
    )
    assert error_of(body) == ("BAD_USER_INPUT", "organisationCode")
    made = await people.ask(
        "administrator", CREATE_CLIENT, org="BARNARDOS", name="a\x00b", fields=["familyName"]
    )
    assert error_of(made) == ("BAD_USER_INPUT", "name")


async def test_an_administrator_still_lists_a_deactivated_organisations_users(
    people: People,
) -> None:
    await people.ask("administrator", DEACTIVATE, code="E08000003")
    body = await people.ask(
        "administrator",
        "query($org: String) { users(organisationCode: $org) { users { email } } }",
        org="E08000003",
    )
    emails = {u["email"] for u in body["data"]["users"]["users"]}
    assert "other.manager@test.example" in emails
