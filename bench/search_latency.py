"""Search latency: mixed, realistic searches over HTTP, then the bare search statement.

Loads N demo children, makes the same kind of corrupted queries as search_quality.py
(real children; `--model febrl`, the default, 1 to 3 fields changed: bench/corruption.py;
`--model mix`, the MIX of bench/search_queries.py), and sends them one after another
through the real HTTP endpoint as one signed-in practitioner (session check, rate-limit
count, the phonetic codes, the search statement, the audit event). Prints p50/p95/p99,
searches per second and server CPU per search, overall and per kind of query. Then, for
a sample of the same queries, times the search statement alone as the service issues it
(`search_children` with the parameters of backend.services.search.search_parameters),
once the plan cache has settled and, for a few, with PostgreSQL's custom plans (what the
first five searches on each new database connection get).

    .venv/bin/python bench/search_latency.py --children 100000 --searches 3000
    .venv/bin/python bench/search_latency.py --children 1000000 --searches 3000
"""

import argparse
import asyncio
import statistics
import time
from collections import defaultdict
from datetime import date

from corruption import CorruptQuery, corrupt_queries
from search_queries import (
    MIX,
    Query,
    cpu_seconds,
    demo_server,
    make_queries,
    percentile,
    sample_children,
)
from sqlalchemy import text

from backend.db.engine import create_engine
from backend.db.queries.child_search import search_children
from backend.search.criteria import Criteria, parse_criteria
from backend.services.search import search_parameters


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"p50 {percentile(ordered, 50) * 1000:6.2f} ms  p95 {percentile(ordered, 95) * 1000:6.2f}"
        f" ms  p99 {percentile(ordered, 99) * 1000:6.2f} ms"
        f"  mean {statistics.mean(ordered) * 1000:6.2f} ms"
    )


AnyQuery = Query | CorruptQuery


def group_of(query: AnyQuery) -> str:
    if isinstance(query, CorruptQuery):
        return f"{query.fields_changed} field(s) changed"
    return query.kind


def criteria_of(query: AnyQuery) -> Criteria:
    """The criteria exactly as the GraphQL resolver parses them."""
    c = query.criteria
    return parse_criteria(
        family_name=c.get("familyName"),
        given_name=c.get("givenName"),
        previous_name=c.get("previousName"),
        date_of_birth=c.get("dateOfBirth"),
        gender=c.get("gender"),
        postcode=c.get("postcode"),
        today=date.today(),
    )


