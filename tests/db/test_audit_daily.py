"""The daily counts behind the audit reports: every record view and search is counted,
in its UK day, exactly once, however often the counts are rolled and whatever the period
a report asks for."""

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.audit.writer import Actor, AuditEntry, record
from backend.db.queries import audit_reports
from backend.db.queries.audit_reports import report_period, uk_midnight
from tests import factories

NOW = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
_DAILY = (
    "SELECT day, actor_organisation_id, actor_user_id, views, searches, records_opened,"
    " outside_area, out_of_hours FROM audit_daily"
)


async def _user(conn: AsyncConnection, organisation_id: int, email: str) -> uuid.UUID:
    user_id: uuid.UUID = await conn.scalar(
        text(
            "INSERT INTO user_account (id, organisation_id, email, name, status)"
            " VALUES (gen_random_uuid(), :org, :email, :email, 'ACTIVE') RETURNING id"
        ),
        {"org": organisation_id, "email": email},
    )
    return user_id


async def _event(
    conn: AsyncConnection,
    at: datetime,
    user_id: uuid.UUID | None,
    organisation_id: int,
    action: str = "CHILD_VIEW",
    child_id: int | None = None,
    outcome: str = "OK",
    shielded: bool = False,
) -> None:
    await conn.execute(
        text(
            "INSERT INTO audit_event (occurred_at, actor_user_id, actor_organisation_id,"
            " action, subject_child_id, outcome, detail)"
            " VALUES (:at, :user, :org, :action, :child, :outcome, CAST(:detail AS jsonb))"
        ),
        {
            "at": at,
            "user": user_id,
            "org": organisation_id,
            "action": action,
            "child": child_id,
            "outcome": outcome,
            "detail": '{"shielded": true}' if shielded else "{}",
        },
    )


async def _roll(conn: AsyncConnection) -> None:
    await audit_reports.roll_daily_counts(conn, wait=True)


async def _daily(conn: AsyncConnection) -> dict[tuple[object, ...], tuple[int, ...]]:
    """The counts, rolled first."""
    await _roll(conn)
    rows = await conn.execute(text(_DAILY))
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


class Directory:
    def __init__(self, leeds: int, bradford: int, school: int, child: int, elsewhere: int):
        self.leeds, self.bradford, self.school = leeds, bradford, school
        self.child, self.elsewhere = child, elsewhere


@pytest.fixture
async def directory(owner_engine: AsyncEngine) -> Directory:
    async with owner_engine.begin() as conn:
        leeds = await factories.authority(conn)
        bradford = await factories.authority(conn, code="E08000032", name="Bradford")
        school = await factories.service(conn, leeds)
        child, _ = await factories.child(conn, leeds)
        elsewhere, _ = await factories.child(conn, bradford, given_names="Noah")
    return Directory(leeds, bradford, school, child, elsewhere)


