"""What the GraphQL endpoint accepts over HTTP: JSON POSTs of a sane size, and a GraphQL
error (never a 500) for anything else."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.clients import signed_in
from tests.world import World


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_a_query_over_get_is_refused_so_child_data_never_sits_in_a_url(
    transport: httpx.ASGITransport, world: World
) -> None:
    person = world.people["practitioner"]
    async with signed_in(transport, person.email, person.password, person.totp_secret) as http:
        query = "query($id: ID!) { child(id: $id) { familyName } }"
        response = await http.get(
            "/graphql", params={"query": query, "variables": f'{{"id": "{world.open_child}"}}'}
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert _code(response) == "BAD_USER_INPUT"
    assert "Openshaw" not in response.text


@pytest.mark.parametrize(
    ("what", "body"),
    [
        ("invalid UTF-8", b'{"query": "{ __typename }", "x": "\xff\xfe"}'),
        ("a 5,000-digit number", b'{"query": "{ __typename }", "x": ' + b"9" * 5000 + b"}"),
        ("arrays nested 50,000 deep", b'{"query": "{ __typename }", "x": ' + b"[" * 50_000),
        ("not JSON at all", b"query { __typename }"),
    ],
)
async def test_a_malformed_body_gets_400_with_a_graphql_error(
    client: httpx.AsyncClient, what: str, body: bytes
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, what
    assert _code(response) == "BAD_USER_INPUT"


async def test_a_body_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    padding = "x" * 70_000
    response = await client.post(
        "/graphql", json={"query": "{ __typename }", "variables": {"padding": padding}}
    )
    assert response.status_code == 413
    assert "65,536 bytes" in response.json()["errors"][0]["message"]


async def test_a_body_over_the_limit_without_a_length_gets_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 4096  # whitespace: JSON, but far too much of it
        yield b'{"query": "{ __typename }"}'

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_a_body_within_the_limit_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }", "variables": {"padding": "x" * 60_000}}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
