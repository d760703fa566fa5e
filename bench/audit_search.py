"""Audit search: a page of the audit log over 10 million events, and the misuse reports.

Creates a fresh database (`cp_bench_auditsearch_<hex>` on the local PostgreSQL, dropped
afterwards unless --keep), migrates it, loads demo children with `contactpoint demo-data`
so that events name real children and organisations, adds a few thousand synthetic users
(real `user_account` rows in real organisations), then bulk-loads N synthetic audit events
over the 365 days before today:

- day by day in time order (ids grow with time and each monthly partition's heap is in
  time order, as an append-only log is), weekends at 30 % of a weekday, 92 % of weekday
  events between 08:00 and 18:00 UK time;
- 55 % CHILD_VIEW (1 % NOT_FOUND), 35 % CHILD_SEARCH (its detail a real-looking criteria
  + 25 ids), 4 % SIGN_IN (10 % failed or locked), 2 % SIGN_OUT, 4 % changes (involvements,
  CAF, lead professional, contact requests, notifications, shielding);
- actors skewed: user k of U is drawn as floor(U * random()^2), so the heaviest user has
  about 1.8 % of all events and a typical one a few thousand a year;
- the child of a view or change is, 85 % of the time, one of the actor's own area (the
  organisation's parent authority, or itself), else any child; `detail.shielded` is the
  child's real shielding (about 2 % of demo children are shielded).

THE LOAD BYPASSES THE AUDIT TRIGGERS: it runs as the database owner (postgres) with
`SET session_replication_role = replica`, which disables the hash-chain trigger (far too
slow for 10M rows: one chain-head row lock and a sha256 per event) and the append-only
triggers for that session only. chain, chain_seq, prev_hash and hash are filled with
placeholder values of the real widths, so `audit verify` would fail on this database.
That is acceptable for a read benchmark: the rows, indexes and partitions searched are
the real ones. Monthly partitions are created for the whole year first (as
`audit_ensure_partitions` does for the months ahead), then VACUUM ANALYZE.

Then it times, on a warm cache, the real query function
`backend.db.queries.audit_review.events` through `backend.db.engine.create_engine` (role
contactpoint_app), page size 50 (the service asks for first + 1 = 51 rows), each shape
--reps times with varied parameters after --warmup untimed runs on the same connection.
asyncpg prepares every statement, so after five executions PostgreSQL may switch a shape
to its generic plan: the steady state is what a long-lived server connection gets. The
same shapes are then timed with `plan_cache_mode = force_custom_plan` (what the first
five executions on a new connection get). The four report functions are timed over 30
days (aggregates over every event of the period, not pages). For every shape whose p95
misses 100 ms it prints EXPLAIN (ANALYZE, BUFFERS) of the plan the steady state used.

    .venv/bin/python bench/audit_search.py --events 10000000 --children 100000
    .venv/bin/python bench/audit_search.py --events 200000 --children 10000 --reps 20
    .venv/bin/python bench/audit_search.py --reuse cp_bench_auditsearch_abc123
"""

import argparse
import asyncio
import math
import os
import random
import secrets
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.engine import create_engine
from backend.db.queries import audit_reports, audit_review
from backend.db.queries.audit_reports import UK, report_period, uk_midnight
from backend.db.queries.audit_review import EventQuery, _event_sql
from backend.migrations import sql_0014

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BASE_URL = "postgresql://postgres@127.0.0.1:5432/"
BIN = ".venv/bin/"
TARGET_MS = 100.0
PAGE = 50

# --- loading --------------------------------------------------------------------------

# Who the synthetic users work for (kind, share of users).
USER_KINDS = [
    ("LOCAL_AUTHORITY", 0.25),
    ("SOCIAL_CARE", 0.20),
    ("SCHOOL", 0.20),
    ("HEALTH_SERVICE", 0.14),
    ("GP_PRACTICE", 0.10),
    ("YOUTH_OFFENDING", 0.05),
    ("OTHER_SERVICE", 0.04),
    ("NATIONAL_PARTNER", 0.015),
    ("NATIONAL_TEAM", 0.005),
]