async def time_sql(url: str, queries: list[AnyQuery], custom: int) -> dict[str, list[float]]:
    """Time search_children alone: in the steady state (PostgreSQL's plan cache settles
    on a generic plan after five executions of the prepared statement), and with the
    custom plans that the first five searches on every new connection get."""
    engine = create_engine(url, pool_size=1)
    times: dict[str, list[float]] = defaultdict(list)
    try:
        async with engine.connect() as conn:
            prepared = [(q, await search_parameters(conn, criteria_of(q))) for q in queries]
            for _query, params in prepared[:20]:  # past the five custom plans
                await search_children(conn, params)
            for query, params in prepared:
                started = time.perf_counter()
                await search_children(conn, params)
                elapsed = time.perf_counter() - started
                times["steady"].append(elapsed)
                times[f"steady:{group_of(query)}"].append(elapsed)
            plans = (
                await conn.execute(
                    text(
                        # One prepared statement per combination of candidate routes.
                        "SELECT coalesce(sum(generic_plans), 0) AS generic_plans,"
                        " coalesce(sum(custom_plans), 0) AS custom_plans"
                        " FROM pg_prepared_statements"
                        " WHERE statement LIKE '%WITH candidates AS%'"
                        " AND statement NOT LIKE '%pg_prepared_statements%'"
                    )
                )
            ).one()
            times["plans"] = [float(plans.generic_plans), float(plans.custom_plans)]
            await conn.execute(text("SET plan_cache_mode = force_custom_plan"))
            for _query, params in prepared[:custom]:
                started = time.perf_counter()
                await search_children(conn, params)
                times["custom"].append(time.perf_counter() - started)
            await conn.rollback()
    finally:
        await engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=["febrl", "mix"], default="febrl")
    parser.add_argument("--children", type=int, default=100000)
    parser.add_argument("--searches", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=100, help="untimed searches first")
    parser.add_argument("--sql-sample", type=int, default=500, help="statements timed alone")
    parser.add_argument(
        "--custom-sample", type=int, default=30, help="statements timed with custom plans"
    )
    parser.add_argument("--seed", type=int, default=11, help="demo data and sample seed")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DB:CREDS", help="search a database kept by --keep")
    args = parser.parse_args()

    with demo_server(args.children, args.seed, "latency", args.keep, args.reuse) as server:
        if not args.reuse:
            print(f"loaded {args.children:,} children in {server.load_seconds:.1f} s")
        children = sample_children(server.url, args.searches, args.seed)
        queries: list[AnyQuery] = (
            list(corrupt_queries(children, args.searches, args.seed))
            if args.model == "febrl"
            else list(make_queries(children, args.searches, args.seed))
        )
        cold = []
        for query in queries[: args.warmup]:
            t0 = time.perf_counter()
            server.search(query.criteria)
            cold.append(time.perf_counter() - t0)
        latencies: dict[str, list[float]] = defaultdict(list)
        outcomes = {"errors": 0, "too many": 0, "no match": 0}
        cpu_before = cpu_seconds(server.pid)
        wall = time.perf_counter()
        for query in queries:
            t0 = time.perf_counter()
            body = server.search(query.criteria)
            elapsed = time.perf_counter() - t0
            latencies["all"].append(elapsed)
            latencies[group_of(query)].append(elapsed)
            if "errors" in body:
                outcomes["errors"] += 1
            elif body["data"]["searchChildren"]["tooManyMatches"]:  # type: ignore[index]
                outcomes["too many"] += 1
            elif not body["data"]["searchChildren"]["matches"]:  # type: ignore[index]
                outcomes["no match"] += 1
        wall = time.perf_counter() - wall
        cpu = cpu_seconds(server.pid) - cpu_before
        sql = asyncio.run(time_sql(server.url, queries[: args.sql_sample], args.custom_sample))

    n = len(queries)
    where = f"database {args.reuse.split(':')[0]}" if args.reuse else f"{args.children:,} children"
    print(
        f"search over HTTP, one client, sequential, {n:,} mixed searches, {where}"
        f" (after {args.warmup} untimed)"
    )
    print(f"  latency {_ms(latencies['all'])}")
    print(
        f"  throughput {n / wall:,.0f} searches/s; server CPU per search"
        f" {cpu / n * 1000:.2f} ms; {outcomes}"
    )
    print(
        f"  the first {len(cold)} searches on the fresh server (untimed above):"
        f" {_ms(cold)}  max {max(cold) * 1000:.0f} ms"
    )
    print(f"\nthe search statement alone (search_children), {len(sql['steady'])} of the queries:")
    generic, custom = (int(n) for n in sql["plans"])
    print(f"  steady state                    {_ms(sql['steady'])}")
    print(f"    (the prepared statements ran with {generic} generic and {custom} custom plans)")
    print(f"  custom plans, first {len(sql['custom']):>3} queries  {_ms(sql['custom'])}")
    print("\nper kind of query: HTTP p50 p95 (n) | statement, steady state, p50 p95 (n)")
    kinds = list(MIX) if args.model == "mix" else sorted(k for k in latencies if k != "all")
    for kind in kinds:
        http = sorted(latencies.get(kind, []))
        execution = sorted(sql.get(f"steady:{kind}", []))
        if not http:
            continue
        line = (
            f"  {kind:<20} {percentile(http, 50) * 1000:6.1f} {percentile(http, 95) * 1000:6.1f}"
            f" ms ({len(http)})"
        )
        if execution:
            line += (
                f" | {percentile(execution, 50) * 1000:6.1f}"
                f" {percentile(execution, 95) * 1000:6.1f} ms ({len(execution)})"
            )
        print(line)


if __name__ == "__main__":
    main()
