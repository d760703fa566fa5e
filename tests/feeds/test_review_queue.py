"""The review queue: the team compares a doubtful record with its candidates, field by
field, and decides; a shielded child's whereabouts reach no one but its team."""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.clients import People, error_of
from tests.feeds.conftest import LEEDS, row
from tests.world import SHIELDED_SECRETS, World

REVIEWS = """query($status: MatchReviewStatus) { matchReviews(status: $status) {
  nextCursor
  reviews { id source sourceRecordId status responsibleAuthority { code }
    incoming { givenNames familyName dateOfBirth address { line1 postcode } nhsNumber
               withheld { field reason } }
    candidates { childId givenNames familyName shielded address { line1 town postcode }
                 nhsNumber weight strength
                 agreements { field agreement level withheldReason }
                 withheld { field reason } } } } }"""
RESOLVE = """mutation($id: ID!, $decision: MatchDecision!, $child: ID) {
  resolveMatchReview(id: $id, decision: $decision, childId: $child) {
    status decidedChildId decidedBy } }"""

# The shielded child of the test world, with another given name: a twin, or a new name.
TWIN = row(
    source_record_id="CENSUS-77",
    given_names="Morgan",
    family_name="Shieldson",
    address_line_1="7 Hidden Lane",
    town="Hiddentown",
    postcode="LS9 9ZZ",
)


async def _queued(write_csv: Callable[..., Any], load: Any) -> Any:
    summary = await load(write_csv(TWIN))
    assert summary.review == 1
    return summary


async def _review_id(people: People, who: str = "manager") -> str:
    body = await people.ask(who, REVIEWS)
    (review,) = body["data"]["matchReviews"]["reviews"]
    return str(review["id"])


async def _scalar(engine: AsyncEngine, sql: str, **values: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), values)).scalar_one()


