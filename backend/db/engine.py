"""The one async engine of a process.

Every connection runs as `contactpoint_app`, a role that may only INSERT and SELECT on
the audit log, whatever user the URL names: the database, not the code, keeps the log
append-only.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from backend.db.urls import to_async_url

APP_ROLE = "contactpoint_app"


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    as_app_role: bool = True,
    connect_timeout: float = 10.0,
) -> AsyncEngine:
    server_settings = {
        "application_name": "contactpoint",
        "timezone": "UTC",
        # A process killed mid-statement (an import stopped with kill -9, a crashed
        # worker) would leave its backend running the statement to the end, holding its
        # locks and the import lock; checked every 2 s, the backend ends with it.
        "client_connection_check_interval": "2s",
    }
    if as_app_role:
        server_settings["role"] = APP_ROLE
    engine = create_async_engine(
        to_async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        # asyncpg waits 60 s for a server that does not answer (a dropped route, a host
        # that is down): a request would hang that long instead of saying "try again".
        connect_args={"server_settings": server_settings, "timeout": connect_timeout},
    )
    event.listen(engine.sync_engine.pool, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection whose server session ended while it waited (a terminated
    backend, a restart) is closed by the time it is handed out: the pool then replaces it.
    Without this, each such connection failed one request; a ping per checkout would
    cost a round trip on every request instead."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the pooled connection was closed by the server")
