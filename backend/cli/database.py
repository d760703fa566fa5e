"""Which database a command works on: DATABASE_URL, or the embedded server."""

import contextlib
from collections.abc import AsyncIterator, Iterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db import embedded
from backend.db.engine import create_engine
from backend.db.urls import render, to_async_url
from backend.errors import SetupError
from backend.settings import Settings


@contextlib.contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    if settings.database_url:
        to_async_url(settings.database_url)  # refuses a non-PostgreSQL URL with a clear line
        yield settings.database_url
        return
    with embedded.running(settings.data_dir) as server:
        yield server.url()


def describe(url: str) -> str:
    parsed = to_async_url(url)
    where = parsed.host or parsed.query.get("host") or "local socket"
    return f"{where}:{parsed.port or 5432}/{parsed.database}"


@contextlib.asynccontextmanager
async def app_engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url, pool_size=2)
    try:
        yield engine
    finally:
        await engine.dispose()


async def check_reachable(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(render(to_async_url(url)), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise SetupError(
            f"cannot reach the database at {describe(url)} ({reason}): "
            "check DATABASE_URL and that the server is running"
        ) from None
    finally:
        await engine.dispose()
