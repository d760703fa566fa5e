"""Merging two records of one child and undoing it: the team keeps one record, the other
hands over what the kept one lacks, and an unmerge puts everything back exactly."""

import uuid
from typing import Any

import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import People, error_of
from tests.world import World

MERGE = """mutation($keep: ID!, $merge: ID!, $reason: String!) {
  mergeChildren(keepId: $keep, mergeId: $merge, reason: $reason) {
    id keepChildId mergedChildId reason mergedBy filledFields involvementsMoved carersMoved
    sourceRecordsMoved unmergedAt } }"""
UNMERGE = """mutation($merge: ID!) { unmergeChild(mergeId: $merge) {
  id mergedChildId unmergedBy unmergedAt } }"""
VIEW = """query($id: ID!) { child(id: $id) { id nhsNumber otherNames
  involvements { practitionerName } } }"""
REASON = "Same child: school census and NHS records of one girl"
# The tables an unmerge restores; their rows, in key order, as PostgreSQL renders them.
RESTORED_TABLES = {
    "child": "id",
    "involvement": "id",
    "carer": "id",
    "source_record": "source, source_key",
    "provenance": "child_id, field",
    "caf_assessment": "child_id",
}


@pytest_asyncio.fixture
async def duplicate(engine: AsyncEngine, world: World) -> str:
    """A second record of the world's open child, with what the first lacks (an NHS number,
    a UPN, another family name) and a carer, a service and a source record of its own."""
    async with engine.begin() as conn:
        child_id, cp_id = await factories.child(
            conn,
            world.leeds_id,
            given_names="Alex",
            family_name="Openshaw-Lee",
            nhs_number="4010232137",
            upn="A123456789012",
        )
        await factories.carer(conn, child_id, name="Dana Openshaw")
        school = await _organisation(conn, "SCH-TEST-002")
        await factories.involvement(conn, child_id, school, practitioner_name="Kim Coach")
        await conn.execute(
            text(
                "INSERT INTO source_record (source, source_key, child_id, content_hash)"
                " VALUES ('NHS_DEMOGRAPHICS', 'PDS-1', :child, 'h1');"
            ),
            {"child": child_id},
        )
        await conn.execute(
            text(
                "INSERT INTO provenance (child_id, field, source, source_record_id)"
                " VALUES (:child, 'nhs_number', 'NHS_DEMOGRAPHICS', 'PDS-1')"
                # The factory's own provenance, vouched for by the NHS instead.
                " ON CONFLICT (child_id, field) DO UPDATE SET source = excluded.source,"
                " source_record_id = excluded.source_record_id"
            ),
            {"child": child_id},
        )
    return cp_id


async def _organisation(conn: Any, code: str) -> int:
    query = text("SELECT id FROM organisation WHERE code = :code")
    return int((await conn.execute(query, {"code": code})).scalar_one())


async def _dump(engine: AsyncEngine) -> dict[str, Any]:
    tables = {}
    async with engine.connect() as conn:
        for table, key in RESTORED_TABLES.items():
            tables[table] = (
                await conn.execute(
                    text(
                        f"SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY {key}), '[]')::text"  # noqa: S608
                        f" FROM {table} t"
                    )
                )
            ).scalar_one()
    return tables


async def _merge(people: People, world: World, duplicate: str, who: str = "manager") -> Any:
    return await people.ask(who, MERGE, keep=world.open_child, merge=duplicate, reason=REASON)


async def _scalar(engine: AsyncEngine, sql: str, **values: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), values)).scalar_one()


async def test_the_kept_record_takes_what_it_lacks_and_the_merged_records_rows(
    people: People, world: World, duplicate: str
) -> None:
    body = await _merge(people, world, duplicate)
    merge = body["data"]["mergeChildren"]
    assert (merge["keepChildId"], merge["mergedChildId"]) == (world.open_child, duplicate)
    assert merge["filledFields"] == ["nhs_number", "other_names", "upn"]
    # Two source records: the factory's (each child is entered as a feed enters it) and PDS-1.
    assert (merge["involvementsMoved"], merge["carersMoved"], merge["sourceRecordsMoved"]) == (
        1,
        1,
        2,
    )
    kept = (await people.ask("manager", VIEW, id=world.open_child))["data"]["child"]
    assert kept["nhsNumber"] == "4010232137"
    assert kept["otherNames"] == ["Openshaw-Lee"]
    assert "Kim Coach" in {i["practitionerName"] for i in kept["involvements"]}


