"""Retention (SPEC section 8): a child is archived at 18 plus a grace period, and purged
once archived for the archive period.

An archived child is no longer found by practitioners (search reads ACTIVE children only).
A purged child is deleted with everything recorded about them, except their audit events.
Each run writes one audit event with its counts, a dry run included.
"""

import calendar
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.audit.writer import Actor, AuditEntry, record
from backend.db.queries.retention import (
    Batch,
    archive_batch,
    due_for_archive,
    due_for_purge,
    purge_batch,
)

ADULT_AGE = 18

Progress = Callable[[str, int, int], None]
Step = Callable[[AsyncConnection, int], Awaitable[Batch | None]]


@dataclass(frozen=True, slots=True)
class RetentionRules:
    grace_months: int
    archive_years: int
    batch_size: int = 10_000


@dataclass(frozen=True, slots=True)
class Cutoffs:
    born_by: date
    """Children born on or before this day have reached 18 plus the grace period."""
    archived_before: datetime
    """Archives made before this instant have been kept for the archive period."""


@dataclass(slots=True)
class RetentionCounts:
    archived: int = 0
    purged: int = 0


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day if shorter.

    So someone born on 29 February comes of age on 1 March in other years, not 28 February.
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def cutoffs(rules: RetentionRules, today: date) -> Cutoffs:
    archive_start = months_before(today, 12 * rules.archive_years)
    return Cutoffs(
        born_by=months_before(today, 12 * ADULT_AGE + rules.grace_months),
        # Whole days: an archive is purged the day after it turns the period's age.
        archived_before=datetime.combine(archive_start, time.min, tzinfo=UTC),
    )


async def preview_retention(
    engine: AsyncEngine, actor: Actor, rules: RetentionRules, *, today: date
) -> RetentionCounts:
    """What a run would archive and purge today. Changes nothing but the audit log."""
    limits = cutoffs(rules, today)
    async with engine.begin() as conn:
        counts = RetentionCounts(
            archived=await due_for_archive(conn, born_by=limits.born_by),
            purged=await due_for_purge(conn, archived_before=limits.archived_before),
        )
        await _record(conn, actor, rules, limits, counts, dry_run=True)
    return counts


async def run_retention(
    engine: AsyncEngine,
    actor: Actor,
    rules: RetentionRules,
    *,
    today: date,
    progress: Progress | None = None,
) -> RetentionCounts:
    """Archives, then purges, one committed batch at a time. Archiving first cannot make a
    purge: a record archived now is years from its purge date."""
    limits = cutoffs(rules, today)
    counts = RetentionCounts()
    try:
        await _archive(engine, rules, limits, counts, progress)
        await _purge(engine, rules, limits, counts, progress)
    except BaseException:
        # The batches already committed stay done, so the log must still account for them;
        # if the database is what failed, the original error is the one worth showing.
        with contextlib.suppress(Exception):
            async with engine.begin() as conn:
                await _record(conn, actor, rules, limits, counts, dry_run=False, failed=True)
        raise
    async with engine.begin() as conn:
        await _record(conn, actor, rules, limits, counts, dry_run=False)
    return counts


async def _archive(
    engine: AsyncEngine,
    rules: RetentionRules,
    limits: Cutoffs,
    counts: RetentionCounts,
    progress: Progress | None,
) -> None:
    async with engine.connect() as conn:
        due = await due_for_archive(conn, born_by=limits.born_by)
    bar = _Bar("archiving", due, progress)

    async def step(conn: AsyncConnection, after: int) -> Batch | None:
        return await archive_batch(conn, born_by=limits.born_by, after=after, size=rules.batch_size)

    def tally(done: int) -> None:
        counts.archived += done
        bar.show(counts.archived)

    await _in_batches(engine, step, tally)
    bar.close(counts.archived)


async def _purge(
    engine: AsyncEngine,
    rules: RetentionRules,
    limits: Cutoffs,
    counts: RetentionCounts,
    progress: Progress | None,
) -> None:
    async with engine.connect() as conn:
        due = await due_for_purge(conn, archived_before=limits.archived_before)
    bar = _Bar("purging", due, progress)

    async def step(conn: AsyncConnection, after: int) -> Batch | None:
        return await purge_batch(
            conn, archived_before=limits.archived_before, after=after, size=rules.batch_size
        )

    def tally(done: int) -> None:
        counts.purged += done
        bar.show(counts.purged)

    await _in_batches(engine, step, tally)
    bar.close(counts.purged)


async def _in_batches(engine: AsyncEngine, step: Step, tally: Callable[[int], None]) -> None:
    """Runs `step`, each time in its own transaction, until nothing is left after the
    last id it did."""
    after = 0
    while True:
        async with engine.begin() as conn:
            batch = await step(conn, after)
        if batch is None:
            return
        after = batch.last_id
        tally(batch.done)


@dataclass(frozen=True, slots=True)
class _Bar:
    """A phase's progress, shown only when the phase has something to do."""

    phase: str
    due: int
    progress: Progress | None

    def show(self, done: int) -> None:
        if self.progress and self.due:
            # Children can come due during the run: the bar never runs past its end.
            self.progress(self.phase, done, max(done, self.due))

    def close(self, done: int) -> None:
        if self.progress and self.due and done < self.due:
            # Fewer than counted (changed meanwhile): end the bar at what was done.
            self.progress(self.phase, done, done)


async def _record(
    conn: AsyncConnection,
    actor: Actor,
    rules: RetentionRules,
    limits: Cutoffs,
    counts: RetentionCounts,
    *,
    dry_run: bool,
    failed: bool = False,
) -> None:
    await record(
        conn,
        actor,
        AuditEntry(
            action="RETENTION_RUN",
            outcome="FAILED" if failed else "OK",
            detail={
                "dryRun": dry_run,
                "archived": counts.archived,
                "purged": counts.purged,
                "graceMonths": rules.grace_months,
                "archiveYears": rules.archive_years,
                "bornOnOrBefore": limits.born_by.isoformat(),
                "archivedBefore": limits.archived_before.isoformat(),
            },
        ),
    )
