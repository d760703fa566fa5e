"""Loading demo data into an empty directory: one transaction, bulk rows through COPY."""

import asyncio
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.auth.passwords import hash_password
from backend.auth.sealed import seal
from backend.demo.generator import ChildGenerator
from backend.demo.numbers import MAX_CHILD_ID
from backend.demo.organisations import DemoDirectory, build_directory
from backend.demo.rows import Batch
from backend.demo.users import DemoCredential, DemoUser, demo_users
from backend.errors import BadInput

Progress = Callable[[str, int, int], None]

BATCH_SIZE = 20_000
# Two loads at once would both see an empty directory; any constant will do.
_DEMO_LOAD_LOCK = 728_302

_ORGANISATION_INSERT = """
INSERT INTO organisation
  (code, name, kind, parent_authority_id, team_name, team_phone, team_email,
   team_out_of_hours_phone, active)
SELECT o.code, o.name, o.kind, parent.id, o.team_name, o.team_phone, o.team_email,
       o.team_out_of_hours_phone, true
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[])
  AS o(code, name, kind, parent_code, team_name, team_phone, team_email,
       team_out_of_hours_phone)
LEFT JOIN organisation AS parent ON parent.code = o.parent_code
ON CONFLICT (code) DO NOTHING
"""
_USER_INSERT = """
INSERT INTO user_account
  (id, organisation_id, email, name, job_title, phone, password_hash, totp_secret, status,
   trained_on, vetted_until, failed_sign_ins)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE', $9, $10, 0)
"""
_AUDIT_INSERT = text(
    "INSERT INTO audit_event (action, outcome, detail) "
    "VALUES ('DEMO_DATA_LOADED', 'OK', CAST(:detail AS jsonb))"
)


@dataclass
class DemoLoadReport:
    """What a load wrote and where its time went (generation overlaps COPY)."""

    credentials: list[DemoCredential]
    rows: dict[str, int] = field(default_factory=dict)
    generation_seconds: float = 0.0
    copy_seconds: float = 0.0
    setup_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


async def directory_child_count(engine: AsyncEngine) -> int:
    """How many children the directory holds, archived ones included."""
    async with engine.connect() as conn:
        return await _child_count(conn)


async def _child_count(conn: AsyncConnection) -> int:
    return int((await conn.execute(text("SELECT count(*) FROM child"))).scalar_one())


def _check_children(children: object) -> int:
    if isinstance(children, bool) or not isinstance(children, int) or children < 1:
        raise BadInput("children must be a positive whole number", field="children")
    if children > MAX_CHILD_ID:
        raise BadInput(f"children must be at most {MAX_CHILD_ID:,}", field="children")
    return children


def _not_empty(count: int) -> BadInput:
    return BadInput(
        f"the directory already holds {count:,} children; demo data loads only into an "
        "empty directory (use a new database)",
        field="children",
    )


async def load_demo_data(
    engine: AsyncEngine,
    *,
    children: int,
    seed: int,
    today: date,
    progress: Progress | None = None,
) -> list[DemoCredential]:
    """Fill an empty directory with `children` demo children; returns the demo sign-ins.

    `progress(phase, done, total)` is called as "users", "organisations" and then
    "children" advance (after every batch). Raises `BadInput` for a bad `children` or
    a directory that already holds children; nothing is written then, nor on any error.
    """
    report = await load_demo_report(
        engine, children=children, seed=seed, today=today, progress=progress
    )
    return report.credentials


async def load_demo_report(
    engine: AsyncEngine,
    *,
    children: int,
    seed: int,
    today: date,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoLoadReport:
    """`load_demo_data`, also saying how many rows went where and how long it took."""
    started = time.perf_counter()
    children = _check_children(children)
    # Fail fast, before the slow password hashing; checked again under the lock below.
    existing = await directory_child_count(engine)
    if existing:
        raise _not_empty(existing)
    notify = progress or (lambda _phase, _done, _total: None)

    users = demo_users(seed, today)
    notify("users", 0, len(users))
    hashes = await _hash_passwords([user.password for user in users])
    notify("users", len(users), len(users))
    directory = build_directory(seed, children)
    report = DemoLoadReport(credentials=[user.credential() for user in users])

    async with engine.connect() as conn, conn.begin():
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEMO_LOAD_LOCK})
        existing = await _child_count(conn)
        if existing:
            raise _not_empty(existing)
        raw = await conn.get_raw_connection()
        pg: Any = raw.driver_connection
        await _refuse_existing_users(pg, users)

        notify("organisations", 0, len(directory.organisations))
        organisation_ids, inserted = await _insert_organisations(pg, directory)
        report.rows["organisation"] = inserted
        notify("organisations", len(directory.organisations), len(directory.organisations))
        report.rows["user_account"], report.rows["user_role"] = await _insert_users(
            pg, users, hashes, organisation_ids
        )
        first_child_id = await _reserve_child_ids(pg, children)
        generator = ChildGenerator(
            seed=seed,
            today=today,
            directory=directory,
            organisation_ids=organisation_ids,
            users=users,
            first_child_id=first_child_id,
        )
        report.setup_seconds = time.perf_counter() - started
        await _copy_children(pg, generator, children, batch_size, report, notify)
        await conn.execute(
            _AUDIT_INSERT,
            {"detail": json.dumps({"children": children, "rows": report.rows}, sort_keys=True)},
        )
    report.total_seconds = time.perf_counter() - started
    return report


