"""The browser suite: the real CLI loads demo data into a fresh database and serves it;
Debian's Chromium (no browser download) drives the bundled app through Playwright.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.db import embedded
from backend.db.urls import render, to_async_url
from backend.paths import PROJECT_ROOT
from e2e.helpers import sign_in_with_form

CONTACTPOINT = str(Path(sys.executable).with_name("contactpoint"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def e2e_database() -> Iterator[str]:
    name = f"cp_e2e_{secrets.token_hex(3)}"
    external = os.environ.get("TEST_DATABASE_URL")
    server = None
    if external:
        import asyncpg  # noqa: F401  (only to fail early if the driver is missing)

        admin = render(to_async_url(external).set(drivername="postgresql", database="postgres"))
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
        url = render(to_async_url(external).set(database=name))
    else:
        server = embedded.start(PROJECT_ROOT / ".pgdata-test")
        server.create_database(name)
        url = server.url(name)
    yield url
    if server is not None:
        server.drop_database(name)
        server.stop()
    else:
        # The server was stopped by live_server's teardown; nothing else holds the database.
        subprocess.run(
            ["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False
        )


@pytest.fixture(scope="session")
def demo_credentials(e2e_database: str, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    path = tmp_path_factory.mktemp("demo") / "credentials.json"
    subprocess.run(
        [CONTACTPOINT, "demo-data", "--children", "300", "--seed", "7", "--credentials", str(path)],
        env={**os.environ, "DATABASE_URL": e2e_database},
        check=True,
        capture_output=True,
    )
    credentials: list[Any] = json.loads(path.read_text())
    return credentials


@pytest.fixture(scope="session")
def live_server(
    e2e_database: str, demo_credentials: list[Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [CONTACTPOINT, "serve", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": e2e_database},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        process.kill()
        log.close()
        raise RuntimeError(f"contactpoint serve did not start: {log_path.read_text()}")
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


# --- signed-in people: each signs in once; their browser state is then reused ------------


@pytest.fixture(scope="session")
def credential(demo_credentials: list[dict[str, str]]) -> Any:
    """The demo sign-in whose email starts with `name@` (e.g. "practitioner.leeds")."""

    def find(name: str) -> dict[str, str]:
        return next(c for c in demo_credentials if c["email"].startswith(f"{name}@"))

    return find


@pytest.fixture(scope="session")
def signed_in_state(
    browser: Any, base_url: str, credential: Any, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """Path of a saved browser state in which `name` is signed in (signed in once)."""
    folder = tmp_path_factory.mktemp("states")
    saved: dict[str, str] = {}

    def state(name: str) -> str:
        if name not in saved:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            sign_in_with_form(page, credential(name))
            path = str(folder / f"{name}.json")
            context.storage_state(path=path)
            context.close()
            saved[name] = path
        return saved[name]

    return state


@pytest.fixture
def page_as(browser: Any, base_url: str, signed_in_state: Any) -> Iterator[Any]:
    """A new page in which `name` is signed in: page_as("manager.leeds")."""
    contexts: list[Any] = []

    def open_page(name: str) -> Any:
        context = browser.new_context(base_url=base_url, storage_state=signed_in_state(name))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
