"""Every way a request to break the glass is refused: a clear error naming the problem,
an audit event for each refusal, and never data."""

import time
from typing import Any

import httpx
import pyotp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, error_of, graphql, partner
from tests.emergency.test_breaking_the_glass import (
    REASON,
    REQUEST,
    _break_glass,
    _count,
    next_code,
)
from tests.world import SHIELDED_SECRETS, World


async def _refusals(engine: AsyncEngine) -> list[tuple[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT outcome, detail->>'field' FROM audit_event"
                " WHERE action = 'EMERGENCY_ACCESS_REFUSED' ORDER BY occurred_at"
            )
        )
        return [(row[0], row[1]) for row in rows]


async def _grants(engine: AsyncEngine) -> int:
    return await _count(engine, "SELECT count(*) FROM emergency_access")


async def test_a_child_of_another_authority_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    body = await _break_glass(people, duty, "other duty worker")
    assert error_of(body) == ("FORBIDDEN", "childId")
    assert "0113 496 0888" in body["errors"][0]["message"]
    assert await _refusals(engine) == [("FORBIDDEN", "childId")]
    assert await _grants(engine) == 0


async def test_an_unshielded_child_has_nothing_to_break(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    body = await _break_glass(people, duty, child=duty.open_child)
    assert error_of(body) == ("BAD_USER_INPUT", "childId")
    assert "not shielded" in body["errors"][0]["message"]
    assert await _refusals(engine) == [("BAD_USER_INPUT", "childId")]


async def test_a_reason_under_twenty_characters_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    body = await _break_glass(people, duty, reason="urgent, sorry")
    assert error_of(body) == ("BAD_USER_INPUT", "reason")
    assert await _refusals(engine) == [("BAD_USER_INPUT", "reason")]


async def test_a_blank_reason_is_refused(people: People, duty: World) -> None:
    body = await _break_glass(people, duty, reason="   ")
    assert error_of(body) == ("BAD_USER_INPUT", "reason")


async def test_an_unknown_purpose_is_a_clear_input_error(people: People, duty: World) -> None:
    body = await _break_glass(people, duty, purpose="CURIOSITY")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "EmergencyPurpose" in body["errors"][0]["message"]


async def test_the_code_used_to_sign_in_cannot_be_used_again(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await people.client("duty worker")
    # The sign-in spent the current step; its code (or an earlier one) is a replay.
    replayed = pyotp.TOTP(duty.people["duty worker"].totp_secret).at(int(time.time()))
    body = await _break_glass(people, duty, code=replayed)
    assert error_of(body) == ("BAD_USER_INPUT", "totpCode")
    assert await _refusals(engine) == [("BAD_USER_INPUT", "totpCode")]
    assert await _grants(engine) == 0


async def test_a_code_opens_one_grant_only(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    code = next_code(duty, "duty worker")
    assert "errors" not in await _break_glass(people, duty, code=code)
    async with engine.begin() as conn:  # that grant is over: nothing else stops a new one
        await conn.execute(
            text(
                "UPDATE emergency_access SET granted_at = now() - interval '2 hours',"
                " expires_at = now() - interval '1 hour'"
            )
        )
    again = await _break_glass(people, duty, code=code)
    assert error_of(again) == ("BAD_USER_INPUT", "totpCode")


async def test_a_wrong_code_is_refused_and_counted(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    body = await _break_glass(people, duty, code="000000")
    assert error_of(body) == ("BAD_USER_INPUT", "totpCode")
    failures = await _count(
        engine,
        "SELECT failed_sign_ins FROM user_account WHERE email = 'duty.worker@test.example'",
    )
    assert failures == 1


async def test_five_wrong_codes_lock_the_second_factor(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    for _ in range(5):
        await _break_glass(people, duty, code="000000")
    body = await _break_glass(people, duty)  # the right code, but locked
    assert error_of(body) == ("BAD_USER_INPUT", "totpCode")
    assert await _grants(engine) == 0


async def test_a_second_request_within_the_window_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await _break_glass(people, duty)
    body = await _break_glass(people, duty, code="123456")
    assert error_of(body) == ("BAD_USER_INPUT", "childId")
    assert "cannot be extended" in body["errors"][0]["message"]
    assert await _grants(engine) == 1


async def test_a_practitioner_without_the_role_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    body = await _break_glass(people, duty, "practitioner")
    assert error_of(body)[0] == "FORBIDDEN"
    assert await _refusals(engine) == [("FORBIDDEN", None)]


async def test_a_manager_without_the_role_is_refused(people: People, duty: World) -> None:
    body = await _break_glass(people, duty, "manager")
    assert error_of(body)[0] == "FORBIDDEN"


async def test_an_auditor_is_refused(people: People, duty: World) -> None:
    body = await _break_glass(people, duty, "auditor")
    assert error_of(body)[0] == "FORBIDDEN"


async def test_a_suspended_duty_worker_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await people.client("duty worker")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE user_account SET status = 'SUSPENDED'"
                " WHERE email = 'duty.worker@test.example'"
            )
        )
    body = await _break_glass(people, duty)
    assert error_of(body)[0] == "FORBIDDEN"
    assert await _grants(engine) == 0


async def test_an_untrained_duty_worker_is_refused(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await people.client("duty worker")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE user_account SET trained_on = NULL WHERE email = 'duty.worker@test.example'"
            )
        )
    body = await _break_glass(people, duty)
    assert error_of(body)[0] == "FORBIDDEN"
    assert "training" in body["errors"][0]["message"]


async def test_a_partner_system_is_refused(duty: World, transport: httpx.ASGITransport) -> None:
    async with partner(transport, duty.partner_token) as http:
        body = await graphql(
            http, REQUEST, child=duty.shielded_child, purpose="OTHER", reason=REASON, code="123456"
        )
    assert error_of(body)[0] == "FORBIDDEN"


async def test_three_grants_in_a_day_lock_the_route_until_they_are_reviewed(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        # Three earlier grants today, each over, on this child.
        await conn.execute(
            text(
                "INSERT INTO emergency_access"
                " (id, child_id, user_id, authority_id, purpose, reason, granted_at, expires_at)"
                " SELECT gen_random_uuid(), c.id, u.id, c.responsible_authority_id, 'OTHER',"
                "        :reason, now() - interval '3 hours', now() - interval '2 hours'"
                "   FROM child c, user_account u, generate_series(1, 3)"
                "  WHERE c.contact_point_id = :child AND u.email = 'duty.worker@test.example'"
            ),
            {"child": duty.shielded_child, "reason": REASON},
        )
    body = await _break_glass(people, duty)
    assert error_of(body)[0] == "FORBIDDEN"
    assert "locked" in body["errors"][0]["message"]
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE emergency_access SET reviewed_at = now(), outcome = 'JUSTIFIED',"
                " reviewed_by = (SELECT id FROM user_account WHERE email = 'manager@test.example')"
            )
        )
    reviewed = await _break_glass(people, duty)
    assert "errors" not in reviewed


async def test_a_refusal_shows_no_data(people: People, duty: World) -> None:
    body = await _break_glass(people, duty, "other duty worker")
    for secret in SHIELDED_SECRETS:
        assert secret not in str(body)