async def test_the_merged_record_says_where_it_went_and_leaves_search(
    people: People, world: World, duplicate: str
) -> None:
    await _merge(people, world, duplicate)
    body = await people.ask("practitioner", VIEW, id=duplicate)
    assert error_of(body) == ("NOT_FOUND", "id")
    assert world.open_child in body["errors"][0]["message"]
    found = await people.ask(
        "practitioner",
        'query { searchChildren(criteria: {familyName: "Openshaw-Lee", givenName: "Alex",'
        ' dateOfBirth: "2015-03-14"}) { matches { child { id } } } }',
    )
    ids = {m["child"]["id"] for m in found["data"]["searchChildren"]["matches"]}
    assert duplicate not in ids
    assert world.open_child in ids


async def test_merge_then_unmerge_leaves_the_records_byte_for_byte_as_they_were(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    before = await _dump(engine)
    await _merge(people, world, duplicate)
    assert await _dump(engine) != before
    body = await people.ask("manager", UNMERGE, merge=duplicate)
    assert body["data"]["unmergeChild"]["unmergedBy"] == "Manager"
    assert await _dump(engine) == before


async def test_an_unmerge_keeps_what_changed_on_the_kept_record_since(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    await _merge(people, world, duplicate)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE child SET town = 'Otley' WHERE contact_point_id = :cp"),
            {"cp": world.open_child},
        )
    await people.ask("manager", UNMERGE, merge=duplicate)
    town, nhs, others = await _row(
        engine,
        "SELECT town, nhs_number, other_names FROM child WHERE contact_point_id = :cp",
        cp=world.open_child,
    )
    assert (town, nhs, others) == ("Otley", None, [])
    assert (
        await _scalar(
            engine, "SELECT nhs_number FROM child WHERE contact_point_id = :cp", cp=duplicate
        )
        == "4010232137"
    )


async def _row(engine: AsyncEngine, sql: str, **values: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), values)).one()


async def test_an_active_duplicate_involvement_stays_on_the_merged_record(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        school = await _organisation(conn, "SCH-TEST-001")
        practitioner = await _scalar_in(conn, "practitioner@test.example")
        keep_id = await _child_id(conn, world.open_child)
        merged_id = await _child_id(conn, duplicate)
        for child in (keep_id, merged_id):
            await factories.involvement(
                conn, child, school, practitioner_user_id=practitioner, practitioner_name="P"
            )
    body = await _merge(people, world, duplicate)
    assert body["data"]["mergeChildren"]["involvementsMoved"] == 1
    assert (
        await _scalar(engine, "SELECT count(*) FROM involvement WHERE child_id = :id", id=merged_id)
        == 1
    )


async def _scalar_in(conn: Any, email: str) -> uuid.UUID:
    query = text("SELECT id FROM user_account WHERE email = :email")
    return uuid.UUID(str((await conn.execute(query, {"email": email})).scalar_one()))


async def _child_id(conn: Any, cp_id: str) -> int:
    query = text("SELECT id FROM child WHERE contact_point_id = :cp")
    return int((await conn.execute(query, {"cp": cp_id})).scalar_one())


async def test_the_people_involved_with_either_record_are_told(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        school = await _organisation(conn, "SCH-TEST-001")
        practitioner = await _scalar_in(conn, "practitioner@test.example")
        await factories.involvement(
            conn,
            await _child_id(conn, duplicate),
            school,
            practitioner_user_id=practitioner,
            service_type="FAMILY_SUPPORT",
        )
    await _merge(people, world, duplicate)
    body = await people.ask("practitioner", "query { notifications { kind childId message } }")
    (told,) = [n for n in body["data"]["notifications"] if n["kind"] == "CHILD_MERGED"]
    assert told["childId"] == world.open_child
    assert duplicate in told["message"]


async def test_merge_and_unmerge_are_audited_with_both_records(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    merge_id = (await _merge(people, world, duplicate))["data"]["mergeChildren"]["id"]
    await people.ask("manager", UNMERGE, merge=duplicate)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT action, detail FROM audit_event"
                    " WHERE action IN ('CHILD_MERGED', 'CHILD_UNMERGED') ORDER BY occurred_at"
                )
            )
        ).all()
    assert [row.action for row in rows] == ["CHILD_MERGED", "CHILD_UNMERGED"]
    for row in rows:
        assert row.detail["mergeId"] == merge_id
        assert (row.detail["keepChildId"], row.detail["mergedChildId"]) == (
            world.open_child,
            duplicate,
        )
    assert rows[0].detail["reason"] == REASON


