"""Loading a feed file: check it whole, then match and load it batch by batch.

Each batch is one transaction that also advances the load's `import_run` row, so a load
stopped half-way (a crash, a killed process) has committed whole batches only and is
resumed by importing the same file again. A record the source sent before with the same
content changes nothing, so a re-run duplicates nothing either. One load at a time: a
second waits for nothing and is refused.
"""

import asyncio
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor, AuditEntry, record
from backend.db.driver import driver
from backend.db.queries import feed_apply, feed_matching, feed_runs
from backend.db.queries.feed_runs import Directory
from backend.errors import BadInput
from backend.feeds.reader import FileRefused, Problem, Scan, Vocabulary, records, scan
from backend.feeds.records import FeedRecord
from backend.linkage.model import Model, Thresholds
from backend.services.search import current_model

BATCH_SIZE = 5_000
# A batch is matched in two halves on two connections (two cores) once it is this big;
# below, the second connection's round trips cost more than they save.
SPLIT_FROM = 500
# The best candidate must be this many bits ahead of the next to be taken without a
# review: 2^10, a thousand times likelier.
LEAD_MARGIN = 10.0
_LOCK = "SELECT pg_try_advisory_lock(hashtext('contactpoint import'))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('contactpoint import'))"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportRequest:
    source: str
    path: Path
    fmt: str  # "csv" or "jsonl"
    dry_run: bool = False
    skip_invalid: bool = False
    rejects_path: Path | None = None


@dataclass(slots=True)
class ImportSummary:
    records: int = 0
    exact: int = 0
    probable: int = 0
    review: int = 0
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    run_id: int | None = None
    resumed_from_line: int = 0
    rejects_path: Path | None = None

    def line(self) -> str:
        return (
            f"imported {self.records} records: {self.exact} exact matches, {self.probable}"
            f" probable matches, {self.review} for review, {self.created} new children,"
            f" {self.unchanged} unchanged, {self.rejected} rejected"
        )


class FileProblems(BadInput):
    """The file was refused before anything was written."""

    def __init__(self, problems: list[Problem], total: int) -> None:
        more = f" ({total} problems in all)" if total > len(problems) else ""
        super().__init__(f"the file was refused, nothing was written{more}")
        self.problems = problems
        self.total = total


@dataclass(slots=True)
class _Batches:
    """The records to load, skipping what a resumed load has done, in batches."""

    source: Iterator[FeedRecord]
    authorities: dict[str, int]
    after_line: int
    size: int

    def __iter__(self) -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for item in self.source:
            if item.line <= self.after_line:
                continue
            batch.append(feed_matching.stage_row(item, self.authorities))
            if len(batch) >= self.size:
                yield batch
                batch = []
        if batch:
            yield batch


def _vocabulary(known: Directory) -> Vocabulary:
    return Vocabulary(
        authorities=frozenset(known.authorities),
        services=known.services,
        organisations=known.organisations,
    )


def _write_rejects(path: Path, found: Scan) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "column", "problem"])
        for line in sorted(found.rejected):
            problem = found.rejected[line]
            writer.writerow([problem.line, problem.column, problem.message])


def feed_lines(children: int) -> feed_matching.Lines:
    thresholds = Thresholds.for_directory(children)
    return feed_matching.Lines(
        possible=thresholds.possible, strong=thresholds.strong, margin=LEAD_MARGIN
    )


