"""Benchmark: load N demo children into a fresh PostgreSQL database and print the figures.

    .venv/bin/python bench/demo_load.py --children 1000000

Without --database-url it creates `cp_bench_demo_<N>` on the local server and drops it
at the end (unless --keep). Passwords are hashed with the production profile, as in a
real `contactpoint demo-data`.
"""

import argparse
import asyncio
import os
import platform
import sys
import time
from datetime import date

import asyncpg
from sqlalchemy import text

from backend.db.engine import create_engine
from backend.db.migrate import upgrade
from backend.demo.loader import load_demo_report

SERVER = "postgresql://postgres@127.0.0.1:5432"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help=f"an existing, empty database (default: a new one on {SERVER})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    parser.add_argument("--batch-size", type=int, default=20_000)
    return parser.parse_args()


async def run(args: argparse.Namespace) -> None:
    created: str | None = None
    url = args.database_url
    if url is None:
        created = f"cp_bench_demo_{args.children}"
        admin = await asyncpg.connect(f"{SERVER}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{created}"')
        finally:
            await admin.close()
        url = f"{SERVER}/{created}"

    tick = time.perf_counter()
    await upgrade(url)
    migrate_seconds = time.perf_counter() - tick

    shown = [-1]

    def progress(phase: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if phase == "children" and tenth != shown[0]:
            shown[0] = tenth
            print(f"  {done:>10,} / {total:,} children", file=sys.stderr, flush=True)

    engine = create_engine(url)
    try:
        report = await load_demo_report(
            engine,
            children=args.children,
            seed=args.seed,
            today=date.today(),
            progress=progress,
            batch_size=args.batch_size,
        )
        async with engine.connect() as conn:
            size = (
                await conn.execute(
                    text("SELECT pg_size_pretty(pg_database_size(current_database()))")
                )
            ).scalar_one()
            server = (await conn.execute(text("SHOW server_version"))).scalar_one()
    finally:
        await engine.dispose()

    copy_only = report.total_seconds - report.setup_seconds
    print(f"machine            {platform.machine()}, {os.cpu_count()} cores, PostgreSQL {server}")
    print(f"children           {args.children:,} (seed {args.seed})")
    print(f"migrate            {migrate_seconds:8.1f} s")
    print(f"setup              {report.setup_seconds:8.1f} s  (hash users, organisations, ids)")
    print(f"generation         {report.generation_seconds:8.1f} s  (in a thread, overlaps COPY)")
    print(f"COPY               {report.copy_seconds:8.1f} s  (awaiting PostgreSQL)")
    print(f"load total         {report.total_seconds:8.1f} s")
    print(f"children/s         {args.children / report.total_seconds:8,.0f}")
    rate = report.total_rows / copy_only
    print(f"rows               {report.total_rows:,}  ({rate:,.0f} rows/s after setup)")
    for table, rows in sorted(report.rows.items(), key=lambda item: -item[1]):
        print(f"  {table:<16} {rows:>12,}")
    print(f"database size      {size}")

    if created and not args.keep:
        admin = await asyncpg.connect(f"{SERVER}/postgres")
        try:
            await admin.execute(f'DROP DATABASE "{created}" WITH (FORCE)')
        finally:
            await admin.close()


def main() -> None:
    asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
