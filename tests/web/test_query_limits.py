"""How much one request may ask for: each limit answers with one clear error, before
the document costs any validation, and no document gets more than a few errors back."""

import httpx

from backend.schema.build import MAX_ALIASES, MAX_TOKENS
from backend.schema.limits import MAX_DIRECTIVES, MAX_ERRORS, MAX_REPEATS


async def _errors(client: httpx.AsyncClient, query: str) -> list[dict]:  # type: ignore[type-arg]
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    body = response.json()
    assert body.get("data") is None
    return list(body["errors"])


async def test_a_field_repeated_hundreds_of_times_gets_one_error(
    client: httpx.AsyncClient,
) -> None:
    errors = await _errors(client, "{ " + "__typename " * 500 + "}")
    assert len(errors) == 1
    assert f"more than {MAX_REPEATS} times" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_field_asked_for_a_few_times_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_too_many_directives_get_one_error(client: httpx.AsyncClient) -> None:
    query = "{ __typename " + "@unknown " * 50 + "}"
    errors = await _errors(client, query)
    assert len(errors) == 1
    assert f"at most {MAX_DIRECTIVES} directives" in errors[0]["message"]


async def test_many_mistakes_get_the_first_few_errors_and_a_count(
    client: httpx.AsyncClient,
) -> None:
    query = "{ " + " ".join(f"unknown{n}" for n in range(40)) + " }"
    errors = await _errors(client, query)
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1]["message"] == f"and {40 - MAX_ERRORS} more errors like these"


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{n}: __typename" for n in range(MAX_ALIASES + 1)) + " }"
    errors = await _errors(client, query)
    assert any("aliases" in error["message"] for error in errors)


async def test_too_many_tokens_are_refused(client: httpx.AsyncClient) -> None:
    variables = ", ".join(f"$v{n}: Int" for n in range(MAX_TOKENS // 4))
    errors = await _errors(client, f"query({variables}) {{ __typename }}")
    assert any("token" in error["message"].lower() for error in errors)
