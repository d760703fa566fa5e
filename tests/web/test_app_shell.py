"""The HTTP edge: the SPA, the GraphQL endpoint, the health check, security headers."""

import httpx

from backend.paths import FRONTEND_DIST


async def test_root_serves_the_app_shell(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert "ContactPoint" in response.text
    assert (FRONTEND_DIST / "index.html").read_text() == response.text


async def test_client_route_falls_back_to_the_app_shell(client: httpx.AsyncClient) -> None:
    response = await client.get("/children/123456789012")
    assert response.status_code == 200
    assert response.text == (FRONTEND_DIST / "index.html").read_text()


async def test_missing_asset_is_404_not_the_app_shell(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/no-such-file.js")
    assert response.status_code == 404


async def test_every_response_carries_a_strict_content_security_policy(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_graphql_endpoint_answers(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["cache-control"] == "no-store"


async def test_health_check_reaches_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_child_is_not_served_without_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": '{ child(id: "000000123459") { familyName } }'}
    )
    body = response.json()
    assert body["data"] == {"child": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_malformed_query_is_a_validation_error_not_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ child(id: ) }"})
    assert response.status_code in (200, 400)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