async def import_file(
    engine: AsyncEngine,
    request: ImportRequest,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    async with engine.connect() as conn:
        pg = await driver(conn)
        await conn.commit()
        if not await pg.fetchval(_LOCK):
            raise BadInput("another import is running; try again when it has finished")
        try:
            if request.dry_run:
                # A dry run's batches stay uncommitted: a second connection would not
                # see the children the batches before it create.
                return await _import(pg, conn, request, progress, batch_size, None)
            async with engine.connect() as second:
                helper = await driver(second)
                await second.commit()
                try:
                    return await _import(pg, conn, request, progress, batch_size, helper)
                finally:
                    await _leave_clean(second, helper)
        finally:
            await _leave_clean(conn, pg, _UNLOCK)


async def _leave_clean(conn: Any, pg: Any, *then: str) -> None:
    """Drop the batch's temporary tables (the last batch's records, weights against
    shielded children) before the connection goes back to its pool. A connection a
    failure left unusable is closed instead, which drops them and frees its locks, and
    the failure that brought us here stays the one reported."""
    try:
        await feed_matching.drop_temporary(pg)
        for sql in then:
            await pg.execute(sql)
    except Exception:  # whatever broke first is what the caller sees
        await conn.invalidate()


async def _match(
    pg: Any, helper: Any | None, batch: list[tuple[Any, ...]], source: str, model: Model,
    lines: feed_matching.Lines,
) -> None:  # fmt: skip
    """Stage and match a batch on `pg`, half of it on `helper` at the same time when there
    is one. Matching only reads the directory: the batches before are committed, so both
    connections see the same children."""
    if helper is None or len(batch) < SPLIT_FROM:
        await feed_matching.stage(pg, batch)
        await feed_matching.match(pg, source, model, lines)
        return
    half = len(batch) // 2
    mine, theirs = batch[:half], batch[half:]

    async def match_mine() -> None:
        await feed_matching.stage(pg, mine)
        await feed_matching.match(pg, source, model, lines)

    async def match_theirs() -> list[tuple[Any, ...]]:
        async with helper.transaction():
            await feed_matching.stage(helper, theirs)
            await feed_matching.match(helper, source, model, lines)
            return await feed_matching.matches(helper)

    # A TaskGroup: if one half fails, the other is cancelled before the batch rolls back.
    # Its ExceptionGroup is unwrapped, so that the failure is named as itself.
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(match_mine())
            decided = group.create_task(match_theirs())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    await feed_matching.adopt(pg, theirs, decided.result())


async def _import(
    pg: Any, conn: Any, request: ImportRequest, progress: Progress | None, batch_size: int,
    helper: Any | None,
) -> ImportSummary:  # fmt: skip
    if not await feed_runs.source_exists(pg, request.source):
        raise BadInput(
            f"unknown source {request.source}: register it first with"
            " `contactpoint sources add --code CODE --name NAME --precedence N`",
            field="source",
        )
    known = await feed_runs.directory(pg)
    vocabulary = _vocabulary(known)
    try:
        found = await asyncio.to_thread(scan, request.path, request.fmt, vocabulary)
    except FileRefused as refused:
        raise FileProblems([refused.problem], 1) from None
    if found.problems and not request.skip_invalid:
        raise FileProblems(found.problems, found.problem_count)
    summary = ImportSummary(records=found.records, rejected=len(found.rejected))
    if found.rejected:
        summary.rejects_path = request.rejects_path or request.path.with_name(
            request.path.name + ".rejects.csv"
        )
        _write_rejects(summary.rejects_path, found)

    model = await current_model(conn, await pg.fetchval("SELECT max(id) FROM linkage_model"))
    children = int(await pg.fetchval("SELECT count(*) FROM child WHERE status = 'ACTIVE'"))
    lines = feed_lines(children)
    # Loading works on the driver's own transactions from here on.
    await conn.commit()

    run = (
        None if request.dry_run else await feed_runs.resumable_run(pg, request.source, found.sha256)
    )
    after_line = 0
    if run is not None:
        summary.run_id, after_line = run.id, run.lines_done
        summary.resumed_from_line = after_line
        for column, value in run.counts.items():
            setattr(summary, column, value)
    elif not request.dry_run:
        summary.run_id = await feed_runs.start_run(
            pg, request.source, request.path.name, found.sha256, request.fmt, found.records
        )

    valid = found.records - len(found.rejected)
    done = sum(getattr(summary, c) for c in feed_runs.COUNT_COLUMNS)
    batches = _Batches(
        records(request.path, request.fmt, vocabulary, found.rejected),
        known.authorities,
        after_line,
        batch_size,
    )
    outer = pg.transaction() if request.dry_run else None
    if outer is not None:
        await outer.start()
    try:
        for batch in batches:
            async with pg.transaction():
                await _match(pg, helper, batch, request.source, model, lines)
                counts = await feed_apply.apply(pg, request.source, summary.run_id)
                if summary.run_id is not None:
                    await feed_runs.record_batch(pg, summary.run_id, batch[-1][0], counts)
            for outcome, column in feed_runs.OUTCOME_COLUMNS.items():
                setattr(summary, column, getattr(summary, column) + counts.get(outcome, 0))
            done += len(batch)
            if progress is not None:
                progress(done, valid)
    finally:
        if outer is not None:
            await outer.rollback()
    if summary.run_id is not None:
        async with pg.transaction():
            await feed_runs.finish_run(pg, summary.run_id, summary.rejected)
            await record(
                conn,
                Actor(),
                AuditEntry(
                    action="IMPORT_RUN",
                    detail={"importRun": summary.run_id, "source": request.source}
                    | {c: getattr(summary, c) for c in (*feed_runs.COUNT_COLUMNS, "rejected")},
                ),
            )
    if progress is not None and valid == 0:
        progress(0, 0)
    return summary