async def test_a_shielded_record_cannot_be_merged_into_an_unshielded_one(
    people: People, world: World
) -> None:
    body = await people.ask(
        "manager", MERGE, keep=world.open_child, merge=world.shielded_child, reason=REASON
    )
    assert error_of(body) == ("BAD_USER_INPUT", "mergeId")


async def test_two_records_with_active_leads_cannot_be_merged(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        school = await _organisation(conn, "SCH-TEST-001")
        for cp_id in (world.open_child, duplicate):
            await factories.involvement(
                conn,
                await _child_id(conn, cp_id),
                school,
                is_lead=True,
                service_type="FAMILY_SUPPORT",
            )
    body = await _merge(people, world, duplicate)
    assert error_of(body) == ("BAD_USER_INPUT", "mergeId")
    assert "lead professional" in body["errors"][0]["message"]


async def test_records_with_different_nhs_numbers_cannot_be_merged(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE child SET nhs_number = '9434765927' WHERE contact_point_id = :cp"),
            {"cp": world.open_child},
        )
    body = await _merge(people, world, duplicate)
    assert error_of(body) == ("BAD_USER_INPUT", "mergeId")


async def test_a_reason_is_required(people: People, world: World, duplicate: str) -> None:
    body = await people.ask("manager", MERGE, keep=world.open_child, merge=duplicate, reason="dup")
    assert error_of(body) == ("BAD_USER_INPUT", "reason")


async def test_a_record_cannot_be_merged_into_itself(people: People, world: World) -> None:
    body = await people.ask(
        "manager", MERGE, keep=world.open_child, merge=world.open_child, reason=REASON
    )
    assert error_of(body) == ("BAD_USER_INPUT", "mergeId")


async def test_another_authoritys_team_cannot_merge_them(
    people: People, world: World, duplicate: str
) -> None:
    assert error_of(await _merge(people, world, duplicate, "other manager")) == (
        "NOT_FOUND",
        "keepId",
    )


async def test_a_practitioner_cannot_merge_records(
    people: People, world: World, duplicate: str
) -> None:
    assert error_of(await _merge(people, world, duplicate, "practitioner"))[0] == "FORBIDDEN"


async def test_a_refused_merge_changes_nothing(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    before = await _dump(engine)
    await people.ask("manager", MERGE, keep=world.open_child, merge=duplicate, reason="x")
    await _merge(people, world, duplicate, "other manager")
    assert await _dump(engine) == before


async def test_a_record_not_merged_cannot_be_unmerged(people: People, world: World) -> None:
    body = await people.ask("manager", UNMERGE, merge=world.open_child)
    assert error_of(body) == ("NOT_FOUND", "mergeId")


async def test_a_merged_record_cannot_be_merged_again(
    people: People, world: World, duplicate: str
) -> None:
    await _merge(people, world, duplicate)
    body = await _merge(people, world, duplicate)
    assert error_of(body) == ("BAD_USER_INPUT", "mergeId")


async def test_for_a_shielded_child_only_its_team_is_told(
    people: People, world: World, duplicate: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        school = await _organisation(conn, "SCH-TEST-001")
        practitioner = await _scalar_in(conn, "practitioner@test.example")
        await factories.involvement(
            conn,
            await _child_id(conn, duplicate),
            school,
            practitioner_user_id=practitioner,
            service_type="FAMILY_SUPPORT",
        )
    await people.ask("manager", MERGE, keep=world.shielded_child, merge=duplicate, reason=REASON)
    inbox = "query { notifications { kind } }"
    told = await people.ask("practitioner", inbox)
    assert "CHILD_MERGED" not in {n["kind"] for n in told["data"]["notifications"]}
    async with engine.connect() as conn:
        kinds = (
            (
                await conn.execute(
                    text(
                        "SELECT u.email FROM notification n JOIN user_account u"
                        " ON u.id = n.recipient_user_id WHERE n.kind = 'CHILD_MERGED'"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert kinds == []  # the only manager is the one who merged
