"""Management teams and administrators running users, and the invited person's first
sign-in. Every refused change writes nothing; every change writes one audit event."""

import time
from datetime import date
from typing import Any

import httpx
import pyotp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, error_of, graphql, signed_in
from tests.world import PASSWORD, World

INVITE = """mutation($input: InviteUserInput!) { inviteUser(input: $input) {
  enrolmentCode user { id email status roles organisation { code } hasSecondFactor } } }"""
ENROL = """mutation($email: String!, $code: String!, $password: String!) {
  completeEnrolment(email: $email, enrolmentCode: $code, password: $password) {
    totpSecret provisioningUri } }"""
USERS = """query($search: String, $first: Int!, $after: String, $org: String) {
  users(search: $search, first: $first, after: $after, organisationCode: $org) {
    users { id email name status roles trainedOn vettedUntil } nextCursor } }"""
UPDATE = """mutation($id: ID!, $input: UpdateUserInput!) {
  updateUser(userId: $id, input: $input) { trainedOn vettedUntil jobTitle } }"""
ROLES = """mutation($id: ID!, $roles: [Role!]!) { setUserRoles(userId: $id, roles: $roles) {
  roles } }"""
SUSPEND = "mutation($id: ID!) { suspendUser(userId: $id) { status } }"
REACTIVATE = "mutation($id: ID!) { reactivateUser(userId: $id) { status } }"
RESET = """mutation($id: ID!) { resetSecondFactor(userId: $id) {
  enrolmentCode user { hasSecondFactor } } }"""
NEW_PASSWORD = "a brand new long password"


async def _events(engine: AsyncEngine, action: str) -> int:
    async with engine.connect() as conn:
        value = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = :a"), {"a": action}
            )
        ).scalar_one()
    return int(value)


async def _user_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM user_account"))).scalar_one())


async def _id_of(people: People, email: str) -> str:
    body = await people.ask("administrator", USERS, search=email, first=5)
    (found,) = [u for u in body["data"]["users"]["users"] if u["email"] == email]
    return str(found["id"])


async def _invite(people: People, who: str = "manager", **input: object) -> dict[str, Any]:
    values = {"email": "new.worker@test.example", "name": "New Worker", "roles": ["PRACTITIONER"]}
    body = await people.ask(who, INVITE, input={**values, **input})
    return body


async def test_a_manager_invites_a_practitioner_into_their_own_organisation(
    people: People, engine: AsyncEngine
) -> None:
    body = await _invite(people)
    invited = body["data"]["inviteUser"]
    assert invited["user"]["status"] == "INVITED"
    assert invited["user"]["organisation"] == {"code": "E08000035"}
    assert invited["user"]["hasSecondFactor"] is False
    assert len(invited["enrolmentCode"]) >= 32
    assert await _events(engine, "USER_INVITED") == 1


async def test_the_enrolment_code_is_stored_only_as_a_hash(
    people: People, engine: AsyncEngine
) -> None:
    code = (await _invite(people))["data"]["inviteUser"]["enrolmentCode"]
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text(
                    "SELECT enrolment_code_hash FROM user_account"
                    " WHERE email = 'new.worker@test.example'"
                )
            )
        ).scalar_one()
    assert stored != code


async def test_an_invited_user_sets_a_password_enrols_and_signs_in(
    people: People, transport: httpx.ASGITransport
) -> None:
    code = (await _invite(people))["data"]["inviteUser"]["enrolmentCode"]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        body = await graphql(
            http, ENROL, email="new.worker@test.example", code=code, password=NEW_PASSWORD
        )
    enrolment = body["data"]["completeEnrolment"]
    assert enrolment["provisioningUri"].startswith("otpauth://totp/ContactPoint")
    async with signed_in(
        transport, "new.worker@test.example", NEW_PASSWORD, enrolment["totpSecret"]
    ) as http:
        me = await graphql(http, "{ me { email canAccessChildData } }")
    assert me["data"]["me"]["email"] == "new.worker@test.example"


