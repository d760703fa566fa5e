"""Recording, changing and ending involvements, and the lead professional (SPEC section 5).

Each bad input gets a clear error naming the field and writes nothing at all.
"""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.clients import People, graphql, partner
from tests.world import World

RECORD = """mutation($child: ID!, $input: InvolvementInput!) {
  recordInvolvement(childId: $child, input: $input) {
    id serviceType serviceTypeLabel practitionerName practitionerRole phone email
    startDate endDate leadProfessional recordedBy organisation { code } withheld { field reason }
  } }"""
UPDATE = """mutation($id: ID!, $input: InvolvementUpdateInput!) {
  updateInvolvement(id: $id, input: $input) { id phone practitionerName } }"""
END = """mutation($id: ID!, $end: Date!) {
  endInvolvement(id: $id, endDate: $end) { id endDate endedBy } }"""
SET_LEAD = (
    """mutation($id: ID!) { setLeadProfessional(involvementId: $id) { id leadProfessional } }"""
)
STEP_DOWN = """mutation($id: ID!) {
  stepDownLeadProfessional(involvementId: $id) { id leadProfessional } }"""
RECORD_VIEW = """query($id: ID!) { child(id: $id) {
  involvements { id practitionerName serviceType leadProfessional }
  involvementHistory { id practitionerName endDate endedBy recordedBy }
  myInvolvements { id serviceType }
  withheld { field reason } } }"""
TODAY = date.today()
CONSENT = {"givenBy": "YOUNG_PERSON", "givenOn": TODAY.isoformat()}


def _error(body: dict[str, Any]) -> tuple[str, str | None]:
    assert body.get("data") is None or not any(body["data"].values()), body
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")


async def _count(engine: AsyncEngine, sql: str, **values: object) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql), values)).scalar_one())


async def _involvements(engine: AsyncEngine) -> int:
    return await _count(engine, "SELECT count(*) FROM involvement")


async def _record(people: People, who: str, child: str, **input: object) -> dict[str, Any]:
    body = await people.ask(who, RECORD, child=child, input={"serviceType": "SOCIAL_CARE", **input})
    assert "errors" not in body, body
    recorded: dict[str, Any] = body["data"]["recordInvolvement"]
    return recorded


async def _school_involvement(engine: AsyncEngine, child: str) -> str:
    async with engine.connect() as conn:
        value = (
            await conn.execute(
                text(
                    "SELECT i.id FROM involvement i JOIN child c ON c.id = i.child_id"
                    " WHERE c.contact_point_id = :cp AND i.service_type = 'EDUCATION_SETTING'"
                ),
                {"cp": child},
            )
        ).scalar_one()
    return str(value)


