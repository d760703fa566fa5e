"""What each `contactpoint` subcommand does. Arguments are already parsed and typed."""

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend.cli.database import app_engine, check_reachable, database_url
from backend.errors import SetupError
from backend.settings import Settings, get_settings

if TYPE_CHECKING:
    from backend.services.retention import RetentionCounts, RetentionRules


def on_database(run: Callable[[str], Coroutine[Any, Any, int]]) -> int:
    """Run `run(url)` on DATABASE_URL's server, or the embedded one, once it answers."""

    async def checked(url: str) -> int:
        await check_reachable(url)
        return await run(url)

    with database_url(get_settings()) as url:
        return asyncio.run(checked(url))


def serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    # The cores this process may use (a container's limit), not the machine's.
    workers = args.workers or len(os.sched_getaffinity(0)) or 1
    if settings.database_url:
        asyncio.run(check_reachable(settings.database_url))
    print(
        f"ContactPoint on http://{host}:{port}/ (GraphQL at /graphql), {workers} worker(s)",
        file=sys.stderr,
    )
    if workers == 1:
        _serve_one(settings, host, port)
    else:
        _serve_many(settings, host, port, workers)
    return 0


def _serve_one(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from backend.web.app import create_app

    # The app's own lifespan starts (and stops) the embedded server: uvicorn re-raises
    # SIGTERM after a single process shuts down, so nothing after `run` would run.
    # No access log: GET query strings can carry search criteria, which are personal data.
    uvicorn.run(create_app(settings=settings, upgrade=True), host=host, port=port, access_log=False)


def _serve_many(settings: Settings, host: str, port: int, workers: int) -> None:
    """Worker processes share one listening socket and hold nothing of their own: sessions,
    rate limits, code replay, lockouts and notifications all live in PostgreSQL. This
    process starts the embedded server (if any) and migrates once, then hands the workers
    its URL; uvicorn's supervisor restarts a worker that dies."""
    import uvicorn

    from backend.db import migrate

    with database_url(settings) as url:
        asyncio.run(migrate.upgrade(url))
        os.environ["DATABASE_URL"] = url
        uvicorn.run(
            "backend.web.worker:app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
        )


def db_upgrade(args: argparse.Namespace) -> int:
    from backend.db import migrate

    async def run(url: str) -> int:
        await migrate.upgrade(url)
        print("database is at the newest schema")
        return 0

    return on_database(run)


def _progress(phase: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    end = "\n" if done >= total else ""
    print(
        f"\r{phase:<14} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,}",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def _print_credentials(credentials: list, path: str | None) -> None:  # type: ignore[type-arg]
    print("Demo sign-ins (email / password / TOTP secret / organisation / roles):")
    for cred in credentials:
        print(
            f"  {cred.email}  {cred.password}  {cred.totp_secret}  "
            f"{cred.organisation_code}  {','.join(cred.roles)}"
        )
    if path:
        Path(path).write_text(json.dumps([c.as_json() for c in credentials], indent=2) + "\n")
        print(f"written to {path}")


def demo_data(args: argparse.Namespace) -> int:
    from backend.db import migrate
    from backend.demo.loader import directory_child_count, load_demo_data
    from backend.demo.users import demo_users

    if args.credentials:
        target = Path(args.credentials).resolve()
        if not target.parent.is_dir():
            raise SetupError(f"--credentials: folder {target.parent} does not exist")

    async def run(url: str) -> int:
        await migrate.upgrade(url)
        async with app_engine(url) as engine:
            existing = await directory_child_count(engine)
            if existing and args.if_empty:
                print(
                    f"the directory already holds {existing:,} children: nothing loaded",
                    file=sys.stderr,
                )
                _print_credentials(
                    [user.credential() for user in demo_users(args.seed, date.today())],
                    args.credentials,
                )
                return 0
            credentials = await load_demo_data(
                engine,
                children=args.children,
                seed=args.seed,
                today=date.today(),
                progress=_progress,
            )
        print("refreshing statistics and search indexes...", file=sys.stderr)
        await migrate.refresh_statistics(url)
        _print_credentials(credentials, args.credentials)
        return 0

    return on_database(run)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SetupError("give the password on standard input with --password-stdin")
    import getpass

    first = getpass.getpass("Password for the new user: ")
    if getpass.getpass("Same password again: ") != first:
        raise SetupError("the two passwords differ: nothing was changed")
    return first


def users_add(args: argparse.Namespace) -> int:
    from backend.audit.writer import Actor
    from backend.services.users import check_password, create_user

    password = _read_password(args.password_stdin)
    check_password(password)

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.begin() as conn:
            user = await create_user(
                conn,
                Actor(request_id="cli", client_address="cli"),
                email=args.email,
                name=args.name,
                organisation_code=args.org,
                roles=args.role,
                password=password,
                trained_on=args.trained_on,
                vetted_until=args.vetted_until,
            )
        print(f"added {user.email}")
        print(f"TOTP secret (shown once; add it to the user's authenticator): {user.totp_secret}")
        if args.trained_on is None or args.vetted_until is None:
            print("until training and vetting dates are recorded, this user cannot see child data")
        return 0

    return on_database(run)


def api_clients_add(args: argparse.Namespace) -> int:
    from backend.audit.writer import Actor
    from backend.services.api_clients import create_api_client

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.begin() as conn:
            client = await create_api_client(
                conn,
                Actor(request_id="cli", client_address="cli"),
                organisation_code=args.org,
                name=args.name,
                fields=args.field,
            )
        print(f"added API client {client.id}")
        print(f"token (shown once; send as 'Authorization: Bearer <token>'): {client.token}")
        return 0

    return on_database(run)


def api_clients_revoke(args: argparse.Namespace) -> int:
    from backend.audit.writer import Actor
    from backend.services.api_clients import revoke_api_client

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.begin() as conn:
            await revoke_api_client(conn, Actor(request_id="cli", client_address="cli"), args.id)
        print(f"revoked API client {args.id}: its token no longer works")
        return 0

    return on_database(run)


def api_clients_rotate(args: argparse.Namespace) -> int:
    from backend.audit.writer import Actor
    from backend.services.api_clients import rotate_api_client

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.begin() as conn:
            token = await rotate_api_client(
                conn, Actor(request_id="cli", client_address="cli"), args.id
            )
        print(f"API client {args.id}: the old token no longer works; the new one (shown once):")
        print(token)
        return 0

    return on_database(run)


def api_clients_list(args: argparse.Namespace) -> int:
    from backend.db.queries.organisation_admin import api_clients

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.connect() as conn:
            clients = await api_clients(
                conn, organisation_id=None, include_revoked=args.include_revoked
            )
        for client in clients:
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "never"
            print(
                f"{client.id}  {client.organisation_code}  {client.name}  {state}"
                f"  last used {used}  fields {','.join(client.fields)}"
            )
        return 0

    return on_database(run)


@contextlib.asynccontextmanager
async def as_owner(url: str, *, transaction: bool) -> AsyncIterator[Any]:
    """A connection as the URL's own user, the schema's owner (not the app role), in one
    transaction when `transaction`."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from backend.db.urls import to_async_url

    engine = create_async_engine(to_async_url(url))
    try:
        async with engine.begin() if transaction else engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


def audit_verify(args: argparse.Namespace) -> int:
    from backend.audit.verify import verify

    async def run(url: str) -> int:
        # As the schema owner: verification reads the chain heads, which the app role cannot.
        async with as_owner(url, transaction=False) as conn:
            report = await verify(conn)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        verdict = "intact" if report.ok else "BROKEN"
        print(f"audit log {verdict}: {report.events:,} events in {report.chains} chains")
        return 0 if report.ok else 1

    return on_database(run)


def secrets_reseal(args: argparse.Namespace) -> int:
    from backend.db.queries.secrets import reseal_totp_secrets

    async def run(url: str) -> int:
        # As the schema owner, in one transaction: all are resealed or none.
        async with as_owner(url, transaction=True) as conn:
            count = await reseal_totp_secrets(conn)
        print(f"resealed {count} TOTP secrets with the current key")
        return 0

    return on_database(run)


def linkage_train(args: argparse.Namespace) -> int:
    from backend.linkage.fields import LEVELS, MISSING
    from backend.linkage.training import TrainingSettings, train

    async def run(url: str) -> int:
        settings = TrainingSettings(
            random_pairs=args.random_pairs, blocked_children=args.blocked_children
        )
        async with app_engine(url) as engine, engine.begin() as conn:
            model = await train(conn, settings)
        trained = f"{model.trained_at:%Y-%m-%d %H:%M}"
        print(f"linkage model {model.id} trained {trained} (m: {model.m_source})")
        for field, levels in LEVELS.items():
            for level in levels:
                if level == MISSING or level not in model.probabilities[field]:
                    continue
                p = model.probabilities[field][level]
                print(f"  {field:<9} {level:<18} m {p.m:.6f}  u {p.u:.6f}  weight {p.weight:+.2f}")
        return 0

    return on_database(run)


def _count(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _retention_report(counts: "RetentionCounts", rules: "RetentionRules", dry_run: bool) -> str:
    archive, purge = ("would archive", "would purge") if dry_run else ("archived", "purged")
    grace = _count(rules.grace_months, "month", "months")
    period = _count(rules.archive_years, "year", "years")
    return (
        f"{archive} {_count(counts.archived, 'child', 'children')} (18 + {grace})\n"
        f"{purge} {_count(counts.purged, 'archived child', 'archived children')}"
        f" (archived over {period} ago)"
    )


def retention_run(args: argparse.Namespace) -> int:
    from backend.audit.writer import Actor
    from backend.services.retention import RetentionRules, preview_retention, run_retention

    settings = get_settings()
    rules = RetentionRules(
        grace_months=settings.retention_grace_months,
        archive_years=settings.retention_archive_years,
        batch_size=settings.retention_batch_size,
    )
    actor = Actor(request_id="cli", client_address="cli")

    async def run(url: str) -> int:
        async with app_engine(url) as engine:
            if args.dry_run:
                counts = await preview_retention(engine, actor, rules, today=date.today())
            else:
                counts = await run_retention(
                    engine, actor, rules, today=date.today(), progress=_progress
                )
        print(_retention_report(counts, rules, args.dry_run))
        return 0

    return on_database(run)


def _field_precedences(pairs: list[str] | None) -> dict[str, int]:
    from backend.db.tables.vocabulary import FEED_FIELDS

    fields: dict[str, int] = {}
    for pair in pairs or []:
        name, _, rank = pair.partition("=")
        if name not in FEED_FIELDS or not rank.isdigit() or not 1 <= int(rank) <= 1000:
            raise SetupError(
                f"--field {pair!r}: expected FIELD=N with N from 1 to 1000 and FIELD one of"
                f" {', '.join(FEED_FIELDS)}"
            )
        fields[name] = int(rank)
    return fields


def sources_add(args: argparse.Namespace) -> int:
    import re

    from backend.db.driver import driver
    from backend.db.queries import feed_runs

    if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,31}", args.code):
        raise SetupError("--code must be 2 to 32 capital letters, digits or _, like NHS_PDS")
    if not 1 <= args.precedence <= 1000:
        raise SetupError("--precedence must be from 1 (wins over every other source) to 1000")
    fields = _field_precedences(args.field)

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.connect() as conn:
            pg = await driver(conn)
            if await feed_runs.source_exists(pg, args.code):
                raise SetupError(f"source {args.code} is already registered")
            await feed_runs.add_source(pg, args.code, args.name, args.precedence, fields)
        print(f"source {args.code} registered with precedence {args.precedence}")
        return 0

    return on_database(run)


def sources_list(args: argparse.Namespace) -> int:
    from backend.db.driver import driver
    from backend.db.queries import feed_runs

    async def run(url: str) -> int:
        async with app_engine(url) as engine, engine.connect() as conn:
            rows = await feed_runs.sources(await driver(conn))
        for code, name, precedence, fields in rows:
            own = ", ".join(f"{f} {n}" for f, n in sorted(fields.items()))
            print(f"{code:<20} {precedence:>4}  {name}" + (f"  ({own})" if own else ""))
        return 0

    return on_database(run)


class _ImportProgress:
    """A bar with rate and time left on a terminal; a plain line per batch otherwise."""

    def __init__(self, terminal: bool) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.terminal = terminal

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(self.clock() - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        figures = f"{done:,}/{total:,} records, {rate:,.0f}/s, about {left:,.0f} s left"
        if self.terminal:
            width = 30
            filled = int(width * done / total) if total else width
            end = "\n" if done >= total else ""
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            print(f"\rloading {bar} {figures}   ", end=end, file=sys.stderr, flush=True)
        else:
            print(f"loading: {figures}", file=sys.stderr, flush=True)


def import_feed(args: argparse.Namespace) -> int:
    from backend.services.imports import FileProblems, ImportRequest, import_file

    path = Path(args.file)
    if not path.is_file():
        raise SetupError(f"{args.file}: no such file")
    fmt = args.format or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    request = ImportRequest(
        source=args.source,
        path=path,
        fmt=fmt,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        rejects_path=Path(args.rejects) if args.rejects else None,
    )

    async def run(url: str) -> int:
        progress = _ImportProgress(sys.stderr.isatty())
        async with app_engine(url) as engine:
            try:
                summary = await import_file(engine, request, progress=progress)
            except FileProblems as refused:
                for problem in refused.problems:
                    print(problem, file=sys.stderr)
                raise
        if summary.resumed_from_line:
            print(f"resumed load {summary.run_id} after line {summary.resumed_from_line}")
        if summary.rejects_path is not None:
            print(f"rejected records and their reasons written to {summary.rejects_path}")
        prefix = "dry run, nothing written: " if args.dry_run else ""
        print(prefix + summary.line())
        return 0

    return on_database(run)
