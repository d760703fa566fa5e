"""The shielding workbench: children due for review, and requests to be put in touch."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import People, error_of
from tests.world import SHIELDED_SECRETS, World

SHIELDED = """query($due: Date) { shieldedChildren(reviewDueBy: $due) {
  childId childName reason reviewDate } }"""
REQUEST = """mutation($child: ID!, $message: String!) {
  requestContact(childId: $child, message: $message) { id status } }"""
REQUESTS = """query($status: ContactRequestStatus) { contactRequests(status: $status) {
  id childId requesterName requesterEmail message status decisionNote } }"""
ACCEPT = "mutation($id: ID!) { acceptContactRequest(id: $id) { status decidedBy } }"
DECLINE = """mutation($id: ID!, $reason: String!) {
  declineContactRequest(id: $id, reason: $reason) { status decisionNote } }"""
INBOX = "{ notifications { kind message } }"
MESSAGE = "I am the school nurse at the child's new school; please pass my details on."


async def _request(people: People, world: World) -> str:
    body = await people.ask("practitioner", REQUEST, child=world.shielded_child, message=MESSAGE)
    assert body["data"]["requestContact"]["status"] == "PENDING"
    return str(body["data"]["requestContact"]["id"])


async def test_the_team_lists_its_shielded_children_due_for_review(
    people: People, world: World
) -> None:
    body = await people.ask("manager", SHIELDED, due="2030-12-31")
    assert [c["childId"] for c in body["data"]["shieldedChildren"]] == [world.shielded_child]
    later = await people.ask("manager", SHIELDED, due="2029-12-31")
    assert later["data"]["shieldedChildren"] == []


async def test_another_authoritys_team_sees_none_of_them(people: People) -> None:
    body = await people.ask("other manager", SHIELDED)
    assert body["data"]["shieldedChildren"] == []


async def test_a_practitioner_cannot_open_the_workbench(people: People) -> None:
    body = await people.ask("practitioner", SHIELDED)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_a_practitioners_request_reaches_the_team_with_their_details(
    people: People, world: World
) -> None:
    await _request(people, world)
    body = await people.ask("manager", REQUESTS, status="PENDING")
    (request,) = body["data"]["contactRequests"]
    assert request["requesterEmail"] == "practitioner@test.example"
    assert request["message"] == MESSAGE
    inbox = await people.ask("manager", INBOX)
    assert [n["kind"] for n in inbox["data"]["notifications"]] == ["CONTACT_REQUESTED"]


async def test_asking_twice_about_the_same_child_is_refused(people: People, world: World) -> None:
    await _request(people, world)
    body = await people.ask("practitioner", REQUEST, child=world.shielded_child, message="again")
    assert error_of(body) == ("BAD_USER_INPUT", "childId")


async def test_requests_are_only_about_shielded_children(people: People, world: World) -> None:
    body = await people.ask("practitioner", REQUEST, child=world.open_child, message=MESSAGE)
    assert error_of(body) == ("BAD_USER_INPUT", "childId")


async def test_accepting_tells_the_requester_and_is_audited(
    people: People, world: World, engine: AsyncEngine
) -> None:
    request_id = await _request(people, world)
    body = await people.ask("manager", ACCEPT, id=request_id)
    assert body["data"]["acceptContactRequest"]["status"] == "ACCEPTED"
    inbox = await people.ask("practitioner", INBOX)
    (told,) = inbox["data"]["notifications"]
    assert told["kind"] == "CONTACT_REQUEST_ANSWERED"
    assert "accepted" in told["message"]
    for secret in SHIELDED_SECRETS:
        assert secret not in str(inbox)
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'CONTACT_REQUEST_ACCEPTED'")
            )
        ).scalar_one()
    assert events == 1


async def test_declining_needs_a_reason(people: People, world: World) -> None:
    request_id = await _request(people, world)
    body = await people.ask("manager", DECLINE, id=request_id, reason="  ")
    assert error_of(body) == ("BAD_USER_INPUT", "reason")
    declined = await people.ask("manager", DECLINE, id=request_id, reason="Not appropriate now")
    assert declined["data"]["declineContactRequest"]["decisionNote"] == "Not appropriate now"


async def test_a_request_is_answered_once(people: People, world: World) -> None:
    request_id = await _request(people, world)
    await people.ask("manager", ACCEPT, id=request_id)
    body = await people.ask("manager", DECLINE, id=request_id, reason="changed my mind")
    assert error_of(body) == ("BAD_USER_INPUT", "id")


async def test_another_authoritys_team_cannot_answer(people: People, world: World) -> None:
    request_id = await _request(people, world)
    body = await people.ask("other manager", ACCEPT, id=request_id)
    assert error_of(body) == ("NOT_FOUND", "id")


async def test_asking_and_declining_each_leave_exactly_one_audit_event(
    people: People, world: World, engine: AsyncEngine
) -> None:
    request_id = await _request(people, world)
    await people.ask("manager", DECLINE, id=request_id, reason="Not appropriate now")
    async with engine.connect() as conn:
        counts = dict(
            (
                await conn.execute(
                    text(
                        "SELECT action, count(*) FROM audit_event WHERE action IN"
                        " ('CONTACT_REQUESTED', 'CONTACT_REQUEST_DECLINED') GROUP BY action"
                    )
                )
            ).all()
        )
    assert counts == {"CONTACT_REQUESTED": 1, "CONTACT_REQUEST_DECLINED": 1}


PAGE = """query($first: Int!, $after: ID) { shieldedChildren(first: $first, after: $after) {
  childId } }"""
REQUEST_PAGE = """query($first: Int!, $after: ID) {
  contactRequests(first: $first, after: $after) { id } }"""


async def test_the_shielded_list_pages_through_every_child_once(
    people: People, world: World, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        for given, family in [("Ash", "Brook"), ("Bea", "Brook"), ("Cal", "Aston")]:
            child_id, _ = await factories.child(
                conn, world.leeds_id, given_names=given, family_name=family
            )
            await factories.shielding(conn, child_id)
    everyone = await people.ask("manager", PAGE, first=100)
    expected = [c["childId"] for c in everyone["data"]["shieldedChildren"]]
    seen: list[str] = []
    after = None
    while True:
        body = await people.ask("manager", PAGE, first=1, after=after)
        page = [c["childId"] for c in body["data"]["shieldedChildren"]]
        if not page:
            break
        seen += page
        after = page[-1]
    assert seen == expected
    assert len(seen) == 4


async def test_a_page_after_a_child_not_on_the_list_is_refused(
    people: People, world: World
) -> None:
    body = await people.ask("manager", PAGE, first=5, after=world.open_child)
    assert error_of(body) == ("BAD_USER_INPUT", "after")


async def test_contact_requests_page_after_the_last_one_shown(people: People, world: World) -> None:
    first = await _request(people, world)
    body = await people.ask("manager", REQUEST_PAGE, first=1)
    assert [r["id"] for r in body["data"]["contactRequests"]] == [first]
    rest = await people.ask("manager", REQUEST_PAGE, first=5, after=first)
    assert rest["data"]["contactRequests"] == []


async def test_a_page_size_past_the_limit_is_refused(people: People) -> None:
    body = await people.ask("manager", PAGE, first=501)
    assert error_of(body) == ("BAD_USER_INPUT", "first")