async def test_a_recorded_involvement_takes_its_contact_details_from_the_profile(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    assert recorded["practitionerName"] == "Practitioner"
    assert recorded["email"] == "practitioner@test.example"
    assert recorded["organisation"] == {"code": "E08000035"}
    assert recorded["startDate"] == TODAY.isoformat()
    assert recorded["recordedBy"] == "Practitioner"


async def test_a_recorded_involvement_appears_on_the_record_for_the_next_practitioner(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.open_child, phone="0113 496 0001")
    body = await people.ask("other practitioner", RECORD_VIEW, id=world.open_child)
    shown = {i["id"]: i for i in body["data"]["child"]["involvements"]}
    assert shown[recorded["id"]]["serviceType"] == "SOCIAL_CARE"


async def test_typed_contact_details_override_the_profile(people: People, world: World) -> None:
    recorded = await _record(
        people,
        "practitioner",
        world.open_child,
        practitionerName="Dr Ada Lovelace",
        practitionerRole="Social worker",
        phone="+44 113 496 0002",
        email="Ada@Example.org",
    )
    assert (recorded["practitionerName"], recorded["practitionerRole"]) == (
        "Dr Ada Lovelace",
        "Social worker",
    )
    assert (recorded["phone"], recorded["email"]) == ("+44 113 496 0002", "ada@example.org")


async def test_an_unknown_service_type_is_refused_and_nothing_is_written(
    people: People, world: World, engine: AsyncEngine
) -> None:
    before = await _involvements(engine)
    body = await people.ask(
        "practitioner", RECORD, child=world.open_child, input={"serviceType": "ASTROLOGY"}
    )
    assert _error(body) == ("BAD_USER_INPUT", "serviceType")
    assert await _involvements(engine) == before


async def test_a_sensitive_service_without_consent_is_refused_and_nothing_is_written(
    people: People, world: World, engine: AsyncEngine
) -> None:
    before = await _involvements(engine)
    body = await people.ask(
        "practitioner", RECORD, child=world.open_child, input={"serviceType": "CAMHS"}
    )
    assert _error(body) == ("BAD_USER_INPUT", "consent")
    assert "consent" in body["errors"][0]["message"]
    assert await _involvements(engine) == before
    assert await _count(engine, "SELECT count(*) FROM notification") == 0
    assert (
        await _count(
            engine, "SELECT count(*) FROM audit_event WHERE action = 'INVOLVEMENT_RECORDED'"
        )
        == 0
    )


async def test_a_sensitive_service_with_consent_is_recorded_with_who_gave_it(
    people: People, world: World, engine: AsyncEngine
) -> None:
    recorded = await _record(
        people, "practitioner", world.open_child, serviceType="CAMHS", consent=CONSENT
    )
    assert recorded["serviceType"] == "CAMHS"  # its own organisation sees the nature
    assert (
        await _count(
            engine,
            "SELECT count(*) FROM involvement WHERE id = :id AND consent_given_by = 'YOUNG_PERSON'"
            " AND consent_recorded_by = 'Practitioner'",
            id=recorded["id"],
        )
        == 1
    )


async def test_another_organisation_sees_a_sensitive_involvements_contact_but_not_its_nature(
    people: People, world: World
) -> None:
    recorded = await _record(
        people, "practitioner", world.open_child, serviceType="CAMHS", consent=CONSENT
    )
    body = await people.ask(
        "other practitioner",
        """query($id: ID!) { child(id: $id) { involvements {
             id serviceType practitionerName email withheld { field reason } } } }""",
        id=world.open_child,
    )
    shown = {i["id"]: i for i in body["data"]["child"]["involvements"]}[recorded["id"]]
    assert shown["serviceType"] is None
    assert shown["email"] == "practitioner@test.example"
    assert {"field": "serviceType", "reason": "CONSENT"} in shown["withheld"]


async def test_consent_given_in_the_future_is_refused(people: People, world: World) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    body = await people.ask(
        "practitioner",
        RECORD,
        child=world.open_child,
        input={
            "serviceType": "CAMHS",
            "consent": {"givenBy": "PARENT_OR_CARER", "givenOn": tomorrow},
        },
    )
    assert _error(body) == ("BAD_USER_INPUT", "consent.givenOn")


async def test_a_second_active_involvement_of_the_same_practitioner_and_service_is_refused(
    people: People, world: World, engine: AsyncEngine
) -> None:
    await _record(people, "practitioner", world.open_child)
    before = await _involvements(engine)
    body = await people.ask(
        "practitioner", RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
    )
    assert _error(body) == ("BAD_USER_INPUT", "serviceType")
    assert await _involvements(engine) == before


async def test_a_start_date_in_the_future_is_refused(people: People, world: World) -> None:
    body = await people.ask(
        "practitioner",
        RECORD,
        child=world.open_child,
        input={"serviceType": "SOCIAL_CARE", "startDate": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert _error(body) == ("BAD_USER_INPUT", "startDate")


async def test_a_phone_number_of_letters_is_refused(people: People, world: World) -> None:
    body = await people.ask(
        "practitioner",
        RECORD,
        child=world.open_child,
        input={"serviceType": "SOCIAL_CARE", "phone": "call reception"},
    )
    assert _error(body) == ("BAD_USER_INPUT", "phone")


async def test_a_child_id_that_is_not_a_contactpoint_id_is_refused(people: People) -> None:
    body = await people.ask(
        "practitioner", RECORD, child="'; DROP TABLE child; --", input={"serviceType": "GP"}
    )
    assert _error(body) == ("BAD_USER_INPUT", "childId")


async def test_an_archived_child_is_not_found_for_new_involvements(
    people: People, world: World, owner_engine: AsyncEngine
) -> None:
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE child SET status = 'ARCHIVED', archived_at = now()"
                " WHERE contact_point_id = :cp"
            ),
            {"cp": world.open_child},
        )
    body = await people.ask(
        "practitioner", RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
    )
    assert _error(body) == ("NOT_FOUND", "childId")  # as the record view answers


async def test_a_partner_system_cannot_record_involvements(
    transport: httpx.ASGITransport, world: World
) -> None:
    async with partner(transport, world.partner_token) as http:
        body = await graphql(
            http, RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
        )
    assert _error(body)[0] == "FORBIDDEN"


async def test_an_auditor_cannot_record_involvements(people: People, world: World) -> None:
    body = await people.ask(
        "auditor", RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
    )
    assert _error(body)[0] == "FORBIDDEN"


async def test_an_ended_involvement_moves_to_the_history_with_who_ended_it(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    ended = await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    assert ended["data"]["endInvolvement"]["endedBy"] == "Practitioner"
    body = await people.ask("other practitioner", RECORD_VIEW, id=world.open_child)
    child = body["data"]["child"]
    assert recorded["id"] not in {i["id"] for i in child["involvements"]}
    history = {i["id"]: i for i in child["involvementHistory"]}
    assert history[recorded["id"]]["endDate"] == TODAY.isoformat()
    assert history[recorded["id"]]["recordedBy"] == "Practitioner"


async def test_an_end_date_before_the_start_is_refused_and_the_involvement_stays_active(
    people: People, world: World, engine: AsyncEngine
) -> None:
    recorded = await _record(
        people, "practitioner", world.open_child, startDate=(TODAY - timedelta(days=10)).isoformat()
    )
    body = await people.ask(
        "practitioner", END, id=recorded["id"], end=(TODAY - timedelta(days=11)).isoformat()
    )
    assert _error(body) == ("BAD_USER_INPUT", "endDate")
    assert (
        await _count(
            engine,
            "SELECT count(*) FROM involvement WHERE id = :id AND end_date IS NULL",
            id=recorded["id"],
        )
        == 1
    )


async def test_an_involvement_cannot_be_ended_twice(people: People, world: World) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    body = await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    assert _error(body) == ("BAD_USER_INPUT", "id")


async def test_a_practitioner_cannot_end_another_organisations_involvement(
    people: People, world: World, engine: AsyncEngine
) -> None:
    school = await _school_involvement(engine, world.open_child)
    body = await people.ask("practitioner", END, id=school, end=TODAY.isoformat())
    assert _error(body) == ("FORBIDDEN", "id")
    assert (
        await _count(
            engine,
            "SELECT count(*) FROM involvement WHERE id = :id AND end_date IS NULL",
            id=school,
        )
        == 1
    )


async def test_a_practitioner_cannot_change_another_organisations_involvement(
    people: People, world: World, engine: AsyncEngine
) -> None:
    school = await _school_involvement(engine, world.open_child)
    body = await people.ask(
        "other practitioner", UPDATE, id=school, input={"phone": "0161 496 0000"}
    )
    assert _error(body) == ("FORBIDDEN", "id")


async def test_the_management_team_corrects_any_involvement_with_a_child_of_its_authority(
    people: People, world: World, engine: AsyncEngine
) -> None:
    school = await _school_involvement(engine, world.open_child)
    body = await people.ask("manager", UPDATE, id=school, input={"phone": "0113 496 0777"})
    assert body["data"]["updateInvolvement"]["phone"] == "0113 496 0777"


async def test_an_update_with_nothing_to_change_is_refused(people: People, world: World) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    body = await people.ask("practitioner", UPDATE, id=recorded["id"], input={})
    assert _error(body) == ("BAD_USER_INPUT", "input")


async def test_a_contact_detail_sent_as_null_is_cleared_and_the_rest_kept(
    people: People, world: World
) -> None:
    recorded = await _record(
        people, "practitioner", world.open_child, phone="0113 496 0001", email="sam@leeds.example"
    )
    body = await people.ask("practitioner", UPDATE, id=recorded["id"], input={"phone": None})
    assert body["data"]["updateInvolvement"]["phone"] is None
    view = await people.ask("practitioner", RECORD_VIEW, id=world.open_child)
    assert "errors" not in view


async def test_the_last_way_to_reach_the_practitioner_cannot_be_cleared(
    people: People, world: World, engine: AsyncEngine
) -> None:
    recorded = await _record(
        people, "practitioner", world.open_child, phone="0113 496 0001", email="sam@leeds.example"
    )
    await people.ask("practitioner", UPDATE, id=recorded["id"], input={"email": None})
    body = await people.ask("practitioner", UPDATE, id=recorded["id"], input={"phone": None})
    assert _error(body) == ("BAD_USER_INPUT", "phone")
    kept = await _count(
        engine, "SELECT count(*) FROM involvement WHERE id = :id AND phone IS NOT NULL",
        id=recorded["id"],
    )  # fmt: skip
    assert kept == 1


async def test_the_practitioners_name_cannot_be_cleared(people: People, world: World) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    body = await people.ask(
        "practitioner", UPDATE, id=recorded["id"], input={"practitionerName": None}
    )
    assert _error(body) == ("BAD_USER_INPUT", "practitionerName")


async def test_an_unknown_involvement_id_is_not_found(people: People) -> None:
    body = await people.ask(
        "practitioner", END, id="00000000-0000-0000-0000-000000000000", end=TODAY.isoformat()
    )
    assert _error(body) == ("NOT_FOUND", "id")


async def test_a_lead_professional_is_marked_on_the_record(people: People, world: World) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    body = await people.ask("practitioner", SET_LEAD, id=recorded["id"])
    assert body["data"]["setLeadProfessional"]["leadProfessional"] is True
    view = await people.ask("other practitioner", RECORD_VIEW, id=world.open_child)
    leads = [i["id"] for i in view["data"]["child"]["involvements"] if i["leadProfessional"]]
    assert leads == [recorded["id"]]


async def test_a_second_lead_professional_is_refused(
    people: People, world: World, engine: AsyncEngine
) -> None:
    first = await _record(people, "practitioner", world.open_child)
    second = await _record(people, "other practitioner", world.open_child)
    await people.ask("practitioner", SET_LEAD, id=first["id"])
    body = await people.ask("other practitioner", SET_LEAD, id=second["id"])
    assert _error(body) == ("BAD_USER_INPUT", "involvementId")
    assert await _count(engine, "SELECT count(*) FROM involvement WHERE is_lead") == 1


async def test_a_lead_who_steps_down_can_be_replaced(people: People, world: World) -> None:
    first = await _record(people, "practitioner", world.open_child)
    second = await _record(people, "other practitioner", world.open_child)
    await people.ask("practitioner", SET_LEAD, id=first["id"])
    stepped = await people.ask("practitioner", STEP_DOWN, id=first["id"])
    assert stepped["data"]["stepDownLeadProfessional"]["leadProfessional"] is False
    body = await people.ask("other practitioner", SET_LEAD, id=second["id"])
    assert body["data"]["setLeadProfessional"]["leadProfessional"] is True


async def test_ending_the_lead_professionals_involvement_leaves_the_child_without_a_lead(
    people: People, world: World, engine: AsyncEngine
) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    await people.ask("practitioner", SET_LEAD, id=recorded["id"])
    await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    assert await _count(engine, "SELECT count(*) FROM involvement WHERE is_lead") == 0


async def test_two_concurrent_lead_professionals_leave_exactly_one(
    people: People, world: World, engine: AsyncEngine
) -> None:
    first = await _record(people, "practitioner", world.open_child)
    second = await _record(people, "other practitioner", world.open_child)
    answers = await asyncio.gather(
        people.ask("practitioner", SET_LEAD, id=first["id"]),
        people.ask("other practitioner", SET_LEAD, id=second["id"]),
    )
    succeeded = [a for a in answers if "errors" not in a]
    refused = [a for a in answers if "errors" in a]
    assert len(succeeded) == 1
    assert len(refused) == 1
    assert refused[0]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await _count(engine, "SELECT count(*) FROM involvement WHERE is_lead") == 1


async def test_each_change_leaves_exactly_one_audit_event(
    people: People, world: World, engine: AsyncEngine
) -> None:
    recorded = await _record(people, "practitioner", world.open_child)
    await people.ask("practitioner", UPDATE, id=recorded["id"], input={"phone": "0113 496 0003"})
    await people.ask("practitioner", SET_LEAD, id=recorded["id"])
    await people.ask("practitioner", STEP_DOWN, id=recorded["id"])
    await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    for action in (
        "INVOLVEMENT_RECORDED",
        "INVOLVEMENT_UPDATED",
        "LEAD_PROFESSIONAL_SET",
        "LEAD_PROFESSIONAL_UNSET",
        "INVOLVEMENT_ENDED",
    ):
        assert (
            await _count(
                engine,
                "SELECT count(*) FROM audit_event WHERE action = :action"
                " AND detail->>'involvementId' = :id",
                action=action,
                id=recorded["id"],
            )
            == 1
        ), action


async def test_on_a_shielded_child_a_practitioner_records_an_involvement_but_sees_no_others(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.shielded_child)
    body = await people.ask("practitioner", RECORD_VIEW, id=world.shielded_child)
    child = body["data"]["child"]
    assert child["involvements"] is None
    assert {"field": "involvements", "reason": "SHIELDED"} in child["withheld"]
    assert child["myInvolvements"] == [{"id": recorded["id"], "serviceType": "SOCIAL_CARE"}]


async def test_on_a_shielded_child_anothers_involvement_is_not_found_by_a_practitioner(
    people: People, world: World, engine: AsyncEngine
) -> None:
    hidden = await _school_involvement(engine, world.shielded_child)
    body = await people.ask("practitioner", END, id=hidden, end=TODAY.isoformat())
    assert _error(body) == ("NOT_FOUND", "id")
    assert "Secretworker" not in str(body)


async def test_on_a_shielded_child_a_practitioner_ends_their_own_involvement(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.shielded_child)
    body = await people.ask("practitioner", END, id=recorded["id"], end=TODAY.isoformat())
    assert body["data"]["endInvolvement"]["endDate"] == TODAY.isoformat()


async def test_the_service_types_list_marks_the_sensitive_ones(people: People) -> None:
    body = await people.ask("practitioner", "{ serviceTypes { code label sensitive } }")
    sensitive = {t["code"] for t in body["data"]["serviceTypes"] if t["sensitive"]}
    assert sensitive == {"CAMHS", "SEXUAL_HEALTH", "SUBSTANCE_MISUSE"}


async def test_on_a_shielded_child_a_practitioner_cannot_learn_who_is_lead(
    people: People, world: World
) -> None:
    recorded = await _record(people, "practitioner", world.shielded_child)
    body = await people.ask("practitioner", SET_LEAD, id=recorded["id"])
    assert _error(body) == ("FORBIDDEN", "involvementId")


async def test_a_date_before_1990_is_refused_as_a_typing_slip(people: People, world: World) -> None:
    body = await people.ask(
        "practitioner",
        RECORD,
        child=world.open_child,
        input={"serviceType": "SOCIAL_CARE", "startDate": "0001-01-01"},
    )
    assert _error(body) == ("BAD_USER_INPUT", "startDate")


async def test_an_administrator_alone_does_not_record_involvements(
    people: People, world: World
) -> None:
    body = await people.ask(
        "administrator", RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
    )
    assert _error(body)[0] == "FORBIDDEN"


async def test_a_refused_attempt_on_a_shielded_childs_involvement_is_audited(
    people: People, world: World, engine: AsyncEngine
) -> None:
    hidden = await _school_involvement(engine, world.shielded_child)
    await people.ask("practitioner", END, id=hidden, end=TODAY.isoformat())
    assert (
        await _count(
            engine,
            "SELECT count(*) FROM audit_event WHERE action = 'INVOLVEMENT_CHANGE'"
            " AND outcome = 'NOT_FOUND' AND detail->>'involvementId' = :id",
            id=hidden,
        )
        == 1
    )
