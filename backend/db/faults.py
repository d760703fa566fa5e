"""Telling a lost database connection from a bug, so that a request cut off by a restart,
a failover or a terminated backend gets a clear "try again" instead of an internal error.
"""

import socket

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# What asyncpg raises when the server ended the session (pg_terminate_backend, a restart:
# AdminShutdown, CrashShutdown) or the socket is gone.
_LOST = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.PostgresConnectionError,
    # A connection handed out in the instant between the server ending its session and
    # asyncpg reading that it has: its protocol is mid-way through the goodbye.
    asyncpg.exceptions.InternalClientError,
    # The socket itself: refused or reset, a connect timed out, a host name that does not
    # resolve, or a Unix socket whose file is gone while the server restarts. Not every
    # OSError: a certificate refused or no file descriptors left is a fault to fix, not
    # a moment to wait.
    ConnectionError,
    FileNotFoundError,
    TimeoutError,
    socket.gaierror,
    # No pooled connection came free in time: the database is as unreachable to this
    # request as if it were down, and the answer is the same "try again".
    PoolTimeout,
)


def connection_lost(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the database connection is gone."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, _LOST):
            return True
        if isinstance(error, asyncpg.exceptions.InterfaceError) and "closed" in str(error):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
