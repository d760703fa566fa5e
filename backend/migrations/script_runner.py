"""Running multi-statement SQL scripts (functions, triggers) inside a migration.

asyncpg prepares every statement, and a prepared statement holds one command; its
`execute()` without arguments uses the simple-query protocol, which takes a whole script.
"""

from alembic import op
from sqlalchemy.util import await_


def run_script(sql: str) -> None:
    driver_connection = op.get_bind().connection.driver_connection
    if driver_connection is None:
        raise RuntimeError("migrations need a live asyncpg connection")
    await_(driver_connection.execute(sql))
