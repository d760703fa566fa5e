"""Audit review: searching the log and the misuse reports, each read itself audited.

A management team (MANAGER) sees its own people's events and events about children of
its authority; AUDITORs and ADMINISTRATORs see everything. Pages are cursor-based; a
time range must run forwards; reports cover at most a year.
"""

import base64
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from backend.audit.writer import AuditEntry, record
from backend.db.queries import audit_reports
from backend.db.queries import audit_review as queries
from backend.db.queries.audit_reports import (
    UK,
    DayCount,
    ViewerCount,
    report_period,
    uk_midnight,
)
from backend.db.queries.audit_review import EventQuery, EventRow
from backend.domain.ids import contact_point_id, record_id
from backend.errors import BadInput
from backend.policy.audit_detail import detail_for, names_child
from backend.policy.caller import Caller, Role
from backend.policy.reach import audits_everything, require_audit_reader
from backend.web.context import RequestContext

MAX_PAGE = 200
MAX_REPORT_RANGE = timedelta(days=366)
REPORT_ROWS = 50
ACTION_LENGTH = 48


@dataclass(frozen=True, slots=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    user_id: str | None = None
    child_id: str | None = None
    action: str | None = None
    shielded_views_only: bool = False


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[EventRow]
    next_cursor: str | None


def _reader(ctx: RequestContext) -> tuple[Caller, int | None]:
    caller = ctx.require_caller()
    require_audit_reader(caller)
    return caller, None if audits_everything(caller) else caller.organisation_id


# The log starts with the service; anything outside these is a typing slip, and would
# overflow on its way to PostgreSQL (year 1 with a +14:00 offset is before year 1 in UTC).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _instant(value: datetime, field: str) -> datetime:
    try:
        moment = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    except (OverflowError, ValueError):
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise BadInput(
            f"{field} must be between {EARLIEST.year} and {LATEST.year}", field=field
        ) from None
    return moment


def _range(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    end = _instant(until, "until") if until else datetime.now(UTC) + timedelta(minutes=1)
    start = _instant(since, "since") if since else max(EARLIEST, end - timedelta(days=30))
    if start >= end:
        raise BadInput("since must be before until", field="since")
    return start, end


def report_range(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """A period as given (any offset, or none: UTC), checked: the last 30 days by default."""
    return _range(since, until)


def _cursor(row: EventRow) -> str:
    return base64.urlsafe_b64encode(f"{row.occurred_at.isoformat()}|{row.id}".encode()).decode()


MAX_EVENT_ID = 2**63 - 1


def _after(cursor: str | None) -> tuple[datetime, int] | None:
    if cursor is None:
        return None
    try:
        at, event_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment, number = datetime.fromisoformat(at), int(event_id)
        if moment.tzinfo is None or not 0 < number <= MAX_EVENT_ID:
            raise ValueError("not a cursor")
        return _instant(moment, "after"), number
    except (ValueError, UnicodeDecodeError, BadInput):
        raise BadInput("after is not a cursor from this list", field="after") from None


async def search_events(
    ctx: RequestContext, where: EventFilter, *, first: int, after: str | None
) -> EventPage:
    caller, organisation_id = _reader(ctx)
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    since, until = _range(where.since, where.until)
    user_id = record_id(where.user_id, "userId", "a user") if where.user_id is not None else None
    child = contact_point_id(where.child_id) if where.child_id is not None else None
    action = where.action.strip().upper() if where.action else None
    if action is not None and (
        len(action) > ACTION_LENGTH or not action.replace("_", "").isalpha()
    ):
        raise BadInput("action must be an action name like CHILD_VIEW", field="action")
    # A team lists the views of its own shielded children; auditors and administrators
    # every view of a shielded record (auditors without the child: names_child).
    shielded_of = (
        organisation_id if where.shielded_views_only and organisation_id is not None else None
    )
    query = EventQuery(
        since=since,
        until=until,
        actor_user_id=user_id,
        child_contact_point_id=child,
        action=action,
        organisation_id=organisation_id,
        shielded_views_only=where.shielded_views_only,
        shielded_of=shielded_of,
        hide_shielding_outside=(
            None if caller.has(Role.ADMINISTRATOR) or child is None else organisation_id or -1
        ),
        after=_after(after),
        limit=first + 1,
    )
    async with ctx.engine.begin() as conn:
        rows = await queries.events(conn, query)
        # The audit of audit reads: who looked for what.
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="AUDIT_SEARCHED",
                detail={
                    "since": since.isoformat(),
                    "until": until.isoformat(),
                    "userId": where.user_id,
                    "childId": child,
                    "action": action,
                    "shieldedViewsOnly": where.shielded_views_only,
                    "returned": min(len(rows), first),
                },
            ),
        )
    sees_everything = caller.has(Role.ADMINISTRATOR)

    def shown_row(row: EventRow) -> EventRow:
        named = names_child(
            row.action,
            row.detail,
            child_shielded=row.child_shielded,
            sees_everything=sees_everything,
            readers_authority=organisation_id,
            childs_authority=row.child_authority_id,
        )

        return replace(
            row,
            child_id=row.child_id if named else None,
            child_withheld=not named,
            child_shielded=row.child_shielded and named,
            detail=detail_for(
                row.action,
                row.detail,
                sees_everything=sees_everything,
                readers_authority=organisation_id,
                childs_authority=row.child_authority_id,
            ),
        )

    shown = [shown_row(row) for row in rows[:first]]
    return EventPage(
        events=shown, next_cursor=_cursor(shown[-1]) if len(rows) > first and shown else None
    )


REPORT_KINDS = ("HEAVIEST_VIEWERS", "OUTSIDE_AREA_VIEWERS", "OUT_OF_HOURS", "ACTIVITY")
REPORT_DAYS = 30


def _report_start(until: datetime | None) -> datetime:
    """A report's default start: the last 30 UK days, the day of `until` (or today)
    included, from midnight, so that the report reads whole days of counts."""
    end = _instant(until, "until") if until else datetime.now(UTC)
    return uk_midnight(end.astimezone(UK).date() - timedelta(days=REPORT_DAYS - 1))


async def report(
    ctx: RequestContext, kind: str, since: datetime | None, until: datetime | None
) -> list[ViewerCount] | list[DayCount] | list[tuple[date, str, int]]:
    """One report over a period (each is its own aggregate, run only when asked for)."""
    _caller, organisation_id = _reader(ctx)
    start, end = _range(since or _report_start(until), until)
    if end - start > MAX_REPORT_RANGE:
        raise BadInput("a report covers at most a year: shorten the range", field="since")
    if kind not in REPORT_KINDS:
        raise BadInput(f"report must be one of {', '.join(REPORT_KINDS)}", field="report")
    # Its own transaction, so that the counts it adds are there for the next report even
    # if this one fails, and its lock is not held while the report runs.
    async with ctx.engine.begin() as conn:
        await audit_reports.roll_daily_counts(conn, wait=True)
    async with ctx.engine.begin() as conn:
        period = report_period(start, end, await audit_reports.database_now(conn))
        result: list[ViewerCount] | list[DayCount] | list[tuple[date, str, int]]
        if kind == "HEAVIEST_VIEWERS":
            result = await audit_reports.heaviest_viewers(
                conn, period, organisation_id, REPORT_ROWS
            )
        elif kind == "OUTSIDE_AREA_VIEWERS":
            result = await audit_reports.outside_area_viewers(
                conn, period, organisation_id, REPORT_ROWS
            )
        elif kind == "OUT_OF_HOURS":
            result = await audit_reports.out_of_hours(conn, period, organisation_id, REPORT_ROWS)
        else:
            result = await audit_reports.activity_by_day(conn, period, organisation_id)
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="AUDIT_REPORTED",
                detail={"report": kind, "since": start.isoformat(), "until": end.isoformat()},
            ),
        )
    return result