async def test_a_view_late_on_a_summer_evening_counts_in_the_next_uk_day(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(
            conn,
            datetime(2026, 7, 14, 23, 30, tzinfo=UTC),
            user,
            directory.school,
            child_id=directory.child,
        )
        daily = await _daily(conn)
    assert list(daily) == [(date(2026, 7, 15), directory.school, user)]


async def test_each_count_says_what_the_view_was(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    at_night = datetime(2026, 7, 15, 5, 0, tzinfo=UTC)
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(
            conn, at_night, user, directory.school, child_id=directory.elsewhere, shielded=True
        )
        daily = await _daily(conn)
    views, searches, opened, outside, out_of_hours = daily[
        (date(2026, 7, 15), directory.school, user)
    ]
    assert (views, searches, opened, outside, out_of_hours) == (1, 0, 1, 1, 1)


async def test_a_refused_view_counts_as_a_view_but_not_as_a_record_opened(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(conn, NOW, user, directory.school, outcome="NOT_FOUND")
        daily = await _daily(conn)
    assert daily[(date(2026, 7, 15), directory.school, user)] == (1, 0, 0, 0, 0)


async def test_other_events_are_not_counted(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(conn, NOW, user, directory.school, action="SIGN_IN")
        assert await _daily(conn) == {}


async def test_a_partner_clients_views_count_under_its_organisation(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        for _ in range(2):
            await _event(conn, NOW, None, directory.bradford, child_id=directory.child)
        daily = await _daily(conn)
    assert daily[(date(2026, 7, 15), directory.bradford, None)][:3] == (2, 0, 2)


async def test_the_application_cannot_change_the_counts(
    engine: AsyncEngine, owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(conn, NOW, user, directory.school)
    for statement in (
        "UPDATE audit_daily SET views = 0",
        "DELETE FROM audit_daily",
        "UPDATE audit_daily_mark SET rolled_seq = 0",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            async with engine.begin() as conn:
                await conn.execute(text(statement))


async def test_an_event_still_being_written_is_counted_by_the_next_roll(
    engine: AsyncEngine, owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
    actor = Actor(user_id=user, organisation_id=directory.school)
    view = AuditEntry("CHILD_VIEW", subject_child_id=directory.child)
    async with engine.connect() as writing:
        await writing.begin()
        await writing.execute(text("SELECT 1"))  # the transaction begins on the server
        await record(writing, actor, view)
        async with engine.begin() as conn:
            assert await _daily(conn) == {}
        await writing.commit()
    async with engine.begin() as conn:
        (counts,) = (await _daily(conn)).values()
    assert counts[0] == 1


async def test_rolling_again_counts_nothing_twice(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        await _event(conn, NOW, user, directory.school)
        await _roll(conn)
        await _roll(conn)
        (counts,) = (await _daily(conn)).values()
    assert counts[0] == 1


async def test_views_from_many_connections_are_all_counted_once(
    engine: AsyncEngine, owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
    actor = Actor(user_id=user, organisation_id=directory.school)

    async def views(count: int) -> None:
        for n in range(count):
            async with engine.begin() as conn:
                await record(
                    conn, actor, AuditEntry("CHILD_VIEW", subject_child_id=directory.child)
                )
                if n % 5 == 0:
                    await _roll(conn)

    await asyncio.gather(*(views(25) for _ in range(4)))
    async with owner_engine.begin() as conn:
        daily = await _daily(conn)
    assert sum(counts[0] for counts in daily.values()) == 100


async def _random_log(
    conn: AsyncConnection, directory: Directory, seed: int, people_from: int = 0
) -> None:
    """Two weeks of views and searches by four people of three organisations, at any hour,
    around the clocks going back (25 October 2026)."""
    rng = random.Random(seed)  # noqa: S311 (a repeatable test log)
    people = [
        (await _user(conn, organisation, f"p{people_from + n}@test.example"), organisation)
        for n, organisation in enumerate(
            (directory.school, directory.school, directory.leeds, directory.bradford)
        )
    ]
    start = datetime(2026, 10, 18, tzinfo=UTC)
    for _ in range(400):
        user, organisation = rng.choice(people)
        at = start + timedelta(seconds=rng.randrange(14 * 24 * 3600))
        await _event(
            conn,
            at,
            user,
            organisation,
            action=rng.choice(("CHILD_VIEW", "CHILD_VIEW", "CHILD_SEARCH")),
            child_id=rng.choice((directory.child, directory.elsewhere)),
            outcome=rng.choice(("OK", "OK", "OK", "NOT_FOUND")),
            shielded=rng.random() < 0.2,
        )


async def test_counts_rolled_in_many_steps_equal_one_count_of_the_whole_log(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        for seed in range(4):
            await _random_log(conn, directory, seed=seed, people_from=seed * 4)
            await _roll(conn)
        kept = await _daily(conn)
        await conn.execute(text("DELETE FROM audit_daily"))
        await conn.execute(text("UPDATE audit_daily_mark SET rolled_seq = 0"))
        assert await _daily(conn) == kept


# --- reports over any period ----------------------------------------------------------

_REFERENCE = """
SELECT actor_user_id, sum({column}) FROM audit_event_counts
 WHERE occurred_at >= :since AND occurred_at < :until AND actor_user_id IS NOT NULL
 GROUP BY 1 HAVING sum({column}) > 0
"""


async def _reference(
    conn: AsyncConnection, column: str, since: datetime, until: datetime
) -> dict[uuid.UUID, int]:
    rows = await conn.execute(
        text(_REFERENCE.format(column=column)), {"since": since, "until": until}
    )
    return {row[0]: int(row[1]) for row in rows}


async def test_a_report_over_any_period_counts_exactly_the_events_in_it(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    rng = random.Random(7)  # noqa: S311 (repeatable periods)
    async with owner_engine.begin() as conn:
        await _random_log(conn, directory, seed=2)
        await _roll(conn)
        now = await audit_reports.database_now(conn)
        origin = datetime(2026, 10, 17, 12, tzinfo=UTC)
        for _ in range(30):
            since = origin + timedelta(minutes=rng.randrange(16 * 24 * 60))
            if rng.random() < 0.3:
                since = uk_midnight(since.date())
            until = since + timedelta(minutes=rng.randrange(1, 10 * 24 * 60))
            period = report_period(since, until, now)
            heaviest = await audit_reports.heaviest_viewers(conn, period, None, 50)
            outside = await audit_reports.outside_area_viewers(conn, period, None, 50)
            assert {row.user_id: row.count for row in heaviest} == await _reference(
                conn, "records_opened", since, until
            ), (since, until)
            assert {row.user_id: row.count for row in outside} == await _reference(
                conn, "outside_area", since, until
            ), (since, until)
            activity = await audit_reports.activity_by_day(conn, period, None)
            views = sum(count for _day, action, count in activity if action == "CHILD_VIEW")
            assert views == sum((await _reference(conn, "views", since, until)).values()), (
                since,
                until,
            )


async def test_a_teams_report_counts_only_its_own_people(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        mine = await _user(conn, directory.leeds, "mine@test.example")
        theirs = await _user(conn, directory.bradford, "theirs@test.example")
        for user, organisation in ((mine, directory.leeds), (theirs, directory.bradford)):
            await _event(conn, NOW, user, organisation, child_id=directory.child)
        await _roll(conn)
        period = report_period(uk_midnight(date(2026, 7, 1)), uk_midnight(date(2026, 8, 1)), NOW)
        rows = await audit_reports.heaviest_viewers(conn, period, directory.leeds, 50)
    assert [(row.user_id, row.count) for row in rows] == [(mine, 1)]


async def test_out_of_hours_activity_is_counted_per_person_and_uk_day(
    owner_engine: AsyncEngine, directory: Directory
) -> None:
    async with owner_engine.begin() as conn:
        user = await _user(conn, directory.school, "a@school.example")
        # Saturday 18 July (all day), and 07:59 on Monday 20 July, UK summer time.
        await _event(
            conn,
            datetime(2026, 7, 18, 12, tzinfo=UTC),
            user,
            directory.school,
            action="CHILD_SEARCH",
        )
        await _event(conn, datetime(2026, 7, 20, 6, 59, tzinfo=UTC), user, directory.school)
        await _event(conn, datetime(2026, 7, 20, 7, 0, tzinfo=UTC), user, directory.school)
        await _roll(conn)
        period = report_period(uk_midnight(date(2026, 7, 18)), uk_midnight(date(2026, 7, 21)), NOW)
        rows = await audit_reports.out_of_hours(conn, period, None, 50)
    assert sorted((row.day, row.count) for row in rows) == [
        (date(2026, 7, 18), 1),
        (date(2026, 7, 20), 1),
    ]


# --- how a period splits ---------------------------------------------------------------


def test_a_period_of_whole_days_reads_no_events() -> None:
    period = report_period(uk_midnight(date(2026, 3, 1)), uk_midnight(date(2026, 4, 1)), NOW)
    assert (period.first_day, period.end_day) == (date(2026, 3, 1), date(2026, 4, 1))
    assert period.head_until == period.since
    assert period.tail_since == period.until


def test_a_period_running_past_now_takes_its_last_day_whole() -> None:
    since = uk_midnight(date(2026, 7, 1))
    period = report_period(since, NOW + timedelta(minutes=1), NOW)
    assert period.end_day == date(2026, 7, 16)
    assert period.tail_since == period.until


def test_a_period_within_one_day_reads_only_events() -> None:
    since = datetime(2026, 7, 1, 9, tzinfo=UTC)
    period = report_period(since, since + timedelta(hours=3), NOW)
    assert period.first_day == period.end_day
    assert (period.head_until, period.tail_since) == (period.until, period.until)


def test_part_days_at_both_ends_are_read_from_the_events() -> None:
    since = datetime(2026, 3, 1, 9, tzinfo=UTC)
    until = datetime(2026, 3, 5, 15, tzinfo=UTC)
    period = report_period(since, until, NOW)
    assert (period.first_day, period.end_day) == (date(2026, 3, 2), date(2026, 3, 5))
    assert period.head_until == uk_midnight(date(2026, 3, 2))
    assert period.tail_since == uk_midnight(date(2026, 3, 5))
