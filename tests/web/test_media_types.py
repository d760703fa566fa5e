"""Which response type a caller asked for (GraphQL over HTTP content negotiation)."""

import pytest

from backend.web.media_types import wants_graphql_response


@pytest.mark.parametrize(
    ("accept", "graphql_response"),
    [
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/graphql-response+json", True),
        ("application/graphql-response+json, application/json", True),
        ("application/json, application/graphql-response+json", False),
        ("application/json;q=0.5, application/graphql-response+json", True),
        ("application/graphql-response+json;q=0.1, */*", False),
        ("text/html", False),
    ],
)
def test_the_preferred_type_is_chosen(accept: str, graphql_response: bool) -> None:
    assert wants_graphql_response(accept) is graphql_response
