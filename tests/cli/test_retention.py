"""`contactpoint retention run [--dry-run]`: who is archived, who is purged, what remains."""

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor, AuditEntry, record
from tests import factories
from tests.cli.test_commands import run
from tests.clients import graphql, signed_in
from tests.world import build_world

pytestmark = pytest.mark.usefixtures("empty_tables")

TWELVE_MONTHS = {"CONTACTPOINT_RETENTION_GRACE_MONTHS": "12"}


def months_ago(months: int, *, days: int = 0) -> date:
    """`months` before today (the month's last day when it is shorter), `days` earlier."""
    today = date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) - timedelta(days=days)


def years_ago(years: int, *, days: int = 0) -> datetime:
    return datetime.combine(months_ago(12 * years, days=days), datetime.min.time(), tzinfo=UTC)


async def _status(engine: AsyncEngine, child_id: int) -> str | None:
    async with engine.connect() as conn:
        found = await conn.execute(
            text("SELECT status FROM child WHERE id = :id"), {"id": child_id}
        )
        return found.scalar_one_or_none()


@pytest.fixture
async def leeds(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        return await factories.authority(conn)


async def _child(engine: AsyncEngine, authority_id: int, **values: Any) -> int:
    async with engine.begin() as conn:
        child_id, _ = await factories.child(conn, authority_id, **values)
    return child_id


async def _retention_events(engine: AsyncEngine) -> list[tuple[str, dict[str, Any]]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT outcome, detail FROM audit_event WHERE action = 'RETENTION_RUN'")
        )
        return [(row.outcome, row.detail) for row in rows]


async def test_archives_a_child_whose_18th_birthday_plus_grace_has_passed(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    child = await _child(engine, leeds, date_of_birth=months_ago(12 * 19 + 1))
    result = run("retention", "run", database_url=database_url, **TWELVE_MONTHS)
    assert result.returncode == 0, result.stderr
    assert "archived 1 child (18 + 12 months)" in result.stdout
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, archived_at FROM child WHERE id = :id"), {"id": child}
            )
        ).one()
    assert row.status == "ARCHIVED"
    assert row.archived_at is not None


