"""Signed-in HTTP clients for tests: each person or partner gets their own cookie jar."""

import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pyotp

SIGN_IN = """mutation($email: String!, $password: String!, $code: String!) {
  signIn(email: $email, password: $password, totpCode: $code) { me { email } }
}"""


@asynccontextmanager
async def signed_in(
    transport: httpx.ASGITransport, email: str, password: str, totp_secret: str
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(
            "/graphql",
            json={
                "query": SIGN_IN,
                "variables": {
                    "email": email,
                    "password": password,
                    "code": pyotp.TOTP(totp_secret).at(int(time.time())),
                },
            },
        )
        body = response.json()
        if "errors" in body:
            raise AssertionError(f"sign-in failed: {body['errors']}")
        yield http


@asynccontextmanager
async def partner(transport: httpx.ASGITransport, token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"authorization": f"Bearer {token}"},
    ) as http:
        yield http


async def graphql(http: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class People:
    """Signed-in clients for the people of a test world, each signed in once per test (a
    second sign-in within the same 30-second TOTP step would be refused as a replay)."""

    def __init__(self, transport: httpx.ASGITransport, people: dict[str, Any]) -> None:
        self._transport = transport
        self._people = people
        self._stack = contextlib.AsyncExitStack()
        self._clients: dict[str, httpx.AsyncClient] = {}

    async def client(self, who: str) -> httpx.AsyncClient:
        if who not in self._clients:
            person = self._people[who]
            self._clients[who] = await self._stack.enter_async_context(
                signed_in(self._transport, person.email, person.password, person.totp_secret)
            )
        return self._clients[who]

    async def ask(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await graphql(await self.client(who), query, **variables)

    async def aclose(self) -> None:
        await self._stack.aclose()


def error_of(body: dict[str, Any]) -> tuple[str, str | None]:
    """The first error's code and the field it names."""
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field")
