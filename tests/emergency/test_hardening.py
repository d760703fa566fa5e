"""What a review of the first version found: races, a lock that lapsed, an inbox that
outlived a role, refusals lost from the audit, dates that broke the report."""

import asyncio
import json
import time

import pyotp
import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.settings import Settings
from tests.clients import People, error_of
from tests.emergency.test_breaking_the_glass import INBOX, REASON, REQUEST, _break_glass, _count
from tests.emergency.test_review import REPORT
from tests.web.test_notifications import _involve
from tests.world import World

DUTY = "duty.worker@test.example"


async def test_two_requests_at_once_open_one_grant(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    http = await people.client("duty worker")
    step = int(time.time()) // 30
    async with engine.begin() as conn:  # codes of the last three steps all unspent
        await conn.execute(
            text("UPDATE user_account SET totp_last_step = :s WHERE email = :e"),
            {"s": step - 2, "e": DUTY},
        )
    totp = pyotp.TOTP(duty.people["duty worker"].totp_secret)

    async def ask(code: str) -> dict[str, object]:
        variables = {
            "child": duty.shielded_child,
            "purpose": "OTHER",
            "reason": REASON,
            "code": code,
        }
        response = await http.post("/graphql", json={"query": REQUEST, "variables": variables})
        body: dict[str, object] = response.json()
        return body

    answers = await asyncio.gather(ask(totp.at((step - 1) * 30)), ask(totp.at(step * 30)))
    assert sorted("errors" in answer for answer in answers) == [False, True]
    assert await _count(engine, "SELECT count(*) FROM emergency_access") == 1


async def test_the_daily_lock_holds_past_the_day_until_reviewed(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO emergency_access"
                " (id, child_id, user_id, authority_id, purpose, reason, granted_at, expires_at)"
                " SELECT gen_random_uuid(), c.id, u.id, c.responsible_authority_id, 'OTHER',"
                "        :reason, now() - interval '30 hours', now() - interval '29 hours'"
                "   FROM child c, user_account u, generate_series(1, 3)"
                "  WHERE c.contact_point_id = :child AND u.email = :e"
            ),
            {"child": duty.shielded_child, "reason": REASON, "e": DUTY},
        )
    body = await _break_glass(people, duty)
    assert error_of(body)[0] == "FORBIDDEN"
    assert "locked" in body["errors"][0]["message"]


async def test_someone_no_longer_in_the_team_reads_no_reason_in_the_old_alert(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await _break_glass(people, duty)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "DELETE FROM user_role WHERE role = 'MANAGER'"
                " AND user_id = (SELECT id FROM user_account WHERE email = 'manager@test.example')"
            )
        )
    body = await people.ask("manager", INBOX)
    (told,) = body["data"]["notifications"]
    assert REASON not in told["message"]
    assert told["practitionerName"] is None


async def test_with_no_one_in_the_team_to_tell_the_administrators_are_told(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE user_account SET status = 'SUSPENDED'"
                " WHERE email IN ('manager@test.example', 'duty.manager@test.example')"
            )
        )
    await _break_glass(people, duty)
    body = await people.ask("administrator", INBOX)
    assert [n["kind"] for n in body["data"]["notifications"]] == ["EMERGENCY_ACCESS_GRANTED"]


async def test_a_reason_that_is_not_text_is_refused_and_the_refusal_audited(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    http = await people.client("duty worker")
    for reason in ("Police at the door \x00 of the house", "Police at the door \ud800 now!!"):
        variables = {"child": duty.shielded_child, "purpose": "OTHER", "reason": reason}
        # json.dumps escapes the lone surrogate as JSON may (\\ud800): what a client sends.
        payload = json.dumps({"query": REQUEST, "variables": {**variables, "code": "123456"}})
        response = await http.post(
            "/graphql", content=payload, headers={"content-type": "application/json"}
        )
        assert error_of(response.json()) == ("BAD_USER_INPUT", "reason")
    refusals = await _count(
        engine, "SELECT count(*) FROM audit_event WHERE action = 'EMERGENCY_ACCESS_REFUSED'"
    )
    assert refusals == 2


async def test_a_refusal_before_the_lookup_still_names_the_child(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    await _break_glass(people, duty, reason="too short")
    named = await _count(
        engine,
        "SELECT count(*) FROM audit_event WHERE action = 'EMERGENCY_ACCESS_REFUSED'"
        " AND subject_child_id IS NOT NULL",
    )
    assert named == 1


async def test_report_dates_out_of_range_or_without_an_offset_are_clear_errors(
    people: People, duty: World
) -> None:
    query = REPORT.replace("{ emergencyAccessReport {", "query($s: DateTime, $u: DateTime) {"
                           " emergencyAccessReport(since: $s, until: $u) {")  # fmt: skip
    far = await people.ask("manager", query, u="0001-01-01T00:00:00Z")
    assert error_of(far) == ("BAD_USER_INPUT", "until")
    naive = await people.ask("manager", query, s="2026-01-01T00:00:00")
    assert "errors" not in naive


async def test_during_the_grant_the_duty_worker_is_told_nothing_of_the_shielded_child(
    people: People, duty: World
) -> None:
    await _break_glass(people, duty)
    await _involve(people, "duty worker", duty.shielded_child)
    await _involve(people, "other practitioner", duty.shielded_child)
    body = await people.ask("duty worker", INBOX)
    assert body["data"]["notifications"] == []
    told = await people.ask("manager", INBOX)
    assert "INVOLVEMENT_RECORDED" in {n["kind"] for n in told["data"]["notifications"]}


def test_a_grant_lasts_at_most_four_hours() -> None:
    assert Settings(emergency_access_minutes=240).emergency_access_minutes == 240
    with pytest.raises(ValidationError):
        Settings(emergency_access_minutes=241)
