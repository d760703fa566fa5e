"""Record view benchmark: a signed-in practitioner opens children's records over HTTP.

Prints latency percentiles, the server process's CPU per view (read from /proc), the
database transactions per view (pg_stat_database), and, from an in-process cProfile run,
the share of the view's time spent in the access policy. Nothing here asserts a timing.

    .venv/bin/python bench/record_view.py --children 20000 --views 2000
"""

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time

import httpx
from search_queries import cpu_seconds, demo_server, psql, sign_in_body

QUERY = """query View($id: ID!) { child(id: $id) {
  id contactPointId givenNames familyName otherNames dateOfBirth gender shielded
  responsibleAuthority { name teamName teamPhone teamEmail }
  address { line1 line2 town postcode } postcode
  parentsAndCarers { name relationship parentalResponsibility phone
                     address { line1 town postcode } }
  involvements { id organisation { name code } serviceType serviceTypeLabel practitionerName
                 practitionerRole phone email startDate endDate leadProfessional
                 withheld { field reason } }
  caf { status startedOn holderName holderPhone }
  withheld { field reason } } }"""


async def concurrent_views(
    base: str, cookies: httpx.Cookies, ids: list[str], clients: int, views: int
) -> tuple[float, list[float]]:
    """`views` record views from `clients` clients at once: wall seconds and latencies."""
    latencies: list[float] = []
    queue = iter(range(views))

    async def client(http: httpx.AsyncClient) -> None:
        for n in queue:
            t0 = time.perf_counter()
            response = await http.post(
                "/graphql", json={"query": QUERY, "variables": {"id": ids[n % len(ids)]}}
            )
            latencies.append(time.perf_counter() - t0)
            if "errors" in response.json():
                raise SystemExit(f"view failed: {response.json()['errors']}")

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits, timeout=60) as http:
        wall = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return time.perf_counter() - wall, sorted(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--views", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DATABASE:CREDENTIALS", help="a kept database")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument(
        "--concurrency",
        default="8,32",
        help="also measure views/s with this many clients at once (comma-separated)",
    )
    parser.add_argument(
        "--general",
        action="store_true",
        help="answer every view with graphql-core's executor, not the compiled plan",
    )
    args = parser.parse_args()
    settings = {"CONTACTPOINT_COMPILED_DOCUMENTS": "false"} if args.general else {}

    with demo_server(
        args.children, seed=11, label="view", keep=args.keep, reuse=args.reuse,
        workers=args.workers, settings=settings,
    ) as server:  # fmt: skip
        print(f"loaded {args.children:,} children in {server.load_seconds:.1f} s")
        me, url, http = server.credentials, server.url, server.http
        # Unshielded Leeds children with the most involvements: the heavy end of a view.
        ids = psql(
            url,
            """SELECT c.contact_point_id FROM child c
            JOIN organisation o ON o.id = c.responsible_authority_id AND o.code = 'E08000035'
            WHERE NOT EXISTS (SELECT 1 FROM shielding s WHERE s.child_id = c.id)
            ORDER BY (SELECT count(*) FROM involvement i WHERE i.child_id = c.id) DESC, c.id
            LIMIT 200""",
        ).split()
        listed = ",".join(f"'{i}'" for i in ids)
        involvements = psql(
            url,
            f"""SELECT round(avg(n), 1) FROM (SELECT count(*) n FROM involvement i
            JOIN child c ON c.id = i.child_id WHERE c.contact_point_id IN ({listed})
            GROUP BY c.id) t""",
        )
        commits = f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{server.name}'"
        for cp in ids[:50]:  # warm the caches and the connection pool
            http.post("/graphql", json={"query": QUERY, "variables": {"id": cp}})
        xact_before = int(psql(url, commits))
        cpu_before = cpu_seconds(server.pid)
        latencies = []
        wall = time.perf_counter()
        for n in range(args.views):
            t0 = time.perf_counter()
            body = http.post(
                "/graphql", json={"query": QUERY, "variables": {"id": ids[n % len(ids)]}}
            ).json()
            latencies.append(time.perf_counter() - t0)
            if "errors" in body:
                raise SystemExit(f"view failed: {body['errors']}")
        wall = time.perf_counter() - wall
        cpu = cpu_seconds(server.pid) - cpu_before
        time.sleep(0.6)  # pg_stat_database is updated on a short delay
        xacts = int(psql(url, commits)) - xact_before
        at_once = []
        for clients in [int(c) for c in args.concurrency.split(",") if c]:
            cpu_start = cpu_seconds(server.pid)
            seconds, lat = asyncio.run(
                concurrent_views(str(http.base_url), http.cookies, ids, clients, args.views)
            )
            used = cpu_seconds(server.pid) - cpu_start
            at_once.append((clients, seconds, lat, used))
        policy = profile_policy_share(url, me, ids, general=args.general)

    latencies.sort()
    pct = lambda p: latencies[int(p / 100 * (len(latencies) - 1))] * 1000  # noqa: E731
    executor = "general executor" if args.general else "compiled plan"
    print(
        f"record view over HTTP ({executor}), one client, {args.views:,} views,"
        f" {involvements} involvements on average"
    )
    print(
        f"  latency p50 {pct(50):.2f} ms  p95 {pct(95):.2f} ms  p99 {pct(99):.2f} ms"
        f"  mean {statistics.mean(latencies) * 1000:.2f} ms"
    )
    print(f"  throughput {args.views / wall:,.0f} views/s (sequential)")
    print(f"  server CPU per view {cpu / args.views * 1000:.3f} ms ({args.workers} worker(s))")
    for clients, seconds, lat, used in at_once:
        at = lambda p, lat=lat: lat[int(p / 100 * (len(lat) - 1))] * 1000  # noqa: E731
        print(
            f"  {clients:>3} clients at once: {args.views / seconds:,.0f} views/s,"
            f" p50 {at(50):.2f} ms  p95 {at(95):.2f} ms,"
            f" server CPU {used / args.views * 1000:.3f} ms per view"
        )
    print(
        f"  database transactions per view {xacts / args.views:.2f}"
        " (session check, view, audit event)"
    )

    print(policy)


def profile_policy_share(
    url: str, me: dict[str, str], ids: list[str], *, general: bool = False
) -> str:
    """cProfile the same views in-process; report the policy's share of the request."""
    from asgi_lifespan import LifespanManager

    from backend.settings import Settings
    from backend.web.app import create_app

    async def run(profiler: cProfile.Profile) -> None:
        settings = Settings(database_url=url, compiled_documents=not general)
        app = create_app(database_url=url, settings=settings)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                # The next time step's code: the one `now` gave was spent by demo_server.
                await http.post("/graphql", json=sign_in_body(me, at=time.time() + 30))
                for cp in ids[:20]:
                    await http.post("/graphql", json={"query": QUERY, "variables": {"id": cp}})
                profiler.enable()
                for n in range(1000):
                    await http.post(
                        "/graphql", json={"query": QUERY, "variables": {"id": ids[n % len(ids)]}}
                    )
                profiler.disable()

    profiler = cProfile.Profile()
    asyncio.run(run(profiler))
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    policy = 0.0
    for (filename, _line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if "backend/policy/" in filename and func in {
            "decide",
            "require_child_access",
            "discloses",
            "service_nature_reason",
            "may_see_archived",
        }:
            policy += row[3] if func == "decide" else row[2]
    return (
        f"policy share of in-process request time (cProfile, 1,000 views): "
        f"{policy / total * 100:.1f}% ({policy / 1000 * 1e6:.0f} us of profiled time per view)"
    )


if __name__ == "__main__":
    main()
