"""Runtime settings, read from the environment (and `.env`) once per process."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from backend.paths import PROJECT_ROOT

DEVELOPMENT_SECRET = "development-only-secret-key-not-for-production"  # noqa: S105


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CONTACTPOINT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # Read replicas (comma-separated URLs): record reads and search candidates go to one
    # that is fresh enough for the caller (backend/db/replicas.py); everything else, every
    # audit event included, to DATABASE_URL's primary.
    database_replica_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="DATABASE_REPLICA_URL"
    )
    # A replica further behind the primary than this is not read from until it catches up.
    replica_max_lag_seconds: float = Field(default=2.0, gt=0, le=300)
    # How often each process measures its replicas' lag.
    replica_check_seconds: float = Field(default=0.5, gt=0, le=60)
    secret_key: str = DEVELOPMENT_SECRET
    # Keys used before the current one: they still open TOTP secrets sealed with them
    # until `contactpoint secrets reseal` has run (backend/auth/sealed.py).
    previous_secret_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    environment: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = PROJECT_ROOT / ".pgdata"
    # Connections per process (as many again may overflow); at least 2, see GraphQLRequests.
    db_pool_size: int = Field(default=10, ge=2)
    # Bytes a GraphQL request body may hold (413 past it). The app's largest request, a
    # new involvement with its notes, is a few KiB; 64 KiB leaves room for partners.
    request_body_limit: int = Field(default=65_536, ge=1024)
    # Searches a person (or partner system) may make per minute: anti-fishing (SPEC 4).
    search_rate_per_minute: int = Field(default=60, ge=1)
    # How often the server counts new audit events into the reports' daily counts (a
    # report counts the rest itself, so this only bounds the work it may find waiting).
    audit_roll_seconds: float = Field(default=60.0, gt=0)
    # Failed sign-ins from one address in 10 minutes before it must wait (on top of the
    # per-account lockout, which an attacker spraying many accounts never triggers).
    sign_in_failures_per_address: int = Field(default=30, ge=1)
    # Retention (SPEC 8). A child is archived on their 18th birthday plus this many months
    # (0: on the birthday itself, keeping no one's record past 18 by default). At most 84
    # months: leaving-care duties, the longest reason to keep one, end at 25.
    retention_grace_months: int = Field(default=0, ge=0, le=84)
    # Record views of the app's shape answered from a compiled plan instead of graphql-core's
    # executor (backend/schema/compiled.py); false sends every document the general way.
    compiled_documents: bool = True
    # Minutes an emergency ("break-glass") grant keeps a shielded record open: at most 4
    # hours (backend/policy/emergency.py).
    emergency_access_minutes: int = Field(default=60, ge=1, le=240)
    # Years an archived record is kept before it is purged.
    retention_archive_years: int = Field(default=6, ge=1)
    # Rows per transaction: small enough that a national run never holds a long one.
    retention_batch_size: int = Field(default=10_000, ge=1)

    @field_validator("database_url")
    @classmethod
    def _postgresql_only(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        _check_postgresql("DATABASE_URL", value)
        return value

    @field_validator("database_replica_urls")
    @classmethod
    def _replicas_postgresql_only(cls, value: list[str]) -> list[str]:
        for url in value:
            _check_postgresql("DATABASE_REPLICA_URL", url)
        return value

    @field_validator("previous_secret_keys", "database_replica_urls", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < 32:
            raise ValueError("CONTACTPOINT_SECRET_KEY must be at least 32 characters")
        return value

    @model_validator(mode="after")
    def _checks_within_lag(self) -> "Settings":
        if self.replica_check_seconds >= self.replica_max_lag_seconds:
            raise ValueError(
                "CONTACTPOINT_REPLICA_CHECK_SECONDS must be less than "
                "CONTACTPOINT_REPLICA_MAX_LAG_SECONDS, or no replica is ever fresh enough"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def _check_postgresql(name: str, value: str) -> None:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in {"postgresql", "postgres", "postgresql+asyncpg"}:
        raise ValueError(
            f"{name} must be a PostgreSQL URL such as postgresql://user@127.0.0.1:5432/contactpoint"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    if settings.is_production and settings.secret_key == DEVELOPMENT_SECRET:
        raise ValueError("CONTACTPOINT_SECRET_KEY must be set in production")
    return settings