async def test_an_enrolment_code_works_only_once(
    people: People, transport: httpx.ASGITransport
) -> None:
    code = (await _invite(people))["data"]["inviteUser"]["enrolmentCode"]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        await graphql(
            http, ENROL, email="new.worker@test.example", code=code, password=NEW_PASSWORD
        )
        again = await graphql(
            http, ENROL, email="new.worker@test.example", code=code, password=NEW_PASSWORD
        )
    assert error_of(again)[0] == "UNAUTHENTICATED"


async def test_a_wrong_enrolment_code_is_refused_without_saying_which_part_was_wrong(
    people: People, transport: httpx.ASGITransport
) -> None:
    await _invite(people)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        wrong_code = await graphql(
            http, ENROL, email="new.worker@test.example", code="not-the-code", password=NEW_PASSWORD
        )
        unknown = await graphql(
            http, ENROL, email="nobody@test.example", code="not-the-code", password=NEW_PASSWORD
        )
    assert wrong_code["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_a_manager_cannot_grant_a_role_they_do_not_hold(
    people: People, engine: AsyncEngine
) -> None:
    before = await _user_count(engine)
    body = await _invite(people, roles=["ADMINISTRATOR"])
    assert error_of(body) == ("FORBIDDEN", "roles")
    assert await _user_count(engine) == before


async def test_a_manager_cannot_invite_into_another_organisation(
    people: People, engine: AsyncEngine
) -> None:
    before = await _user_count(engine)
    body = await _invite(people, organisationCode="E08000003")
    assert error_of(body) == ("FORBIDDEN", "organisationCode")
    assert await _user_count(engine) == before


async def test_an_administrator_invites_an_auditor_anywhere(people: People) -> None:
    body = await _invite(
        people, "administrator", roles=["AUDITOR"], organisationCode="CONTACTPOINT"
    )
    assert body["data"]["inviteUser"]["user"]["roles"] == ["AUDITOR"]


async def test_inviting_an_existing_email_is_refused(people: People, engine: AsyncEngine) -> None:
    before = await _user_count(engine)
    body = await _invite(people, email="practitioner@test.example")
    assert error_of(body) == ("BAD_USER_INPUT", "email")
    assert await _user_count(engine) == before


async def test_an_unknown_role_is_refused(people: People) -> None:
    body = await _invite(people, roles=["SUPERUSER"])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "SUPERUSER" in body["errors"][0]["message"]


async def test_a_practitioner_cannot_invite_anyone(people: People) -> None:
    body = await _invite(people, "practitioner")
    assert error_of(body)[0] == "FORBIDDEN"


async def test_a_manager_records_training_and_vetting_dates(
    people: People, engine: AsyncEngine
) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask(
        "manager",
        UPDATE,
        id=target,
        input={"trainedOn": "2026-06-01", "vettedUntil": "2029-06-01", "jobTitle": "Nurse"},
    )
    assert body["data"]["updateUser"] == {
        "trainedOn": "2026-06-01",
        "vettedUntil": "2029-06-01",
        "jobTitle": "Nurse",
    }
    assert await _events(engine, "USER_UPDATED") == 1


async def test_a_detail_sent_as_null_is_cleared_and_one_left_out_is_kept(
    people: People,
) -> None:
    target = await _id_of(people, "practitioner@test.example")
    await people.ask(
        "manager", UPDATE, id=target, input={"jobTitle": "Nurse", "vettedUntil": "2029-06-01"}
    )
    body = await people.ask("manager", UPDATE, id=target, input={"jobTitle": None})
    assert body["data"]["updateUser"]["jobTitle"] is None
    assert body["data"]["updateUser"]["vettedUntil"] == "2029-06-01"