async def test_keeps_a_17_year_old(database_url: str, engine: AsyncEngine, leeds: int) -> None:
    child = await _child(engine, leeds, date_of_birth=months_ago(12 * 17 + 11))
    result = run("retention", "run", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "archived 0 children (18 + 0 months)" in result.stdout
    assert await _status(engine, child) == "ACTIVE"


async def test_keeps_an_18_year_old_inside_the_grace_period(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    child = await _child(engine, leeds, date_of_birth=months_ago(12 * 18 + 6))
    result = run("retention", "run", database_url=database_url, **TWELVE_MONTHS)
    assert result.returncode == 0, result.stderr
    assert await _status(engine, child) == "ACTIVE"


async def test_archives_on_the_day_the_grace_period_ends_and_not_a_day_before(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    due_today = await _child(engine, leeds, date_of_birth=months_ago(12 * 19))
    due_tomorrow = await _child(
        engine, leeds, date_of_birth=months_ago(12 * 19) + timedelta(days=1), given_names="Beth"
    )
    result = run("retention", "run", database_url=database_url, **TWELVE_MONTHS)
    assert result.returncode == 0, result.stderr
    assert await _status(engine, due_today) == "ARCHIVED"
    assert await _status(engine, due_tomorrow) == "ACTIVE"


async def test_purges_an_archive_older_than_the_period_and_keeps_a_younger_one(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    old = await _child(engine, leeds, status="ARCHIVED", archived_at=years_ago(6, days=1))
    young = await _child(engine, leeds, status="ARCHIVED", archived_at=years_ago(5))
    result = run("retention", "run", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "purged 1 archived child (archived over 6 years ago)" in result.stdout
    assert await _status(engine, old) is None
    assert await _status(engine, young) == "ARCHIVED"


async def test_purging_a_child_removes_their_carers_involvements_and_shielding(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    async with engine.begin() as conn:
        school = await factories.service(conn, leeds)
        child, _ = await factories.child(conn, leeds, status="ARCHIVED", archived_at=years_ago(7))
        await factories.carer(conn, child)
        await factories.involvement(conn, child, school)
        await factories.shielding(conn, child)
    result = run("retention", "run", database_url=database_url)
    assert result.returncode == 0, result.stderr
    async with engine.connect() as conn:
        left = await conn.execute(
            text(
                "SELECT (SELECT count(*) FROM carer) + (SELECT count(*) FROM involvement)"
                " + (SELECT count(*) FROM shielding)"
            )
        )
        assert left.scalar_one() == 0


async def test_purge_leaves_the_audit_log_intact(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    child = await _child(engine, leeds, status="ARCHIVED", archived_at=years_ago(7))
    async with engine.begin() as conn:
        await record(
            conn,
            Actor(request_id="test"),
            AuditEntry(action="CHILD_VIEW", subject_child_id=child),
        )
    result = run("retention", "run", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert await _status(engine, child) is None
    async with engine.connect() as conn:
        kept = await conn.execute(
            text("SELECT count(*) FROM audit_event WHERE subject_child_id = :id"), {"id": child}
        )
        assert kept.scalar_one() == 1
    assert run("audit", "verify", database_url=database_url).returncode == 0


async def test_dry_run_changes_nothing_and_prints_what_it_would_do(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    adult = await _child(engine, leeds, date_of_birth=months_ago(12 * 20))
    old_archive = await _child(engine, leeds, status="ARCHIVED", archived_at=years_ago(7))
    result = run("retention", "run", "--dry-run", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "would archive 1 child (18 + 0 months)",
        "would purge 1 archived child (archived over 6 years ago)",
    ]
    assert await _status(engine, adult) == "ACTIVE"
    assert await _status(engine, old_archive) == "ARCHIVED"


async def test_a_run_is_audited_once_with_its_counts(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    await _child(engine, leeds, date_of_birth=months_ago(12 * 20))
    await _child(engine, leeds, status="ARCHIVED", archived_at=years_ago(7))
    assert run("retention", "run", database_url=database_url).returncode == 0
    [(outcome, detail)] = await _retention_events(engine)
    assert outcome == "OK"
    assert (detail["dryRun"], detail["archived"], detail["purged"]) == (False, 1, 1)


async def test_a_dry_run_is_audited_as_a_dry_run(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    await _child(engine, leeds, date_of_birth=months_ago(12 * 20))
    assert run("retention", "run", "--dry-run", database_url=database_url).returncode == 0
    [(_, detail)] = await _retention_events(engine)
    assert (detail["dryRun"], detail["archived"], detail["purged"]) == (True, 1, 0)


async def test_small_batches_archive_every_due_child(
    database_url: str, engine: AsyncEngine, leeds: int
) -> None:
    async with engine.begin() as conn:
        for _ in range(5):
            await factories.child(conn, leeds, date_of_birth=months_ago(12 * 20))
    result = run(
        "retention", "run", database_url=database_url, CONTACTPOINT_RETENTION_BATCH_SIZE="2"
    )
    assert result.returncode == 0, result.stderr
    assert "archived 5 children" in result.stdout
    async with engine.connect() as conn:
        active = await conn.execute(text("SELECT count(*) FROM child WHERE status = 'ACTIVE'"))
        assert active.scalar_one() == 0


SEARCH = """query($c: ChildSearchInput!) {
  searchChildren(criteria: $c) { matches { child { familyName } } }
}"""


async def test_an_archived_child_is_no_longer_found_by_search(
    database_url: str, engine: AsyncEngine, transport: httpx.ASGITransport
) -> None:
    world = await build_world(engine)
    async with engine.begin() as conn:
        await factories.child(
            conn,
            world.leeds_id,
            given_names="Ada",
            family_name="Leaver",
            date_of_birth=months_ago(12 * 20),
        )
    person = world.people["practitioner"]
    criteria = {"familyName": "Leaver", "givenName": "Ada"}
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        before = await graphql(http, SEARCH, c=criteria)
        assert len(before["data"]["searchChildren"]["matches"]) == 1
        assert run("retention", "run", database_url=database_url).returncode == 0
        after = await graphql(http, SEARCH, c=criteria)
    assert after["data"]["searchChildren"]["matches"] == []


def test_retention_without_an_action_is_refused_in_one_line() -> None:
    result = run("retention")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_archive_period_below_one_year_is_refused_naming_the_setting() -> None:
    result = run("retention", "run", CONTACTPOINT_RETENTION_ARCHIVE_YEARS="0")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "contactpoint: CONTACTPOINT_RETENTION_ARCHIVE_YEARS: "
        "Input should be greater than or equal to 1"
    ]
