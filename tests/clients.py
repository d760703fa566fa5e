"""Signed-in HTTP clients for tests: each person or partner gets their own cookie jar."""

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
