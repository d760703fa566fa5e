"""The migration history builds the schema the models describe, and the database's
vocabularies are the ones the code knows."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db import migrate
from backend.db.tables.columns import one_of
from backend.db.tables.vocabulary import SERVICE_TYPES
from tests import factories


async def test_models_and_migrations_agree(database_url: str) -> None:
    assert await migrate.autogenerate_differences(database_url) == []


async def test_database_is_at_the_newest_revision(database_url: str) -> None:
    assert await migrate.pending_revisions(database_url) == []


async def test_upgrading_twice_is_harmless(database_url: str) -> None:
    await migrate.upgrade(database_url)
    assert await migrate.pending_revisions(database_url) == []


async def test_search_extensions_are_installed(owner_engine: AsyncEngine) -> None:
    async with owner_engine.connect() as conn:
        names = set((await conn.execute(text("SELECT extname FROM pg_extension"))).scalars())
    assert {"pg_trgm", "fuzzystrmatch", "unaccent"} <= names


async def test_service_type_vocabulary_is_seeded(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT code, label, sensitive FROM service_type"))).all()
    assert sorted(tuple(row) for row in rows) == sorted(SERVICE_TYPES)


async def test_check_constraints_match_the_code_vocabularies(owner_engine: AsyncEngine) -> None:
    from sqlmodel import SQLModel

    import backend.db.tables  # noqa: F401

    declared = {
        constraint.name: str(constraint.sqltext)
        for table in SQLModel.metadata.tables.values()
        for constraint in table.constraints
        if constraint.name and str(getattr(constraint, "sqltext", "")).find(" IN (") > 0
    }
    async with owner_engine.connect() as conn:
        rows = dict(
            (
                await conn.execute(
                    text(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                        " WHERE contype = 'c'"
                    )
                )
            ).all()
        )
    assert declared, "expected vocabulary constraints"
    for name, sql in declared.items():
        values = sql.split(" IN (", 1)[1].rstrip(")").replace("'", "").split(", ")
        for value in values:
            assert f"'{value}'" in rows[name], f"{name} lacks {value} in the database"
    assert one_of("x", ("A",)) == "x IN ('A')"


async def test_the_sealing_migration_seals_every_secret_stored_in_clear(
    database_url: str, engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    from alembic import command

    from backend.auth.sealed import unseal

    async with engine.begin() as conn:
        organisation = await factories.authority(conn)
    clear = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    await migrate.run_alembic(database_url, lambda config: command.downgrade(config, "0012"))
    try:
        async with owner_engine.begin() as conn:
            user_id = await conn.scalar(
                text(
                    "INSERT INTO user_account (id, organisation_id, email, name, status,"
                    " totp_secret) VALUES (gen_random_uuid(), :org, 'a@b.example', 'A B',"
                    " 'ACTIVE', :secret) RETURNING id"
                ),
                {"org": organisation, "secret": clear},
            )
    finally:
        await migrate.upgrade(database_url)
    async with owner_engine.connect() as conn:
        stored = await conn.scalar(text("SELECT totp_secret FROM user_account"))
    assert stored != clear
    assert unseal(stored, user_id) == clear
