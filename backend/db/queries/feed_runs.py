"""Registered sources and the rows that account for each load (`import_run`)."""

import json
from dataclasses import dataclass
from typing import Any

from backend.db.tables.vocabulary import SERVICE_TYPES


@dataclass(frozen=True, slots=True)
class Directory:
    """What a feed file is checked against: authorities by ONS code, organisations, and
    the service types a feed may record."""

    authorities: dict[str, int]
    organisations: frozenset[str]
    services: frozenset[str]


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    lines_done: int
    counts: dict[str, int]


COUNT_COLUMNS = ("exact", "probable", "review", "created", "unchanged")
OUTCOME_COLUMNS = {
    "EXACT": "exact",
    "PROBABLE": "probable",
    "REVIEW": "review",
    "NEW": "created",
    "UNCHANGED": "unchanged",
}


async def source_exists(pg: Any, code: str) -> bool:
    return bool(await pg.fetchval("SELECT true FROM feed_source WHERE code = $1", code))


async def add_source(
    pg: Any, code: str, name: str, precedence: int, fields: dict[str, int]
) -> None:
    async with pg.transaction():
        await pg.execute(
            "INSERT INTO feed_source (code, name, precedence) VALUES ($1, $2, $3)",
            code,
            name,
            precedence,
        )
        for field, rank in fields.items():
            await pg.execute(
                "INSERT INTO feed_source_field (source, field, precedence) VALUES ($1, $2, $3)",
                code,
                field,
                rank,
            )


async def sources(pg: Any) -> list[tuple[str, str, int, dict[str, int]]]:
    rows = await pg.fetch(
        "SELECT s.code, s.name, s.precedence,"
        " coalesce(jsonb_object_agg(f.field, f.precedence) FILTER (WHERE f.field IS NOT NULL),"
        " '{}') AS fields"
        " FROM feed_source s LEFT JOIN feed_source_field f ON f.source = s.code"
        " GROUP BY s.code ORDER BY s.precedence, s.code"
    )
    return [(r["code"], r["name"], r["precedence"], json.loads(r["fields"])) for r in rows]


async def directory(pg: Any) -> Directory:
    rows = await pg.fetch(
        "SELECT id, code, kind = 'LOCAL_AUTHORITY' AND active AS authority FROM organisation"
    )
    return Directory(
        authorities={r["code"]: r["id"] for r in rows if r["authority"]},
        organisations=frozenset(r["code"] for r in rows),
        services=frozenset(code for code, _label, sensitive in SERVICE_TYPES if not sensitive),
    )


async def resumable_run(pg: Any, source: str, sha256: str) -> Run | None:
    """A load of this very file from this source that stopped before it finished."""
    row = await pg.fetchrow(
        "SELECT * FROM import_run WHERE source = $1 AND file_sha256 = $2 AND status = 'RUNNING'"
        " ORDER BY id DESC LIMIT 1",
        source,
        sha256,
    )
    if row is None:
        return None
    return Run(row["id"], row["lines_done"], {c: row[c] for c in COUNT_COLUMNS})


async def start_run(
    pg: Any, source: str, file_name: str, sha256: str, fmt: str, records: int
) -> int:
    return int(
        await pg.fetchval(
            "INSERT INTO import_run (source, file_name, file_sha256, format, records)"
            " VALUES ($1, $2, $3, $4, $5) RETURNING id",
            source,
            file_name,
            sha256,
            fmt.upper(),
            records,
        )
    )


async def record_batch(pg: Any, run_id: int, lines_done: int, counts: dict[str, int]) -> None:
    await pg.execute(
        "UPDATE import_run SET lines_done = $2, exact = exact + $3, probable = probable + $4,"
        " review = review + $5, created = created + $6, unchanged = unchanged + $7"
        " WHERE id = $1",
        run_id,
        lines_done,
        *(counts.get(outcome, 0) for outcome in OUTCOME_COLUMNS),
    )


async def finish_run(pg: Any, run_id: int, rejected: int) -> None:
    await pg.execute(
        "UPDATE import_run SET status = 'COMPLETED', finished_at = now(), rejected = $2"
        " WHERE id = $1",
        run_id,
        rejected,
    )
