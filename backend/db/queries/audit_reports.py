"""The misuse reports (SPEC section 6), summed from the daily counts.

`audit_daily` holds, per UK day, actor and actor's organisation, the counts each report
needs (kept by a trigger in the transaction of every record view and search, migration
0014). A report over a period sums the whole days in it from there, and counts the part
days at either end, if the period does not start or end at midnight, from the events
themselves through `audit_event_counts`, the view that defines what each event adds. So a
report is exact for any period, and over whole days it reads one row per person and day
instead of every event (bench/README.md, "Audit reports").
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

UK = ZoneInfo("Europe/London")

# An event's time is its transaction's start, so one can still commit shortly after a
# later instant has passed: only an end this far ahead of the database's clock is sure
# to have no events at or after it yet.
SETTLED = timedelta(seconds=10)


@dataclass(frozen=True, slots=True)
class ViewerCount:
    user_id: uuid.UUID
    name: str
    email: str
    organisation: str
    count: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    user_id: uuid.UUID | None
    name: str | None
    count: int


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """[since, until) as the whole UK days [first_day, end_day), read from the counts,
    and the events of [since, head_until) and [tail_since, until), read one by one."""

    since: datetime
    until: datetime
    first_day: date
    end_day: date
    head_until: datetime
    tail_since: datetime


def uk_midnight(day: date) -> datetime:
    """The start of a UK day (midnight always exists there: clocks change at 1am/2am)."""
    return datetime.combine(day, time(), tzinfo=UK)


def report_period(since: datetime, until: datetime, now: datetime) -> ReportPeriod:
    """How [since, until) splits into whole days and part days, `now` being the
    database's clock. A period running past `now` takes its last day whole: there are no
    events after now yet, so the day's counts so far are exactly the events up to until."""
    first_day = since.astimezone(UK).date()
    if uk_midnight(first_day) < since:
        first_day += timedelta(days=1)
    end_day = until.astimezone(UK).date()
    open_ended = until > now + SETTLED
    if open_ended:
        end_day += timedelta(days=1)
    if first_day >= end_day:
        return ReportPeriod(since, until, first_day, first_day, until, until)
    tail_since = until if open_ended else max(uk_midnight(end_day), since)
    return ReportPeriod(since, until, first_day, end_day, uk_midnight(first_day), tail_since)


# Every count row of the period: whole days from audit_daily, part days event by event.
# Each report names only the columns it sums (so the view joins only what they need) and,
# when it sums one count, reads only the rows where it is not zero.
_COUNTS = (
    "SELECT {COLUMNS} FROM audit_daily"
    " WHERE day >= :first_day AND day < :end_day {NONZERO} {ORG}"
    " UNION ALL SELECT {COLUMNS} FROM audit_event_counts"
    " WHERE occurred_at >= :since AND occurred_at < :head_until {NONZERO} {ORG}"
    " UNION ALL SELECT {COLUMNS} FROM audit_event_counts"
    " WHERE occurred_at >= :tail_since AND occurred_at < :until {NONZERO} {ORG}"
)


def _over_counts(
    statement: str, columns: str, organisation_id: int | None, nonzero: str = ""
) -> Any:
    """The statement over the period's count rows, of one team's people or everyone's.
    Two texts, not one with `IS NULL OR`: a team's must plan on the organisation indexes."""
    counts = (
        _COUNTS.replace("{COLUMNS}", columns)
        .replace("{NONZERO}", f"AND {nonzero} > 0" if nonzero else "")
        .replace("{ORG}", "AND actor_organisation_id = :org" if organisation_id is not None else "")
    )
    return text(statement.replace("{COUNTS}", counts))


def _bound(period: ReportPeriod, organisation_id: int | None, **more: Any) -> dict[str, Any]:
    return {
        "first_day": period.first_day,
        "end_day": period.end_day,
        "since": period.since,
        "head_until": period.head_until,
        "tail_since": period.tail_since,
        "until": period.until,
        "org": organisation_id,
        **more,
    }


_BY_VIEWER = """
SELECT u.id AS user_id, u.name, u.email, o.code AS organisation, t.count
  FROM (SELECT actor_user_id, sum({COLUMN}) AS count FROM ({COUNTS}) AS k
         WHERE actor_user_id IS NOT NULL
         GROUP BY actor_user_id HAVING sum({COLUMN}) > 0
         ORDER BY count DESC, actor_user_id LIMIT :limit) AS t
  JOIN user_account u ON u.id = t.actor_user_id
  JOIN organisation o ON o.id = u.organisation_id
 ORDER BY t.count DESC, u.name
"""