async def _hash_passwords(passwords: Sequence[str]) -> list[str]:
    """Hash off the event loop, two at a time.

    Argon2 releases the GIL, so two threads use both cores; more would only add memory
    (64 MiB a hash with the production profile).
    """
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-hash") as pool:
        return list(
            await asyncio.gather(
                *(loop.run_in_executor(pool, hash_password, password) for password in passwords)
            )
        )


async def _refuse_existing_users(pg: Any, users: Sequence[DemoUser]) -> None:
    taken = await pg.fetch(
        "SELECT email FROM user_account WHERE email = ANY($1::text[]) ORDER BY email",
        [user.email for user in users],
    )
    if taken:
        raise BadInput(
            f"demo user {taken[0]['email']} already exists; demo data loads only into an "
            "empty directory (use a new database)"
        )


async def _insert_organisations(pg: Any, directory: DemoDirectory) -> tuple[dict[str, int], int]:
    """Insert (parents first, so services can name them); an existing code is kept as is."""
    inserted = 0
    for parents in (True, False):
        chosen = [o for o in directory.organisations if (o.parent_code is None) == parents]
        columns = (
            [o.code for o in chosen],
            [o.name for o in chosen],
            [o.kind for o in chosen],
            [o.parent_code for o in chosen],
            [o.team_name for o in chosen],
            [o.team_phone for o in chosen],
            [o.team_email for o in chosen],
            [o.team_out_of_hours_phone for o in chosen],
        )
        status = await pg.execute(_ORGANISATION_INSERT, *columns)
        inserted += int(status.split()[-1])
    codes = [o.code for o in directory.organisations]
    found = await pg.fetch("SELECT code, id FROM organisation WHERE code = ANY($1::text[])", codes)
    return {row["code"]: row["id"] for row in found}, inserted


async def _insert_users(
    pg: Any, users: Sequence[DemoUser], hashes: Sequence[str], ids: Mapping[str, int]
) -> tuple[int, int]:
    await pg.executemany(
        _USER_INSERT,
        [
            (
                user.id, ids[user.organisation_code], user.email, user.name, user.job_title,
                user.phone, password_hash, seal(user.totp_secret, user.id), user.trained_on,
                user.vetted_until,
            )
            for user, password_hash in zip(users, hashes, strict=True)
        ],
    )  # fmt: skip
    roles = [(user.id, role) for user in users for role in user.roles]
    await pg.executemany("INSERT INTO user_role (user_id, role) VALUES ($1, $2)", roles)
    return len(users), len(roles)


async def _reserve_child_ids(pg: Any, children: int) -> int:
    """The first of `children` consecutive ids, taken from child.id's sequence.

    The application role may use the sequence but not set it, so the ids are drawn one
    by one (about a second per million); later inserts then never collide with them.
    """
    sequence = await pg.fetchval("SELECT pg_get_serial_sequence('child', 'id')")
    if sequence is None:
        return int(await pg.fetchval("SELECT coalesce(max(id), 0) + 1 FROM child"))
    first, last = await pg.fetchrow(
        "SELECT min(n), max(n) FROM (SELECT nextval($1::regclass) AS n "
        "FROM generate_series(1, $2)) AS drawn",
        sequence,
        children,
    )
    if last - first + 1 != children:
        raise BadInput("children were added while the demo data loaded; try again")
    if last > MAX_CHILD_ID:
        raise BadInput("the directory's child ids are too large for demo NHS numbers")
    return int(first)


async def _copy_children(
    pg: Any,
    generator: ChildGenerator,
    children: int,
    batch_size: int,
    report: DemoLoadReport,
    notify: Progress,
) -> None:
    """COPY batch after batch while a thread generates the next one.

    PostgreSQL checks constraints and builds indexes in its own process, so generating
    the next batch meanwhile keeps both cores busy.
    """
    batches = generator.batches(children, batch_size)

    def generate(source: Iterator[Batch]) -> tuple[Batch | None, float]:
        tick = time.perf_counter()
        batch = next(source, None)
        return batch, time.perf_counter() - tick

    done = 0
    notify("children", 0, children)
    pending = asyncio.ensure_future(asyncio.to_thread(generate, batches))
    try:
        while True:
            batch, seconds = await pending
            report.generation_seconds += seconds
            if batch is None:
                break
            pending = asyncio.ensure_future(asyncio.to_thread(generate, batches))
            tick = time.perf_counter()
            for table, columns, rows in batch.tables():
                if rows:
                    await pg.copy_records_to_table(table, records=rows, columns=list(columns))
                    report.rows[table] = report.rows.get(table, 0) + len(rows)
            report.copy_seconds += time.perf_counter() - tick
            done += len(batch.children)
            notify("children", done, children)
    finally:
        # A failed COPY leaves a generation running in its thread: wait for it, and
        # collect its result so nothing is reported as never retrieved.
        if not pending.done():
            await asyncio.wait([pending])
        if not pending.cancelled():
            pending.exception()
