"""The Starlette application: GraphQL at /graphql, the SPA at /, a health check."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute

from backend.audit.daily_counts import keep_counting
from backend.db import embedded, migrate
from backend.db.engine import create_engine
from backend.db.listener import NotificationListener
from backend.db.replicas import ReplicaSet
from backend.paths import FRONTEND_DIST
from backend.schema import compiled
from backend.schema.build import schema
from backend.settings import Settings, get_settings
from backend.web.graphql import graphql_app
from backend.web.graphql_requests import GraphQLRequests
from backend.web.headers import SecurityHeaders
from backend.web.spa import SinglePageApp

log = logging.getLogger("contactpoint")


async def health(request: Request) -> JSONResponse:
    async with request.state.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok"})


def create_app(
    *, database_url: str | None = None, settings: Settings | None = None, upgrade: bool = False
) -> Starlette:
    """The app. Without a database URL (here or in DATABASE_URL) it runs an embedded server."""
    settings = settings or get_settings()
    compiled.ENABLED = settings.compiled_documents

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        server = None
        url = database_url or settings.database_url
        if url is None:
            server = embedded.start(settings.data_dir)
            url = server.url()
        try:
            if upgrade:
                await migrate.upgrade(url)
            engine = create_engine(url, pool_size=settings.db_pool_size)
            listener = NotificationListener(url)
            counting = asyncio.create_task(keep_counting(engine, settings.audit_roll_seconds))
            replicas = None
            if settings.database_replica_urls:
                replicas = ReplicaSet(
                    settings.database_replica_urls,
                    max_lag=settings.replica_max_lag_seconds,
                    check_seconds=settings.replica_check_seconds,
                    pool_size=settings.db_pool_size,
                )
                replicas.start(engine)
            state = {"engine": engine, "settings": settings, "listener": listener}
            try:
                yield state | {"replicas": replicas}
            finally:
                counting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await counting
                if replicas is not None:
                    await replicas.close()
                await listener.close()
                await engine.dispose()
        finally:
            # uvicorn re-raises SIGTERM after shutdown, so atexit never runs: stop it here.
            if server is not None:
                server.stop()

    gql = graphql_app(schema)
    return Starlette(
        routes=[
            # Every method reaches GraphQLRequests, which answers anything but a POST.
            Route(
                "/graphql",
                GraphQLRequests(
                    gql,
                    limit=settings.request_body_limit,
                    # The engine's pool holds 2 x db_pool_size connections (overflow
                    # included); two stay free for the background counting and health.
                    in_flight=settings.db_pool_size - 1,
                    compiled=gql.answer_compiled,
                ),
                methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            ),
            WebSocketRoute("/graphql", gql),
            Route("/healthz", health),
            Mount("/", SinglePageApp(FRONTEND_DIST)),
        ],
        middleware=[Middleware(SecurityHeaders, production=settings.is_production)],
        lifespan=lifespan,
    )