HELPERS = """
CREATE TABLE bench_child AS
SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS idx, c.id AS child_id,
       c.responsible_authority_id AS area_id,
       EXISTS (SELECT 1 FROM shielding s
                WHERE s.child_id = c.id AND s.unshielded_at IS NULL) AS shielded
  FROM child c;
CREATE UNIQUE INDEX ON bench_child (idx);
CREATE TABLE bench_area_child AS
SELECT area_id, (row_number() OVER (PARTITION BY area_id ORDER BY child_id) - 1)::int AS idx,
       child_id, shielded
  FROM bench_child;
CREATE UNIQUE INDEX ON bench_area_child (area_id, idx);
CREATE TABLE bench_area_count AS
SELECT area_id, count(*)::int AS n FROM bench_child GROUP BY area_id;
-- 2,000 search details like the real ones: the criteria of a real child, up to 25 ids.
CREATE TABLE bench_search_detail AS
SELECT k, jsonb_build_object(
         'ids', (SELECT coalesce(jsonb_agg(c2.contact_point_id), '[]'::jsonb)
                   FROM (SELECT floor(random() * (SELECT count(*) FROM bench_child))::int AS idx
                           FROM generate_series(1, (k * 7919) % 26)) AS r
                   JOIN bench_child bc ON bc.idx = r.idx
                   JOIN child c2 ON c2.id = bc.child_id),
         'criteria', jsonb_strip_nulls(jsonb_build_object(
            'familyName', lower(c.family_name),
            'givenName', CASE WHEN k % 5 <> 0 THEN lower(split_part(c.given_names, ' ', 1)) END,
            'dateOfBirth', CASE WHEN k % 3 <> 0 THEN c.date_of_birth::text END,
            'postcode', CASE WHEN k % 3 = 0 THEN c.postcode END,
            'gender', CASE WHEN k % 4 = 0 THEN c.gender END)),
         'tooManyMatches', k % 97 = 0) AS detail
  FROM (SELECT (row_number() OVER () - 1)::int AS k, c.*
          FROM (SELECT * FROM child ORDER BY random() LIMIT 2000) AS c) AS c;
CREATE UNIQUE INDEX ON bench_search_detail (k);
"""

# Monthly partitions for the whole year loaded, made as audit_ensure_partitions makes them.
PARTITIONS = """
DO $$
DECLARE
  m date := date_trunc('month', now() - interval '13 months')::date;
  part text;
BEGIN
  WHILE m <= date_trunc('month', now())::date LOOP
    part := format('audit_event_p%s', to_char(m, 'YYYYMM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
        part, m, (m + interval '1 month')::date);
      EXECUTE format(
        'CREATE TRIGGER audit_partition_no_truncate BEFORE TRUNCATE ON %I '
        'FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()', part);
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END $$;
"""

VIEW_FULL = (
    '{"fields": ["__typename", "address", "caf", "contactPointId", "dateOfBirth",'
    ' "familyName", "gender", "givenNames", "id", "involvements", "otherNames",'
    ' "parentsAndCarers", "postcode", "responsibleAuthority", "shielded", "withheld"],'
    ' "withheld": [], "shielded": false}'
)
VIEW_WITHHELD = (
    '{"fields": ["__typename", "address", "contactPointId", "dateOfBirth", "familyName",'
    ' "gender", "givenNames", "id", "involvements", "otherNames", "parentsAndCarers",'
    ' "postcode", "responsibleAuthority", "shielded", "withheld"],'
    ' "withheld": ["caf"], "shielded": false}'
)
VIEW_SUMMARY = (
    '{"fields": ["contactPointId", "dateOfBirth", "familyName", "givenNames", "id",'
    ' "responsibleAuthority", "shielded"], "withheld": [], "shielded": false}'
)
VIEW_SHIELDED = (
    '{"fields": ["__typename", "contactPointId", "dateOfBirth", "familyName", "gender",'
    ' "givenNames", "id", "otherNames", "responsibleAuthority", "shielded", "withheld"],'
    ' "withheld": ["address", "caf", "involvements", "parentsAndCarers", "postcode"],'
    ' "shielded": true}'
)