async def test_a_blank_clears_a_detail_like_null(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    await people.ask("manager", UPDATE, id=target, input={"jobTitle": "Nurse"})
    body = await people.ask("manager", UPDATE, id=target, input={"jobTitle": "  "})
    assert body["data"]["updateUser"]["jobTitle"] is None


async def test_the_name_cannot_be_cleared(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("manager", UPDATE, id=target, input={"name": None})
    assert error_of(body) == ("BAD_USER_INPUT", "name")


async def test_training_cannot_be_recorded_in_the_future(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    body = await people.ask("manager", UPDATE, id=target, input={"trainedOn": tomorrow})
    assert error_of(body) == ("BAD_USER_INPUT", "trainedOn")


async def test_a_suspended_user_is_signed_out_at_once(people: People, engine: AsyncEngine) -> None:
    target = await _id_of(people, "practitioner@test.example")
    await people.ask("practitioner", "{ me { email } }")  # signed in before
    body = await people.ask("manager", SUSPEND, id=target)
    assert body["data"]["suspendUser"]["status"] == "SUSPENDED"
    after = await people.ask("practitioner", "{ me { email } }")
    assert after["data"]["me"] is None
    assert await _events(engine, "USER_SUSPENDED") == 1


async def test_a_suspended_user_can_be_reactivated(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    await people.ask("manager", SUSPEND, id=target)
    body = await people.ask("manager", REACTIVATE, id=target)
    assert body["data"]["reactivateUser"]["status"] == "ACTIVE"


async def test_reactivating_an_active_user_is_refused(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("manager", REACTIVATE, id=target)
    assert error_of(body) == ("BAD_USER_INPUT", "userId")


async def test_nobody_suspends_themselves(people: People) -> None:
    me = await _id_of(people, "manager@test.example")
    body = await people.ask("manager", SUSPEND, id=me)
    assert error_of(body) == ("FORBIDDEN", "userId")


async def test_nobody_changes_their_own_roles(people: People) -> None:
    me = await _id_of(people, "administrator@test.example")
    body = await people.ask("administrator", ROLES, id=me, roles=["ADMINISTRATOR", "AUDITOR"])
    assert error_of(body) == ("FORBIDDEN", "userId")


async def test_a_manager_changes_a_practitioners_roles_within_reach(
    people: People, engine: AsyncEngine
) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("manager", ROLES, id=target, roles=["PRACTITIONER", "MANAGER"])
    assert body["data"]["setUserRoles"]["roles"] == ["MANAGER", "PRACTITIONER"]
    assert await _events(engine, "USER_ROLES_CHANGED") == 1


async def test_a_manager_cannot_raise_anyone_to_auditor(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("manager", ROLES, id=target, roles=["AUDITOR"])
    assert error_of(body) == ("FORBIDDEN", "roles")


async def test_another_authoritys_manager_cannot_find_the_user(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("other manager", SUSPEND, id=target)
    assert error_of(body) == ("NOT_FOUND", "userId")


async def test_resetting_the_second_factor_ends_sessions_and_allows_enrolling_again(
    people: People, transport: httpx.ASGITransport, engine: AsyncEngine
) -> None:
    target = await _id_of(people, "practitioner@test.example")
    await people.ask("practitioner", "{ me { email } }")
    body = await people.ask("manager", RESET, id=target)
    reset = body["data"]["resetSecondFactor"]
    assert reset["user"]["hasSecondFactor"] is False
    assert (await people.ask("practitioner", "{ me { email } }"))["data"]["me"] is None
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        enrolled = await graphql(
            http,
            ENROL,
            email="practitioner@test.example",
            code=reset["enrolmentCode"],
            password=PASSWORD,
        )
    secret = enrolled["data"]["completeEnrolment"]["totpSecret"]
    assert pyotp.TOTP(secret).at(int(time.time()))
    assert await _events(engine, "SECOND_FACTOR_RESET") == 1


async def test_the_user_list_is_paginated_by_name(people: People) -> None:
    first = await people.ask("administrator", USERS, first=2)
    page = first["data"]["users"]
    assert len(page["users"]) == 2
    second = await people.ask("administrator", USERS, first=2, after=page["nextCursor"])
    names = [u["name"] for u in page["users"] + second["data"]["users"]["users"]]
    assert names == sorted(names)
    assert len(set(names)) == 4


async def test_a_manager_lists_only_their_own_organisations_users(people: People) -> None:
    body = await people.ask("manager", USERS, first=50)
    emails = {u["email"] for u in body["data"]["users"]["users"]}
    assert emails == {"practitioner@test.example", "manager@test.example"}


async def test_a_page_size_over_the_maximum_is_refused(people: People) -> None:
    body = await people.ask("manager", USERS, first=1000)
    assert error_of(body) == ("BAD_USER_INPUT", "first")


async def test_a_practitioner_cannot_list_users(people: People) -> None:
    body = await people.ask("practitioner", USERS, first=10)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_search_treats_wildcards_as_characters(people: People, world: World) -> None:
    body = await people.ask("administrator", USERS, search="%", first=50)
    assert body["data"]["users"]["users"] == []


async def test_a_manager_reads_one_of_their_users_by_id(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask("manager", "query($id: ID!) { user(id: $id) { email } }", id=target)
    assert body["data"]["user"] == {"email": "practitioner@test.example"}


async def test_another_authoritys_user_reads_as_absent(people: People) -> None:
    target = await _id_of(people, "practitioner@test.example")
    body = await people.ask(
        "other manager", "query($id: ID!) { user(id: $id) { email } }", id=target
    )
    assert body["data"]["user"] is None


async def test_reactivating_and_enrolling_each_leave_exactly_one_audit_event(
    people: People, transport: httpx.ASGITransport, engine: AsyncEngine
) -> None:
    code = (await _invite(people))["data"]["inviteUser"]["enrolmentCode"]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        await graphql(
            http, ENROL, email="new.worker@test.example", code=code, password=NEW_PASSWORD
        )
    target = await _id_of(people, "new.worker@test.example")
    await people.ask("manager", SUSPEND, id=target)
    await people.ask("manager", REACTIVATE, id=target)
    assert await _events(engine, "ENROLMENT_COMPLETED") == 1
    assert await _events(engine, "USER_REACTIVATED") == 1


async def test_a_reset_code_cannot_be_used_to_choose_a_new_password(
    people: People, transport: httpx.ASGITransport
) -> None:
    """The manager who made the code holds it: it re-enrols the authenticator only."""
    target = await _id_of(people, "practitioner@test.example")
    reset = (await people.ask("manager", RESET, id=target))["data"]["resetSecondFactor"]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        taken = await graphql(
            http,
            ENROL,
            email="practitioner@test.example",
            code=reset["enrolmentCode"],
            password="the manager's own choice",
        )
    assert error_of(taken)[0] == "UNAUTHENTICATED"


async def test_a_suspension_cancels_a_set_up_code_given_before(
    people: People, transport: httpx.ASGITransport
) -> None:
    target = await _id_of(people, "practitioner@test.example")
    reset = (await people.ask("manager", RESET, id=target))["data"]["resetSecondFactor"]
    await people.ask("manager", SUSPEND, id=target)
    reactivated = await people.ask("manager", REACTIVATE, id=target)
    assert reactivated["data"]["reactivateUser"]["status"] == "ACTIVE"
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        used = await graphql(
            http,
            ENROL,
            email="practitioner@test.example",
            code=reset["enrolmentCode"],
            password=PASSWORD,
        )
    assert error_of(used)[0] == "UNAUTHENTICATED"


async def test_a_suspended_manager_keeps_no_management_powers(
    people: People, engine: AsyncEngine
) -> None:
    await people.ask("manager", "{ me { email } }")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE user_account SET status = 'SUSPENDED' WHERE email = 'manager@test.example'"
            )
        )
    for query in (USERS, "{ shieldedChildren { childId } }", "{ auditEvents { nextCursor } }"):
        body = await people.ask("manager", query, first=10)
        assert error_of(body)[0] == "FORBIDDEN", query
