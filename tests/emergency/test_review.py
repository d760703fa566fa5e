"""Every grant waits in the shielding workbench until the team reviews it; an unreviewed
one past 3 working days and a "not justified" finding are misuse findings."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.policy.emergency import review_due
from tests.clients import People, error_of
from tests.emergency.test_breaking_the_glass import REASON, _break_glass, _count
from tests.world import World

WAITING = """query($reviewed: Boolean) { emergencyAccessGrants(reviewed: $reviewed) {
  id childId holderName purpose reason open overdue outcome reviewedBy reviewNote } }"""
REVIEW = """mutation($id: ID!, $outcome: EmergencyOutcome!, $note: String) {
  reviewEmergencyAccess(id: $id, outcome: $outcome, note: $note) {
    id outcome reviewedBy reviewNote } }"""
REPORT = """{ emergencyAccessReport { id childId childName reason holderName outcome overdue
  withheld { field reason } } }"""


async def _grant(people: People, world: World, who: str = "duty worker") -> str:
    body = await _break_glass(people, world, who)
    return str(body["data"]["requestEmergencyAccess"]["id"])


async def test_a_new_grant_waits_in_the_workbench(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    body = await people.ask("manager", WAITING)
    (waiting,) = body["data"]["emergencyAccessGrants"]
    assert waiting["id"] == grant_id
    assert waiting["reason"] == REASON
    assert waiting["holderName"] == "Duty Worker"
    assert waiting["outcome"] is None


async def test_another_authoritys_team_sees_none_of_them(people: People, duty: World) -> None:
    await _grant(people, duty)
    body = await people.ask("other manager", WAITING)
    assert body["data"]["emergencyAccessGrants"] == []


async def test_a_practitioner_cannot_list_them(people: People, duty: World) -> None:
    body = await people.ask("duty worker", WAITING)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_the_team_finds_a_grant_justified_and_it_leaves_the_queue(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    grant_id = await _grant(people, duty)
    body = await people.ask("manager", REVIEW, id=grant_id, outcome="JUSTIFIED")
    assert body["data"]["reviewEmergencyAccess"]["reviewedBy"] == "Manager"
    waiting = await people.ask("manager", WAITING)
    assert waiting["data"]["emergencyAccessGrants"] == []
    reviewed = await people.ask("manager", WAITING, reviewed=True)
    assert [g["outcome"] for g in reviewed["data"]["emergencyAccessGrants"]] == ["JUSTIFIED"]
    events = await _count(
        engine,
        "SELECT count(*) FROM audit_event WHERE action = 'EMERGENCY_ACCESS_REVIEWED'"
        " AND detail->>'finding' = 'JUSTIFIED'",
    )
    assert events == 1


async def test_not_justified_needs_a_note(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    body = await people.ask("manager", REVIEW, id=grant_id, outcome="NOT_JUSTIFIED")
    assert error_of(body) == ("BAD_USER_INPUT", "note")


async def test_a_grant_is_reviewed_once(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    await people.ask("manager", REVIEW, id=grant_id, outcome="JUSTIFIED")
    body = await people.ask("manager", REVIEW, id=grant_id, outcome="NOT_JUSTIFIED", note="x")
    assert error_of(body) == ("BAD_USER_INPUT", "id")


async def test_another_authoritys_team_cannot_review(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    body = await people.ask("other manager", REVIEW, id=grant_id, outcome="JUSTIFIED")
    assert error_of(body) == ("NOT_FOUND", "id")


async def test_nobody_reviews_their_own_grant(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty, "duty manager")
    body = await people.ask("duty manager", REVIEW, id=grant_id, outcome="JUSTIFIED")
    assert error_of(body) == ("FORBIDDEN", "id")


async def test_a_not_justified_finding_is_in_the_misuse_report(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    await people.ask(
        "manager", REVIEW, id=grant_id, outcome="NOT_JUSTIFIED", note="No police request found"
    )
    body = await people.ask("manager", REPORT)
    (finding,) = body["data"]["emergencyAccessReport"]
    assert (finding["id"], finding["outcome"]) == (grant_id, "NOT_JUSTIFIED")


async def test_a_justified_grant_is_no_finding(people: People, duty: World) -> None:
    grant_id = await _grant(people, duty)
    await people.ask("manager", REVIEW, id=grant_id, outcome="JUSTIFIED")
    body = await people.ask("manager", REPORT)
    assert body["data"]["emergencyAccessReport"] == []


async def test_a_grant_unreviewed_past_three_working_days_is_in_the_report(
    people: People, duty: World, engine: AsyncEngine
) -> None:
    grant_id = await _grant(people, duty)
    fresh = await people.ask("manager", REPORT)
    assert fresh["data"]["emergencyAccessReport"] == []
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE emergency_access SET granted_at = now() - interval '6 days',"
                " expires_at = now() - interval '6 days' + interval '1 hour'"
            )
        )
    body = await people.ask("manager", REPORT)
    (finding,) = body["data"]["emergencyAccessReport"]
    assert (finding["id"], finding["overdue"], finding["outcome"]) == (grant_id, True, None)


async def test_auditors_see_the_findings_without_the_child_or_the_reason(
    people: People, duty: World
) -> None:
    grant_id = await _grant(people, duty)
    await people.ask("manager", REVIEW, id=grant_id, outcome="NOT_JUSTIFIED", note="No reason")
    body = await people.ask("auditor", REPORT)
    (finding,) = body["data"]["emergencyAccessReport"]
    assert (finding["childId"], finding["childName"], finding["reason"]) == (None, None, None)
    assert {w["field"] for w in finding["withheld"]} == {"childId", "childName", "reason"}
    assert finding["holderName"] == "Duty Worker"
    assert duty.shielded_child not in str(body)


def test_three_working_days_skip_the_weekend() -> None:
    friday_noon = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert review_due(friday_noon).date().isoformat() == "2026-12-09"  # Wednesday