# One day of events: $1 the day (UK), $2 how many, $3 weekend, $4 users, $5 children,
# $6 chain_seq base, $7 a 32-byte placeholder hash.
LOAD_DAY = f"""
WITH s AS MATERIALIZED (
  SELECT g.i,
         ($1::date::timestamp AT TIME ZONE 'Europe/London')
           + CASE WHEN NOT $3 AND random() < 0.92
                  THEN interval '8 hours' + random() * interval '10 hours'
                  ELSE random() * interval '24 hours' END AS at,
         floor($4 * random() ^ 2)::int AS u,
         random() AS ra, random() AS rl, random() AS rc, random() AS rv,
         floor(random() * 2000)::int AS k
    FROM generate_series(1, $2::int) AS g(i)
), t AS (
  SELECT s.*, bu.user_id, bu.org_id, bu.roles, bu.email,
         CASE WHEN s.ra < 0.55 THEN 'CHILD_VIEW'
              WHEN s.ra < 0.90 THEN 'CHILD_SEARCH'
              WHEN s.ra < 0.94 THEN 'SIGN_IN'
              WHEN s.ra < 0.96 THEN 'SIGN_OUT'
              WHEN s.ra < 0.97 THEN 'NOTIFICATIONS_READ'
              WHEN s.ra < 0.982 THEN 'INVOLVEMENT_RECORDED'
              WHEN s.ra < 0.988 THEN 'INVOLVEMENT_UPDATED'
              WHEN s.ra < 0.992 THEN 'INVOLVEMENT_ENDED'
              WHEN s.ra < 0.994 THEN 'CAF_RECORDED'
              WHEN s.ra < 0.996 THEN 'LEAD_PROFESSIONAL_SET'
              WHEN s.ra < 0.999 THEN 'CONTACT_REQUESTED'
              ELSE 'CHILD_SHIELDED' END AS action,
         CASE WHEN s.rl < 0.85 AND lc.child_id IS NOT NULL
              THEN lc.child_id ELSE gc.child_id END AS child_id,
         CASE WHEN s.rl < 0.85 AND lc.child_id IS NOT NULL
              THEN lc.shielded ELSE gc.shielded END AS shielded
    FROM s
    JOIN bench_user bu ON bu.idx = s.u
    LEFT JOIN bench_area_count ac ON ac.area_id = bu.area_id
    LEFT JOIN bench_area_child lc
      ON lc.area_id = bu.area_id AND lc.idx = floor(s.rc * ac.n)::int
    JOIN bench_child gc ON gc.idx = floor(s.rc * $5)::int
)
INSERT INTO audit_event (occurred_at, chain, chain_seq, prev_hash, hash, actor_user_id,
  actor_organisation_id, actor_roles, action, subject_child_id, subject_user_id, outcome,
  client_address, request_id, detail)
SELECT t.at, (t.i % 16)::smallint, $6::bigint + t.i, $7::bytea, $7::bytea,
       CASE WHEN t.action = 'SIGN_IN' AND t.rv >= 0.9 THEN NULL ELSE t.user_id END,
       CASE WHEN t.action = 'SIGN_IN' AND t.rv >= 0.9 THEN NULL ELSE t.org_id END,
       CASE WHEN t.action = 'SIGN_IN' AND t.rv >= 0.9 THEN '{{}}'::text[] ELSE t.roles END,
       t.action,
       CASE WHEN t.action IN ('CHILD_SEARCH', 'SIGN_IN', 'SIGN_OUT', 'NOTIFICATIONS_READ')
              OR (t.action = 'CHILD_VIEW' AND t.rv < 0.01) THEN NULL
            ELSE t.child_id END,
       CASE WHEN t.action = 'SIGN_IN' THEN t.user_id END,
       CASE WHEN t.action = 'CHILD_VIEW' AND t.rv < 0.01 THEN 'NOT_FOUND'
            WHEN t.action = 'CHILD_SEARCH' AND t.rv < 0.002 THEN 'RATE_LIMITED'
            WHEN t.action = 'SIGN_IN' AND t.rv >= 0.98 THEN 'LOCKED'
            WHEN t.action = 'SIGN_IN' AND t.rv >= 0.9 THEN 'FAILED'
            ELSE 'OK' END,
       '10.' || (t.u % 200) || '.' || (t.u / 200) || '.' || (t.i % 7 + 2),
       substr(md5(t.i::text || t.at::text), 1, 16),
       CASE t.action
         WHEN 'CHILD_VIEW' THEN
           CASE WHEN t.rv < 0.01
                  THEN jsonb_build_object('id', lpad((t.i * 7919 % 1000000000000)::text, 12, '0'))
                WHEN t.shielded THEN '{VIEW_SHIELDED}'::jsonb
                WHEN t.rv < 0.75 THEN '{VIEW_FULL}'::jsonb
                WHEN t.rv < 0.90 THEN '{VIEW_WITHHELD}'::jsonb
                ELSE '{VIEW_SUMMARY}'::jsonb END
         WHEN 'CHILD_SEARCH' THEN
           CASE WHEN t.rv < 0.002 THEN '{{}}'::jsonb ELSE sd.detail END
         WHEN 'SIGN_IN' THEN
           CASE WHEN t.rv >= 0.9 THEN jsonb_build_object('email', t.email, 'why', 'password')
                ELSE '{{}}'::jsonb END
         WHEN 'INVOLVEMENT_RECORDED' THEN '{{"serviceType": "SOCIAL_CARE_CIN"}}'::jsonb
         WHEN 'INVOLVEMENT_UPDATED' THEN '{{"changed": ["phone", "email"]}}'::jsonb
         WHEN 'CHILD_SHIELDED' THEN '{{"reason": "DOMESTIC_VIOLENCE"}}'::jsonb
         ELSE '{{}}'::jsonb END
  FROM t JOIN bench_search_detail sd ON sd.k = t.k
 ORDER BY t.at
"""


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def cli(url: str, *args: str) -> None:
    subprocess.run(
        [BIN + "contactpoint", *args],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": url},
    )


