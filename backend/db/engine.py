"""The one async engine of a process.

Every connection runs as `contactpoint_app`, a role that may only INSERT and SELECT on
the audit log, whatever user the URL names: the database, not the code, keeps the log
append-only.
"""

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from backend.db.urls import to_async_url

APP_ROLE = "contactpoint_app"


def create_engine(url: str, *, pool_size: int = 10, as_app_role: bool = True) -> AsyncEngine:
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
    return create_async_engine(
        to_async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        connect_args={"server_settings": server_settings},
    )