async def test_the_team_sees_the_record_beside_its_candidate_field_by_field(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    body = await people.ask("manager", REVIEWS)
    (review,) = body["data"]["matchReviews"]["reviews"]
    assert (review["source"], review["sourceRecordId"], review["status"]) == (
        "SCHOOL_CENSUS",
        "CENSUS-77",
        "PENDING",
    )
    assert review["responsibleAuthority"]["code"] == LEEDS
    assert review["incoming"]["givenNames"] == "Morgan"
    assert review["incoming"]["address"]["postcode"] == "LS9 9ZZ"
    (candidate,) = review["candidates"]
    assert candidate["childId"] == world.shielded_child
    assert candidate["address"]["line1"] == "7 Hidden Lane"
    agreements = {a["field"]: a["agreement"] for a in candidate["agreements"]}
    assert agreements == {
        "familyName": "AGREES",
        "givenNames": "DIFFERENT",
        "dateOfBirth": "AGREES",
        "postcode": "AGREES",
        "gender": "AGREES",
        "nhsNumber": "MISSING",
        "upn": "MISSING",
    }
    assert candidate["weight"] > 0
    assert candidate["strength"] in ("STRONG", "POSSIBLE")


async def test_another_authoritys_team_sees_no_review_of_this_one(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    body = await people.ask("other manager", REVIEWS)
    assert body["data"]["matchReviews"]["reviews"] == []


async def test_a_practitioner_cannot_open_the_review_queue(people: People) -> None:
    body = await people.ask("practitioner", REVIEWS)
    assert error_of(body)[0] == "FORBIDDEN"


async def test_an_administrator_sees_every_authoritys_reviews(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    body = await people.ask("administrator", REVIEWS)
    assert len(body["data"]["matchReviews"]["reviews"]) == 1


async def test_a_shielded_candidate_shows_another_team_nothing_of_its_whereabouts(
    engine: AsyncEngine,
    people: People,
    world: World,
    write_csv: Callable[..., Any],
    load: Any,
) -> None:
    # A review queued for another authority (say, before the child was shielded).
    await _queued(write_csv, load)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE match_review SET responsible_authority_id ="
                " (SELECT id FROM organisation WHERE code = 'E08000003')"
            )
        )
    body = await people.ask("other manager", REVIEWS)
    (review,) = body["data"]["matchReviews"]["reviews"]
    (candidate,) = review["candidates"]
    assert candidate["shielded"] is True
    assert (candidate["address"], candidate["nhsNumber"], candidate["weight"]) == (None, None, None)
    assert {w["field"]: w["reason"] for w in candidate["withheld"]} == {
        "address": "SHIELDED",
        "nhsNumber": "SHIELDED",
        "upn": "SHIELDED",
        "archived": "SHIELDED",
        "weight": "SHIELDED",
        "strength": "SHIELDED",
    }
    postcode = next(a for a in candidate["agreements"] if a["field"] == "postcode")
    assert (postcode["agreement"], postcode["withheldReason"]) == (None, "SHIELDED")
    assert review["incoming"]["address"] is None
    assert {w["field"] for w in review["incoming"]["withheld"]} == {"address", "nhsNumber", "upn"}
    answer = json.dumps(body)
    assert not [secret for secret in SHIELDED_SECRETS if secret in answer]


async def test_the_same_child_takes_the_record_by_precedence_with_provenance(
    engine: AsyncEngine, people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    body = await people.ask(
        "manager",
        RESOLVE,
        id=await _review_id(people),
        decision="SAME_CHILD",
        child=world.shielded_child,
    )
    decided = body["data"]["resolveMatchReview"]
    assert (decided["status"], decided["decidedChildId"]) == ("SAME_CHILD", world.shielded_child)
    assert decided["decidedBy"] == "Manager"
    given = await _scalar(
        engine,
        "SELECT given_names FROM child WHERE contact_point_id = :id",
        id=world.shielded_child.replace(" ", ""),
    )
    assert given == "Morgan"
    source = await _scalar(
        engine,
        "SELECT source || ' ' || source_record_id FROM provenance p JOIN child c"
        " ON c.id = p.child_id WHERE p.field = 'given_names' AND c.contact_point_id = :id",
        id=world.shielded_child.replace(" ", ""),
    )
    assert source == "SCHOOL_CENSUS CENSUS-77"


async def test_a_different_child_is_created_with_the_record(
    engine: AsyncEngine, people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    before = await _scalar(engine, "SELECT count(*) FROM child")
    body = await people.ask(
        "manager", RESOLVE, id=await _review_id(people), decision="DIFFERENT_CHILD"
    )
    decided = body["data"]["resolveMatchReview"]
    assert decided["status"] == "DIFFERENT_CHILD"
    assert decided["decidedChildId"] not in (None, world.shielded_child)
    assert await _scalar(engine, "SELECT count(*) FROM child") == before + 1
    linked = await _scalar(
        engine,
        "SELECT c.given_names FROM source_record r JOIN child c ON c.id = r.child_id"
        " WHERE r.source_key = 'CENSUS-77'",
    )
    assert linked == "Morgan"


async def test_once_decided_the_same_file_again_changes_nothing(
    engine: AsyncEngine, people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    await people.ask("manager", RESOLVE, id=await _review_id(people), decision="DIFFERENT_CHILD")
    again = await load(write_csv(TWIN))
    assert (again.unchanged, again.review, again.created) == (1, 0, 0)


async def test_a_review_cannot_be_decided_twice(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    review = await _review_id(people)
    await people.ask("manager", RESOLVE, id=review, decision="DIFFERENT_CHILD")
    body = await people.ask("manager", RESOLVE, id=review, decision="DIFFERENT_CHILD")
    assert error_of(body) == ("BAD_USER_INPUT", "id")


async def test_the_same_child_must_be_one_of_the_candidates(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    body = await people.ask(
        "manager",
        RESOLVE,
        id=await _review_id(people),
        decision="SAME_CHILD",
        child=world.open_child,
    )
    assert error_of(body) == ("BAD_USER_INPUT", "childId")


async def test_another_authoritys_team_cannot_decide_the_review(
    people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    review = await _review_id(people)
    body = await people.ask("other manager", RESOLVE, id=review, decision="DIFFERENT_CHILD")
    assert error_of(body) == ("NOT_FOUND", "id")


async def test_a_record_whose_nhs_number_a_child_holds_cannot_be_a_new_child(
    engine: AsyncEngine, people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    async with engine.begin() as conn:
        await factories.child(
            conn, world.leeds_id, given_names="Kai", family_name="Other", upn="X383000000101"
        )
    # The world's shielded child's NHS number, and the other child's UPN.
    summary = await load(write_csv(TWIN | {"nhs_number": "9434765919", "upn": "X383000000101"}))
    assert summary.review == 1
    body = await people.ask(
        "manager", RESOLVE, id=await _review_id(people), decision="DIFFERENT_CHILD"
    )
    assert error_of(body) == ("BAD_USER_INPUT", "decision")
    assert await _scalar(engine, "SELECT count(*) FROM match_review WHERE status = 'PENDING'") == 1


async def test_listing_the_queue_and_deciding_are_audited(
    engine: AsyncEngine, people: People, world: World, write_csv: Callable[..., Any], load: Any
) -> None:
    await _queued(write_csv, load)
    await people.ask("manager", RESOLVE, id=await _review_id(people), decision="DIFFERENT_CHILD")
    async with engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text(
                        "SELECT action FROM audit_event WHERE action LIKE 'MATCH_REVIEW%'"
                        " ORDER BY id"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert actions == ["MATCH_REVIEWS_LISTED", "MATCH_REVIEW_DECIDED"]