async def make_users(url: str, users: int, seed: int) -> None:
    """`users` real user_account rows; bench_user ranks them by activity (0 heaviest)."""
    rng = random.Random(seed)
    conn = await asyncpg.connect(url)
    try:
        orgs = await conn.fetch(
            "SELECT id, kind, coalesce(parent_authority_id, id) AS area FROM organisation"
            " WHERE active"
        )
        by_kind: dict[str, list[asyncpg.Record]] = {}
        for org in orgs:
            by_kind.setdefault(org["kind"], []).append(org)
        kinds = [k for k, _ in USER_KINDS if k in by_kind]
        weights = [w for k, w in USER_KINDS if k in by_kind]
        rows = []
        for idx in range(users):
            org = rng.choice(by_kind[rng.choices(kinds, weights)[0]])
            national = org["kind"] in ("NATIONAL_TEAM", "NATIONAL_PARTNER")
            roles = ["PRACTITIONER"]
            if org["kind"] == "LOCAL_AUTHORITY" and rng.random() < 0.1:
                roles.append("MANAGER")
            if national:
                roles = ["AUDITOR"] if rng.random() < 0.3 else ["PRACTITIONER"]
            rows.append(
                (
                    idx,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    org["id"],
                    None if national else org["area"],
                    roles,
                    f"bench.user{idx}@audit-bench.example",
                )
            )
        async with conn.transaction():
            await conn.execute(
                "CREATE TABLE bench_user (idx int PRIMARY KEY, user_id uuid NOT NULL,"
                " org_id int NOT NULL, area_id int, roles text[] NOT NULL, email text NOT NULL)"
            )
            await conn.copy_records_to_table("bench_user", records=rows)
            await conn.execute(
                "INSERT INTO user_account (id, organisation_id, email, name, job_title, status)"
                " SELECT user_id, org_id, email, 'Bench User ' || idx, 'Practitioner', 'ACTIVE'"
                " FROM bench_user"
            )
    finally:
        await conn.close()


def day_counts(events: int, today: date) -> list[tuple[date, int]]:
    """The 365 days before today, weekends at 30 % of a weekday, summing to `events`."""
    days = [today - timedelta(days=d) for d in range(365, 0, -1)]
    weights = [0.3 if d.weekday() >= 5 else 1.0 for d in days]
    total = sum(weights)
    counts = [int(events * w / total) for w in weights]
    for i in range(events - sum(counts)):
        counts[-1 - i % len(counts)] += 1
    return list(zip(days, counts, strict=True))


