"""Server processes hold nothing of their own (SPEC 11): two `contactpoint serve`
processes on one database are one service to the people using them. A session, the search
rate limit, the replay of a security code, an account's lockout and a live notification
each cross from one process to the other; `--workers N` runs N processes on one port.
"""

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pyotp
import pytest
from httpx_ws import aconnect_ws
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.services.sign_in import MAX_FAILURES
from tests.clients import SIGN_IN
from tests.web.test_involvements import RECORD
from tests.web.test_notifications import SUBSCRIBE
from tests.world import Person, World

CONTACTPOINT = str(Path(".venv/bin/contactpoint").resolve())
SEARCH_RATE = 3
SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) { matches { score } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    log_file: BinaryIO


def _start(database_url: str, log: Path, *extra: str) -> Server:
    port = _free_port()
    log_file = log.open("wb")
    process = subprocess.Popen(
        [CONTACTPOINT, "serve", "--port", str(port), *extra],
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "CONTACTPOINT_SEARCH_RATE_PER_MINUTE": str(SEARCH_RATE),
        },
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    return Server(f"http://127.0.0.1:{port}", process, log, log_file)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    _stop(server)
    raise RuntimeError(f"contactpoint serve did not start: {server.log.read_text()}")


def _stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=20)
    server.log_file.close()


@pytest.fixture(scope="module")
def servers(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two single-process servers, started side by side."""
    logs = tmp_path_factory.mktemp("servers")
    started = [_start(database_url, logs / f"{n}.log", "--workers", "1") for n in (1, 2)]
    try:
        for server in started:
            _wait_until_up(server)
        yield [server.url for server in started]
    finally:
        for server in started:
            _stop(server)


async def _sign_in(http: httpx.AsyncClient, person: Person, code: str | None = None) -> Any:
    body = (
        await http.post(
            "/graphql",
            json={
                "query": SIGN_IN,
                "variables": {
                    "email": person.email,
                    "password": person.password,
                    "code": code or pyotp.TOTP(person.totp_secret).now(),
                },
            },
        )
    ).json()
    return body


async def _ask(http: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    return response.json()


@asynccontextmanager
async def _on(url: str, cookies: httpx.Cookies | None = None) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=20) as http:
        yield http


@asynccontextmanager
async def _signed_in(url: str, person: Person) -> AsyncIterator[httpx.AsyncClient]:
    async with _on(url) as http:
        body = await _sign_in(http, person)
        assert "errors" not in body, body
        yield http


def _code(body: Any) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_a_session_begun_on_one_process_is_honoured_and_ended_on_another(
    servers: list[str], world: World
) -> None:
    one, two = servers
    async with _signed_in(one, world.people["practitioner"]) as first:
        async with _on(two, first.cookies) as second:
            me = await _ask(second, "{ me { email } }")
            assert me["data"]["me"]["email"] == world.people["practitioner"].email
            await _ask(second, "mutation { signOut }")
        refused = await _ask(first, "{ me { email } }")
    assert refused["data"]["me"] is None


async def test_a_security_code_used_on_one_process_is_refused_on_the_other(
    servers: list[str], world: World
) -> None:
    one, two = servers
    person = world.people["practitioner"]
    code = pyotp.TOTP(person.totp_secret).now()
    async with _on(one) as first, _on(two) as second:
        assert "errors" not in await _sign_in(first, person, code)
        replayed = await _sign_in(second, person, code)
    assert _code(replayed) == "UNAUTHENTICATED"


async def test_failed_sign_ins_on_both_processes_lock_the_account(
    servers: list[str], world: World, owner_engine: AsyncEngine
) -> None:
    person = world.people["practitioner"]
    wrong = Person(email=person.email, totp_secret=person.totp_secret, password="not the one")
    for attempt in range(MAX_FAILURES):
        async with _on(servers[attempt % 2]) as http:
            assert _code(await _sign_in(http, wrong)) == "UNAUTHENTICATED"
    async with _on(servers[1]) as http:
        refused = await _sign_in(http, person)
    assert _code(refused) == "UNAUTHENTICATED"
    async with owner_engine.connect() as conn:
        outcomes = (
            await conn.execute(
                text(
                    "SELECT outcome FROM audit_event WHERE action = 'SIGN_IN' ORDER BY occurred_at"
                )
            )
        ).scalars()
        assert list(outcomes) == ["FAILED"] * (MAX_FAILURES - 1) + ["LOCKED", "LOCKED"]


async def test_the_search_rate_limit_counts_searches_on_both_processes(
    servers: list[str], world: World
) -> None:
    one, two = servers
    criteria = {"familyName": "Openshaw", "givenName": "Alex"}
    async with (
        _signed_in(one, world.people["practitioner"]) as first,
        _on(two, first.cookies) as second,
    ):
        for n in range(SEARCH_RATE):
            body = await _ask(first if n % 2 == 0 else second, SEARCH, c=criteria)
            assert "errors" not in body, body
        limited = await _ask(second, SEARCH, c=criteria)
        also_limited = await _ask(first, SEARCH, c=criteria)
    assert _code(limited) == _code(also_limited) == "RATE_LIMITED"


async def test_a_notification_made_on_one_process_is_delivered_live_on_the_other(
    servers: list[str], world: World
) -> None:
    one, two = servers
    async with (
        _signed_in(one, world.people["practitioner"]) as practitioner,
        _signed_in(one, world.people["other practitioner"]) as other,
    ):
        involved = await _ask(
            practitioner, RECORD, child=world.open_child, input={"serviceType": "SOCIAL_CARE"}
        )
        assert "errors" not in involved, involved
        async with (
            _on(two, practitioner.cookies) as ws_http,
            aconnect_ws("/graphql", ws_http, subprotocols=["graphql-transport-ws"]) as ws,
        ):
            await ws.send_json({"type": "connection_init"})
            assert (await ws.receive_json())["type"] == "connection_ack"
            await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            # Long enough for the other process to LISTEN; far shorter than the 15 s timer
            # by which a subscriber looks anyway, so arriving sooner proves the announcement.
            await asyncio.sleep(1.0)
            recorded = await _ask(
                other, RECORD, child=world.open_child, input={"serviceType": "YOUTH_SUPPORT"}
            )
            assert "errors" not in recorded, recorded
            message = await asyncio.wait_for(ws.receive_json(), timeout=8)
    assert message["type"] == "next"
    told = message["payload"]["data"]["notificationReceived"]
    assert told["childId"] == world.open_child
    assert told["organisationName"] == "Manchester City Council"


def _workers_of(pid: int) -> list[int]:
    """uvicorn's spawned workers among the process's children (not the resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                spawned = "spawn_main" in (entry / "cmdline").read_text()
            except OSError:
                continue
            if parent == pid and spawned:
                found.append(int(entry.name))
    return found


async def test_workers_share_one_port_and_serve_one_session(
    database_url: str, tmp_path: Path, world: World
) -> None:
    server = _start(database_url, tmp_path / "serve.log", "--workers", "2")
    try:
        await asyncio.to_thread(_wait_until_up, server)
        assert len(await asyncio.to_thread(_workers_of, server.process.pid)) == 2
        async with _signed_in(server.url, world.people["practitioner"]) as http:
            answers = await asyncio.gather(*(_ask(http, "{ me { email } }") for _ in range(20)))
        assert {a["data"]["me"]["email"] for a in answers} == {world.people["practitioner"].email}
    finally:
        _stop(server)
    assert server.process.returncode == 0
