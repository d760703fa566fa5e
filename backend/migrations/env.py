"""Alembic environment. `backend.db.migrate` hands us a live connection; nothing else runs us."""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import backend.db.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from backend.migrations.env_support import comparison_context_options

target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        **comparison_context_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `contactpoint db upgrade`, not the alembic CLI")
run(connection)