async def load_events(url: str, events: int, users: int, children: int, workers: int) -> None:
    today = datetime.now(UTC).date()
    months: dict[tuple[int, int], list[tuple[int, date, int]]] = {}
    for index, (day, count) in enumerate(day_counts(events, today)):
        months.setdefault((day.year, day.month), []).append((index, day, count))
    queue: asyncio.Queue[list[tuple[int, date, int]]] = asyncio.Queue()
    for month in months.values():
        queue.put_nowait(month)
    placeholder = bytes(range(32))
    started = time.perf_counter()
    done = 0

    async def worker() -> None:
        nonlocal done
        conn = await asyncpg.connect(url)
        try:
            # Superuser, this session only: no hash chain, no append-only triggers.
            await conn.execute("SET session_replication_role = replica")
            await conn.execute("SET work_mem = '64MB'")
            while not queue.empty():
                month = queue.get_nowait()
                for index, day, count in month:
                    if count:
                        await conn.execute(
                            LOAD_DAY,
                            day,
                            count,
                            day.weekday() >= 5,
                            users,
                            children,
                            index * 10_000_000,
                            placeholder,
                        )
                done += sum(c for _, _, c in month)
                print(
                    f"  {month[0][1]:%Y-%m}: {sum(c for _, _, c in month):,} events"
                    f" ({done:,} of {events:,}, {time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(workers)))


def setup(url: str, args: argparse.Namespace) -> dict[str, float]:
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    cli(url, "db", "upgrade")
    seconds["migrate"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cli(url, "demo-data", "--children", str(args.children), "--seed", str(args.seed))
    seconds["demo children"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    asyncio.run(make_users(url, args.users, args.seed))
    psql(url, "SELECT setseed(0.7);" + HELPERS + PARTITIONS + "ANALYZE;")
    seconds["users, helpers, partitions"] = time.perf_counter() - t0
    print(f"  demo children and {args.users:,} users ready", flush=True)
    t0 = time.perf_counter()
    asyncio.run(load_events(url, args.events, args.users, args.children, args.load_workers))
    seconds["events"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # The daily counts, from nothing: the roll migration 0014 runs on a log it finds.
    psql(
        url,
        "DELETE FROM audit_daily; UPDATE audit_daily_mark SET rolled_seq = 0;" + sql_0014.BACKFILL,
    )
    seconds["daily counts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    psql(url, "VACUUM ANALYZE audit_event")
    psql(url, "VACUUM ANALYZE audit_daily")
    psql(url, "VACUUM ANALYZE user_account")
    seconds["vacuum analyze"] = time.perf_counter() - t0
    return seconds


# --- timing ---------------------------------------------------------------------------


@dataclass
class Sample:
    users_typical: list[uuid.UUID]
    users_heavy: list[uuid.UUID]
    children: list[str]
    authorities: list[int]
    end: datetime  # just after the newest event: the "now" of every query


async def sample(url: str, seed: int) -> Sample:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        users = await conn.fetch("SELECT idx, user_id FROM bench_user ORDER BY idx")
        children = await conn.fetch(
            "SELECT contact_point_id FROM child ORDER BY random() LIMIT 500"
        )
        authorities = await conn.fetch(
            "SELECT o.id FROM organisation o WHERE o.kind = 'LOCAL_AUTHORITY'"
            " AND EXISTS (SELECT 1 FROM child c WHERE c.responsible_authority_id = o.id)"
        )
        end = await conn.fetchval("SELECT max(occurred_at) FROM audit_event")
    finally:
        await conn.close()
    # Typical users: any rank past the top 1 % (a few thousand events a year each).
    top = max(1, len(users) // 100)
    return Sample(
        users_typical=[r["user_id"] for r in users[top:]],
        users_heavy=[r["user_id"] for r in users[:20]],
        children=[r["contact_point_id"] for r in children],
        authorities=[r["id"] for r in authorities],
        end=end + timedelta(minutes=1),
    )


@dataclass(frozen=True)
class Shape:
    key: str
    label: str
    make: Callable[[random.Random, Sample], EventQuery]
    page: int = 1  # time the n-th page, following cursors


def _last(days: int, rng: random.Random, s: Sample, jitter_hours: float = 72) -> dict[str, Any]:
    until = s.end - timedelta(hours=rng.uniform(0, jitter_hours))
    return {"since": until - timedelta(days=days), "until": until, "limit": PAGE + 1}


def _year(s: Sample) -> dict[str, Any]:
    return {"since": s.end - timedelta(days=365), "until": s.end, "limit": PAGE + 1}


SHAPES = [
    Shape("a", "auditor, no filter, 30 days", lambda r, s: EventQuery(**_last(30, r, s))),
    Shape(
        "b",
        "by user (typical), 12 months",
        lambda r, s: EventQuery(**_year(s), actor_user_id=r.choice(s.users_typical)),
    ),
    Shape(
        "b'",
        "by user (20 heaviest), 12 months",
        lambda r, s: EventQuery(**_year(s), actor_user_id=r.choice(s.users_heavy)),
    ),
    Shape(
        "c",
        "by child, 12 months",
        lambda r, s: EventQuery(**_year(s), child_contact_point_id=r.choice(s.children)),
    ),
    Shape(
        "d",
        "action CHILD_SEARCH, 30 days",
        lambda r, s: EventQuery(**_last(30, r, s), action="CHILD_SEARCH"),
    ),
    Shape(
        "e",
        "manager's scope (authority), 30 days",
        lambda r, s: EventQuery(**_last(30, r, s), organisation_id=r.choice(s.authorities)),
    ),
    Shape(
        "f",
        "shielded views only, 30 days",
        lambda r, s: EventQuery(**_last(30, r, s), shielded_views_only=True),
    ),
    Shape(
        "g",
        "5th page by user (typical), 12 months",
        lambda r, s: EventQuery(**_year(s), actor_user_id=r.choice(s.users_typical)),
        page=5,
    ),
    Shape(
        "h",
        "manager's scope + shielded views, 30 days",
        lambda r, s: EventQuery(
            **_last(30, r, s), organisation_id=r.choice(s.authorities), shielded_views_only=True
        ),
    ),
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text.replace("'", "''") + "'"


async def explain(raw: Any, sql: str, values: list[Any], generic: bool) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of `sql` with the generic plan or a custom one."""
    if not generic:
        rows = await raw.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *values)
        return [r[0] for r in rows]
    await raw.execute("PREPARE bench_explain AS " + sql)
    try:
        await raw.execute("SET plan_cache_mode = force_generic_plan")
        args = ", ".join(literal(v) for v in values)
        rows = await raw.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain({args})")
        return [r[0] for r in rows]
    finally:
        await raw.execute("RESET plan_cache_mode")
        await raw.execute("DEALLOCATE bench_explain")


async def plan_counts(raw: Any, sql: str) -> tuple[int, int]:
    row = await raw.fetchrow(
        "SELECT coalesce(sum(generic_plans), 0)::int AS g, coalesce(sum(custom_plans), 0)::int"
        " AS c FROM pg_prepared_statements WHERE statement = $1",
        sql,
    )
    return row["g"], row["c"]


@dataclass
class Result:
    label: str
    times: list[float]
    rows: list[int]
    custom: list[float]
    plan: str
    sql: str = ""
    values: list[Any] | None = None
    generic: bool = False


async def run_page(conn: AsyncConnection, shape: Shape, query: EventQuery) -> tuple[float, int]:
    """Time the shape's page (pages before it fetched untimed, following cursors)."""
    for _ in range(shape.page - 1):
        rows = await audit_review.events(conn, query)
        if len(rows) <= PAGE:
            break
        last = rows[PAGE - 1]
        query = replace(query, after=(last.occurred_at, last.id))
    started = time.perf_counter()
    rows = await audit_review.events(conn, query)
    return time.perf_counter() - started, len(rows)


async def time_pages(url: str, s: Sample, args: argparse.Namespace) -> list[Result]:
    engine = create_engine(url, pool_size=1)
    rng = random.Random(args.seed)
    results = []
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            for shape in SHAPES:
                for _ in range(args.warmup):
                    await run_page(conn, shape, shape.make(rng, s))
                times, counts = [], []
                last_query = shape.make(rng, s)
                for _ in range(args.reps):
                    last_query = shape.make(rng, s)
                    elapsed, n = await run_page(conn, shape, last_query)
                    times.append(elapsed)
                    counts.append(n)
                if shape.page > 1:
                    # The timed statement is the cursor one: rebuild it for the plan lookup.
                    first = await audit_review.events(conn, last_query)
                    anchor = first[min(len(first), PAGE) - 1] if first else None
                    if anchor is not None:
                        last_query = replace(last_query, after=(anchor.occurred_at, anchor.id))
                sql, values = _event_sql(last_query)
                generic, custom_n = await plan_counts(raw, sql)
                plan = f"generic {generic} / custom {custom_n}"
                await raw.execute("SET plan_cache_mode = force_custom_plan")
                custom = []
                for _ in range(args.custom_reps):
                    elapsed, _n = await run_page(conn, shape, shape.make(rng, s))
                    custom.append(elapsed)
                await raw.execute("RESET plan_cache_mode")
                results.append(
                    Result(
                        f"({shape.key}) {shape.label}",
                        times,
                        counts,
                        custom,
                        plan,
                        sql,
                        values,
                        generic > 0,
                    )
                )
                print(
                    f"  ({shape.key}) p50 {pct(times, 50) * 1000:.1f} ms"
                    f"  p95 {pct(times, 95) * 1000:.1f} ms",
                    flush=True,
                )
            for result in results:
                if pct(result.times, 95) * 1000 > args.target_ms:
                    mode = "generic" if result.generic else "custom"
                    print(f"\nEXPLAIN (ANALYZE, BUFFERS), {mode} plan: {result.label}")
                    lines = await explain(raw, result.sql, result.values or [], result.generic)
                    print("\n".join("  " + line for line in lines[: args.plan_lines]))
                    if len(lines) > args.plan_lines:
                        print(f"  ... ({len(lines) - args.plan_lines} more lines)")
                        print("  " + lines[-2] + "\n  " + lines[-1])
                    other = await explain(raw, result.sql, result.values or [], not result.generic)
                    print(
                        f"  (with the {'custom' if result.generic else 'generic'} plan instead:"
                        f" {other[-1].strip()})"
                    )
    finally:
        await engine.dispose()
    return results


REPORTS: list[tuple[str, Callable[..., Awaitable[Any]], bool]] = [
    ("heaviest_viewers", audit_reports.heaviest_viewers, True),
    ("outside_area_viewers", audit_reports.outside_area_viewers, True),
    ("out_of_hours", audit_reports.out_of_hours, True),
    ("activity_by_day", audit_reports.activity_by_day, False),
]


def _whole_days(rng: random.Random, s: Sample) -> tuple[datetime, datetime]:
    """30 UK days up to and including a recent one, midnight to midnight: the app's
    period form (its default is the last 30 days, today included)."""
    last = s.end.astimezone(UK).date() - timedelta(days=rng.randrange(0, 3))
    return uk_midnight(last - timedelta(days=29)), uk_midnight(last + timedelta(days=1))


def _any_instants(rng: random.Random, s: Sample) -> tuple[datetime, datetime]:
    """30 days between two instants of the day: part days at both ends, read event by
    event (what an API caller asking from 10:17 to 10:17 gets)."""
    until = s.end - timedelta(hours=rng.uniform(12, 72))
    return until - timedelta(days=30), until


PERIODS = [("whole days", _whole_days), ("any instants", _any_instants)]


async def time_reports(url: str, s: Sample, args: argparse.Namespace) -> list[Result]:
    engine = create_engine(url, pool_size=1)
    rng = random.Random(args.seed + 1)
    statements: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    results = []
    try:
        for name, function, has_limit in REPORTS:
            for (period_name, make_period), scope in product(PERIODS, ("auditor", "manager")):
                times: list[float] = []
                counts: list[int] = []
                for rep in range(args.report_reps + 1):
                    since, until = make_period(rng, s)
                    org = rng.choice(s.authorities) if scope == "manager" else None
                    extra = (50,) if has_limit else ()
                    async with engine.begin() as conn:
                        # As the service does: the database's clock, then the report.
                        started = time.perf_counter()
                        now = await audit_reports.database_now(conn)
                        period = report_period(since, until, now)
                        rows = await function(conn, period, org, *extra)
                        elapsed = time.perf_counter() - started
                    if rep:  # the first is the warm-up
                        times.append(elapsed)
                        counts.append(len(rows))
                statement, parameters = statements[-1]
                results.append(
                    Result(
                        f"{name} ({scope}), 30 {period_name}",
                        times,
                        counts,
                        [],
                        "",
                        statement,
                        list(parameters or ()),
                    )
                )
                print(
                    f"  {name} ({scope}, {period_name}) p50 {pct(times, 50) * 1000:.1f} ms",
                    flush=True,
                )
        if args.explain_reports:
            async with engine.connect() as conn:
                raw = (await conn.get_raw_connection()).driver_connection
                for result in results:
                    if "auditor" in result.label:
                        print(f"\nEXPLAIN (ANALYZE, BUFFERS), custom plan: {result.label}")
                        lines = await explain(raw, result.sql, result.values or [], False)
                        print("\n".join("  " + line for line in lines[: args.plan_lines]))
                        print("  " + lines[-1])
    finally:
        await engine.dispose()
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def print_tables(pages: list[Result], reports: list[Result]) -> None:
    print(
        f"\n| query (page of {PAGE}) | p50 ms | p95 ms | max ms | rows | steady plans"
        " | custom plan p50 / p95 ms | < 100 ms |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---|")
    for r in pages:
        ok = "yes" if pct(r.times, 95) * 1000 < TARGET_MS else "**no**"
        print(
            f"| {r.label} | {ms(pct(r.times, 50))} | {ms(pct(r.times, 95))} |"
            f" {ms(max(r.times))} | {statistics.mean(r.rows):.0f} | {r.plan} |"
            f" {ms(pct(r.custom, 50))} / {ms(pct(r.custom, 95))} | {ok} |"
        )
    print("\n| report (aggregate over 30 days) | p50 ms | p95 ms | max ms | rows |")
    print("|---|---:|---:|---:|---:|")
    for r in reports:
        print(
            f"| {r.label} | {ms(pct(r.times, 50))} | {ms(pct(r.times, 95))} |"
            f" {ms(max(r.times))} | {statistics.mean(r.rows):.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=3000, help="synthetic actor users")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=50, help="timed pages per shape")
    parser.add_argument("--warmup", type=int, default=10, help="untimed pages per shape first")
    parser.add_argument("--custom-reps", type=int, default=20, help="pages with custom plans")
    parser.add_argument("--report-reps", type=int, default=5, help="timed runs per report")
    parser.add_argument("--load-workers", type=int, default=2, help="connections loading")
    parser.add_argument("--plan-lines", type=int, default=45)
    parser.add_argument(
        "--target-ms", type=float, default=TARGET_MS, help="EXPLAIN shapes slower than this"
    )
    parser.add_argument("--explain-reports", action="store_true", help="EXPLAIN every report")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DATABASE", help="time a database kept by --keep")
    args = parser.parse_args()

    name = args.reuse or f"cp_bench_auditsearch_{secrets.token_hex(3)}"
    url = BASE_URL + name
    keep = args.keep or bool(args.reuse)
    if not args.reuse:
        psql(ADMIN_URL, f'CREATE DATABASE "{name}"')
    try:
        if not args.reuse:
            print(
                f"loading {args.children:,} demo children and {args.events:,} events into {name}",
                flush=True,
            )
            seconds = setup(url, args)
            print("load: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
            print(
                f"events loaded at {args.events / seconds['events']:,.0f} events/s;"
                f" total {sum(seconds.values()):.0f} s"
            )
            if keep:
                print(f"kept: --reuse {name}")
        print(
            psql(
                url,
                "SELECT format('audit_event: %s partitions, ~%s rows, %s with indexes;"
                " database %s', count(*), to_char(sum(c.reltuples), 'FM999,999,999'),"
                " pg_size_pretty(sum(pg_total_relation_size(i.inhrelid))),"
                " pg_size_pretty(pg_database_size(current_database())))"
                " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'audit_event'::regclass",
            )
        )
        s = asyncio.run(sample(url, args.seed))
        print("timing pages:", flush=True)
        pages = asyncio.run(time_pages(url, s, args))
        print("timing reports:", flush=True)
        reports = asyncio.run(time_reports(url, s, args))
        print_tables(pages, reports)
    finally:
        if not keep:
            psql(ADMIN_URL, f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
