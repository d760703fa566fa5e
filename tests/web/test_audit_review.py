"""Audit review: who may search what, paging, bad ranges, the reports, and that reading
the audit is itself audited."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor, AuditEntry, record
from tests.clients import People, error_of
from tests.world import World

EVENTS = """query($filter: AuditEventFilter, $first: Int!, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    events { id action actorEmail actorOrganisation childId detail withheld { field reason } }
    nextCursor } }"""
VIEW = "query($id: ID!) { child(id: $id) { familyName } }"
REPORTS = """{ heaviestViewers { email count } outsideAreaViewers { email count }
  outOfHoursActivity { day count } auditActivity { day views searches } }"""


async def _shielding_event(engine: AsyncEngine, world: World) -> None:
    """The audit event a team's shielding decision writes, about the world's shielded child."""
    async with engine.begin() as conn:
        child = await conn.scalar(
            text("SELECT id FROM child WHERE contact_point_id = :cp"), {"cp": world.shielded_child}
        )
        await record(
            conn,
            Actor(request_id="test", organisation_id=world.leeds_id),
            AuditEntry(action="CHILD_SHIELDED", subject_child_id=child, detail={"reason": "X"}),
        )


async def _views(people: People, world: World) -> None:
    await people.ask("practitioner", VIEW, id=world.open_child)
    await people.ask("other practitioner", VIEW, id=world.open_child)
    await people.ask("other practitioner", VIEW, id=world.shielded_child)


async def test_an_auditor_finds_a_practitioners_views_of_a_child(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask(
        "auditor",
        EVENTS,
        filter={"childId": world.open_child, "action": "CHILD_VIEW"},
        first=10,
    )
    emails = {e["actorEmail"] for e in body["data"]["auditEvents"]["events"]}
    assert emails == {"practitioner@test.example", "other.practitioner@test.example"}


async def test_a_management_team_sees_only_its_people_and_its_children(
    people: People, world: World
) -> None:
    await _views(people, world)
    await people.ask("other manager", "{ me { email } }")  # a Manchester sign-in
    body = await people.ask("manager", EVENTS, first=100)
    for event in body["data"]["auditEvents"]["events"]:
        ours = event["actorOrganisation"] == "E08000035"
        about_ours = event["childId"] in (world.open_child, world.shielded_child)
        assert ours or about_ours, event


async def test_views_of_shielded_records_are_listed_for_the_team(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("manager", EVENTS, filter={"shieldedViewsOnly": True}, first=10)
    (event,) = body["data"]["auditEvents"]["events"]
    assert event["childId"] == world.shielded_child
    assert event["actorEmail"] == "other.practitioner@test.example"


async def test_pages_follow_the_cursor_without_repeats(people: People, world: World) -> None:
    await _views(people, world)
    first = await people.ask("auditor", EVENTS, first=2)
    page = first["data"]["auditEvents"]
    second = await people.ask("auditor", EVENTS, first=2, after=page["nextCursor"])
    ids = [e["id"] for e in page["events"] + second["data"]["auditEvents"]["events"]]
    assert len(ids) == len(set(ids)) == 4


async def test_an_inverted_time_range_is_refused(people: People) -> None:
    body = await people.ask(
        "auditor",
        EVENTS,
        filter={"since": "2026-06-01T00:00:00Z", "until": "2026-05-01T00:00:00Z"},
        first=10,
    )
    assert error_of(body) == ("BAD_USER_INPUT", "since")


async def test_a_page_size_over_the_maximum_is_refused(people: People) -> None:
    body = await people.ask("auditor", EVENTS, first=5000)
    assert error_of(body) == ("BAD_USER_INPUT", "first")


async def test_a_cursor_from_elsewhere_is_refused(people: People) -> None:
    body = await people.ask("auditor", EVENTS, first=10, after="not-a-cursor")
    assert error_of(body) == ("BAD_USER_INPUT", "after")


async def test_a_practitioner_cannot_read_the_audit(people: People) -> None:
    body = await people.ask("practitioner", EVENTS, first=10)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_reading_the_audit_is_itself_audited(people: People, engine: AsyncEngine) -> None:
    await people.ask("auditor", EVENTS, first=10)
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'AUDIT_SEARCHED'")
            )
        ).scalar_one()
    assert events == 1


async def test_the_reports_count_views_by_person_and_day(people: People, world: World) -> None:
    await _views(people, world)
    body = await people.ask("auditor", REPORTS)
    heaviest = body["data"]["heaviestViewers"]
    assert heaviest[0] == {"email": "other.practitioner@test.example", "count": 2}
    outside = {v["email"]: v["count"] for v in body["data"]["outsideAreaViewers"]}
    assert outside == {"other.practitioner@test.example": 2}  # Manchester opening Leeds
    assert sum(day["views"] for day in body["data"]["auditActivity"]) == 3


async def test_a_report_over_more_than_a_year_is_refused(people: People) -> None:
    body = await people.ask(
        "auditor",
        """{ heaviestViewers(since: "2024-01-01T00:00:00Z", until: "2026-01-01T00:00:00Z") {
             count } }""",
    )
    assert error_of(body) == ("BAD_USER_INPUT", "since")


async def test_an_auditor_sees_no_child_data(people: People, world: World) -> None:
    body = await people.ask("auditor", VIEW, id=world.open_child)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_a_management_teams_reports_count_only_its_own_people(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("manager", REPORTS)
    heaviest = body["data"]["heaviestViewers"]
    assert heaviest == [{"email": "practitioner@test.example", "count": 1}]
    assert body["data"]["outsideAreaViewers"] == []


async def test_each_report_read_leaves_one_audit_event(people: People, engine: AsyncEngine) -> None:
    await people.ask("auditor", REPORTS)
    async with engine.connect() as conn:
        reports = (
            (
                await conn.execute(
                    text(
                        "SELECT detail->>'report' FROM audit_event WHERE action = 'AUDIT_REPORTED'"
                        " ORDER BY 1"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert reports == ["ACTIVITY", "HEAVIEST_VIEWERS", "OUTSIDE_AREA_VIEWERS", "OUT_OF_HOURS"]


async def test_an_auditor_sees_which_criteria_were_searched_but_not_their_values(
    people: People, world: World
) -> None:
    await people.ask(
        "practitioner",
        "query($c: ChildSearchInput!) { searchChildren(criteria: $c) { tooManyMatches } }",
        c={"familyName": "Openshaw", "givenName": "Alex"},
    )
    body = await people.ask("auditor", EVENTS, filter={"action": "CHILD_SEARCH"}, first=5)
    (event,) = body["data"]["auditEvents"]["events"]
    assert event["detail"]["criteriaGiven"] == ["familyName", "givenName"]
    assert "Openshaw" not in str(event)


async def test_another_authoritys_team_sees_no_detail_of_its_peoples_views_elsewhere(
    people: People, world: World
) -> None:
    await _views(people, world)  # Manchester's practitioner opens Leeds's shielded child
    body = await people.ask("other manager", EVENTS, filter={"action": "CHILD_VIEW"}, first=10)
    for event in body["data"]["auditEvents"]["events"]:
        assert event["detail"].get("redacted") is True
        assert not {"fields", "withheld", "shielded"} & set(event["detail"])


async def test_an_auditor_lists_views_of_shielded_records_without_the_child(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("auditor", EVENTS, filter={"shieldedViewsOnly": True}, first=10)
    (event,) = body["data"]["auditEvents"]["events"]
    assert event["actorEmail"] == "other.practitioner@test.example"
    assert event["childId"] is None
    assert event["withheld"] == [{"field": "childId", "reason": "SHIELDED"}]


async def test_an_auditor_sees_which_child_was_viewed_unless_it_is_shielded(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("auditor", EVENTS, filter={"action": "CHILD_VIEW"}, first=20)
    events = body["data"]["auditEvents"]["events"]
    assert sorted(str(e["childId"]) for e in events) == sorted(
        [world.open_child, world.open_child, "None"]
    )
    for event in events:
        assert not {"fields", "withheld", "shielded"} & set(event["detail"]), event


async def test_any_event_about_a_shielded_child_leaves_it_unnamed_to_an_auditor(
    people: People, world: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        child = await conn.scalar(
            text("SELECT id FROM child WHERE contact_point_id = :cp"), {"cp": world.shielded_child}
        )
        await record(
            conn, Actor(request_id="t"), AuditEntry("INVOLVEMENT_ADDED", subject_child_id=child)
        )
    body = await people.ask("auditor", EVENTS, filter={"action": "INVOLVEMENT_ADDED"}, first=5)
    (event,) = body["data"]["auditEvents"]["events"]
    assert event["childId"] is None
    assert event["withheld"] == [{"field": "childId", "reason": "SHIELDED"}]


async def test_asked_by_a_shielded_child_an_auditor_gets_none_of_its_events(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("auditor", EVENTS, filter={"childId": world.shielded_child}, first=20)
    assert body["data"]["auditEvents"]["events"] == []


async def test_the_childs_team_sees_which_shielded_child_was_viewed(
    people: People, world: World
) -> None:
    await _views(people, world)
    body = await people.ask("manager", EVENTS, filter={"childId": world.shielded_child}, first=20)
    (event,) = [e for e in body["data"]["auditEvents"]["events"] if e["action"] == "CHILD_VIEW"]
    assert event["childId"] == world.shielded_child
    assert event["withheld"] == []


async def test_an_auditor_sees_a_shielding_decision_without_its_child(
    people: People, world: World, engine: AsyncEngine
) -> None:
    await _shielding_event(engine, world)
    auditor = await people.ask("auditor", EVENTS, filter={"action": "CHILD_SHIELDED"}, first=5)
    (seen,) = auditor["data"]["auditEvents"]["events"]
    assert seen["childId"] is None
    admin = await people.ask("administrator", EVENTS, filter={"action": "CHILD_SHIELDED"}, first=5)
    assert admin["data"]["auditEvents"]["events"][0]["childId"] == world.shielded_child


async def test_asked_by_child_an_auditor_gets_no_shielding_decision(
    people: People, world: World, engine: AsyncEngine
) -> None:
    await _shielding_event(engine, world)
    body = await people.ask("auditor", EVENTS, filter={"childId": world.shielded_child}, first=20)
    actions = {e["action"] for e in body["data"]["auditEvents"]["events"]}
    assert "CHILD_SHIELDED" not in actions


async def test_another_team_lists_no_shielded_views_of_children_not_its_own(
    people: People, world: World
) -> None:
    await _views(people, world)  # Manchester's practitioner opens Leeds's shielded child
    body = await people.ask("other manager", EVENTS, filter={"shieldedViewsOnly": True}, first=10)
    assert body["data"]["auditEvents"]["events"] == []


async def test_a_date_outside_the_logs_life_is_refused_naming_the_field(people: People) -> None:
    for bad in (
        {"until": "0001-01-05T00:00:00Z"},
        {"since": "0001-01-01T00:00:00+14:00"},
        {"until": "9999-12-31T23:59:59-14:00"},
    ):
        body = await people.ask("auditor", EVENTS, filter=bad, first=5)
        assert error_of(body)[0] == "BAD_USER_INPUT", bad


async def test_a_forged_cursor_is_refused(people: People) -> None:
    import base64

    for raw in (
        "2026-01-01T00:00:00+00:00|99999999999999999999999",
        "0001-01-01T00:00:00+14:00|5",
        "\xff\xfe",
    ):
        cursor = base64.urlsafe_b64encode(raw.encode("latin-1")).decode()
        body = await people.ask("auditor", EVENTS, first=5, after=cursor)
        assert error_of(body) == ("BAD_USER_INPUT", "after"), raw