async def _by_viewer(
    conn: AsyncConnection,
    column: str,
    period: ReportPeriod,
    organisation_id: int | None,
    limit: int,
) -> list[ViewerCount]:
    statement = _over_counts(
        _BY_VIEWER.replace("{COLUMN}", column),
        f"actor_user_id, {column}",
        organisation_id,
        nonzero=column,
    )
    rows = await conn.execute(statement, _bound(period, organisation_id, limit=limit))
    return [ViewerCount(**row._mapping) for row in rows]


async def heaviest_viewers(
    conn: AsyncConnection, period: ReportPeriod, organisation_id: int | None, limit: int
) -> list[ViewerCount]:
    """Who opened the most records."""
    return await _by_viewer(conn, "records_opened", period, organisation_id, limit)


async def outside_area_viewers(
    conn: AsyncConnection, period: ReportPeriod, organisation_id: int | None, limit: int
) -> list[ViewerCount]:
    """Who opened records of children held by another authority than their own area (an
    organisation's area is its parent authority, or itself for an authority)."""
    return await _by_viewer(conn, "outside_area", period, organisation_id, limit)


# One line per person, organisation and day: a whole day's row is already that, so only
# the part days' events are summed (one day each: head and tail are never the same day).
_OUT_OF_HOURS_EVENTS = (
    "SELECT day, actor_user_id, sum(out_of_hours) FROM audit_event_counts"
    " WHERE occurred_at >= {FROM} AND occurred_at < {TO} AND out_of_hours > 0"
    " AND actor_user_id IS NOT NULL {ORG}"
    " GROUP BY day, actor_user_id, actor_organisation_id"
)
_OUT_OF_HOURS = """
SELECT t.day, t.actor_user_id AS user_id, u.name, t.count
  FROM (SELECT day, actor_user_id, out_of_hours AS count FROM audit_daily
         WHERE day >= :first_day AND day < :end_day AND out_of_hours > 0
           AND actor_user_id IS NOT NULL {ORG}
        UNION ALL {HEAD} UNION ALL {TAIL}
        ORDER BY count DESC, day DESC, actor_user_id LIMIT :limit) AS t
  JOIN user_account u ON u.id = t.actor_user_id
 ORDER BY t.count DESC, t.day DESC, u.name
""".replace(
    "{HEAD}", _OUT_OF_HOURS_EVENTS.replace("{FROM}", ":since").replace("{TO}", ":head_until")
).replace("{TAIL}", _OUT_OF_HOURS_EVENTS.replace("{FROM}", ":tail_since").replace("{TO}", ":until"))


async def out_of_hours(
    conn: AsyncConnection, period: ReportPeriod, organisation_id: int | None, limit: int
) -> list[DayCount]:
    """Per person, organisation and day, their views and searches outside 08:00-18:00 UK
    time on weekdays, or at weekends (a person who moved organisation that day has a line
    for each)."""
    org = "AND actor_organisation_id = :org" if organisation_id is not None else ""
    rows = await conn.execute(
        text(_OUT_OF_HOURS.replace("{ORG}", org)),
        _bound(period, organisation_id, limit=limit),
    )
    return [DayCount(**row._mapping) for row in rows]


async def activity_by_day(
    conn: AsyncConnection, period: ReportPeriod, organisation_id: int | None
) -> list[tuple[date, str, int]]:
    """(day, action, count) for record views and searches: the activity chart."""
    statement = _over_counts(
        "SELECT day, sum(views) AS views, sum(searches) AS searches FROM ({COUNTS}) AS k"
        " GROUP BY day ORDER BY day",
        "day, views, searches",
        organisation_id,
    )
    rows = (await conn.execute(statement, _bound(period, organisation_id))).all()
    return [
        (row.day, action, int(count))
        for row in rows
        for action, count in (("CHILD_SEARCH", row.searches), ("CHILD_VIEW", row.views))
        if count > 0
    ]


async def roll_daily_counts(conn: AsyncConnection, *, wait: bool) -> None:
    """Count the events committed since the last roll into audit_daily (migration 0014).
    `wait`: behind a roll already running (a report), or not at all (the background)."""
    await conn.execute(text("SELECT audit_daily_roll(:wait)"), {"wait": wait})


async def database_now(conn: AsyncConnection) -> datetime:
    now: datetime = await conn.scalar(text("SELECT now()"))
    return now
