"""Turning a user-supplied PostgreSQL URL into the asyncpg form SQLAlchemy wants."""

from sqlalchemy.engine import URL, make_url

from backend.errors import SetupError


def to_async_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception as error:
        raise SetupError(f"DATABASE_URL is not a valid URL: {error}") from error
    if parsed.get_backend_name() != "postgresql":
        raise SetupError("DATABASE_URL must be a postgresql:// URL")
    return parsed.set(drivername="postgresql+asyncpg")


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)
