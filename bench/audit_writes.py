"""Audit writes under concurrency: several processes, many connections, one hot table.

Each event goes through the real trigger (hash chain by connection, 16 chains). Prints
events/s and latency, how many chains were used, then verifies every chain.

    .venv/bin/python bench/audit_writes.py --processes 4 --connections 8 --seconds 10
"""

import argparse
import asyncio
import json
import multiprocessing
import secrets
import subprocess
import time

import asyncpg

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
INSERT = (
    "INSERT INTO audit_event (actor_organisation_id, actor_roles, action, subject_child_id,"
    " outcome, client_address, request_id, detail)"
    " VALUES (1, '{PRACTITIONER}', 'CHILD_VIEW', $1, 'OK', '127.0.0.1', $2, $3::jsonb)"
)


async def worker(url: str, connections: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def one() -> None:
        conn = await asyncpg.connect(url, server_settings={"role": "contactpoint_app"})
        detail = json.dumps({"fields": ["familyName", "involvements"], "shielded": False})
        while time.monotonic() < deadline:
            started = time.perf_counter()
            await conn.execute(INSERT, 42, secrets.token_hex(8), detail)
            latencies.append(time.perf_counter() - started)
        await conn.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return latencies


def run_process(args: tuple[str, int, float]) -> list[float]:
    return asyncio.run(worker(*args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8, help="per process")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    name = f"cp_bench_audit_{secrets.token_hex(3)}"
    subprocess.run(["psql", ADMIN_URL, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        subprocess.run(
            [".venv/bin/contactpoint", "db", "upgrade"],
            check=True,
            capture_output=True,
            env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        )
        work = [(url, args.connections, args.seconds)] * args.processes
        started = time.perf_counter()
        with multiprocessing.Pool(args.processes) as pool:
            results = pool.map(run_process, work)
        elapsed = time.perf_counter() - started
        latencies = sorted(lat for result in results for lat in result)
        count = len(latencies)

        def pct(p: float) -> float:
            return latencies[int(p / 100 * (count - 1))] * 1000

        print(
            f"{args.processes} processes x {args.connections} connections, "
            f"{args.seconds:.0f} s: {count:,} events, {count / elapsed:,.0f} events/s"
        )
        print(f"  insert latency p50 {pct(50):.2f} ms  p95 {pct(95):.2f} ms  p99 {pct(99):.2f} ms")
        chains = subprocess.run(
            ["psql", url, "-Atc", "SELECT count(DISTINCT chain) FROM audit_event"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"  chains used: {chains} of 16")
        verify_started = time.perf_counter()
        result = subprocess.run(
            [".venv/bin/contactpoint", "audit", "verify"],
            capture_output=True,
            text=True,
            env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        )
        print(
            f"  audit verify: exit {result.returncode}, {result.stdout.strip()}"
            f" ({time.perf_counter() - verify_started:.1f} s)"
        )
    finally:
        subprocess.run(
            ["psql", ADMIN_URL, "-qc", f'DROP DATABASE "{name}" WITH (FORCE)'], check=True
        )


if __name__ == "__main__":
    main()
