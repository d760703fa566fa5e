"""Property: whatever valid query a practitioner elsewhere or a partner writes over Child —
any fields, aliases, inline or named fragments, nesting — no protected value of a shielded
child comes back. Hypothesis writes the queries; they run over real HTTP.
"""

from typing import Any

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.schema.build import schema
from tests.clients import partner, signed_in
from tests.world import SHIELDED_SECRETS, build_world

CHILD = schema._schema.type_map["Child"]  # type: ignore[attr-defined]
QUERIES_PER_CALLER = 60


def _unwrap(type_: Any) -> Any:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_


@st.composite
def selection(
    draw: st.DrawFn, type_: GraphQLObjectType, depth: int, fragments: dict[str, str]
) -> str:
    names = sorted(type_.fields)
    # Few fields and aliases per level, so queries stay within the API's limits and execute.
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True))
    parts = []
    for index, name in enumerate(chosen):
        target = get_named_type(_unwrap(type_.fields[name].type))
        alias = f"a{depth}{index}: " if draw(st.integers(0, 5)) == 0 else ""
        if isinstance(target, GraphQLObjectType):
            if depth >= 3:
                parts.append(f"{alias}{name} {{ __typename }}")
                continue
            inner = draw(selection(target, depth + 1, fragments))
            parts.append(f"{alias}{name} {{ {inner} }}")
        else:
            parts.append(f"{alias}{name}")
    body = " ".join(parts)
    wrap = draw(st.sampled_from(["plain", "inline", "named"]))
    if wrap == "inline":
        return f"... on {type_.name} {{ {body} }}"
    if wrap == "named":
        fragment = f"F{len(fragments)}"
        fragments[fragment] = f"fragment {fragment} on {type_.name} {{ {body} }}"
        return f"...{fragment}"
    return body


@st.composite
def child_query(draw: st.DrawFn) -> str:
    fragments: dict[str, str] = {}
    body = draw(selection(CHILD, 1, fragments))
    return "query($id: ID!) { child(id: $id) { " + body + " } } " + " ".join(fragments.values())


def _queries() -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=QUERIES_PER_CALLER,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(child_query())
    def collect(query: str) -> None:
        found.append(query)

    collect()
    return found


@pytest.mark.parametrize("caller", ["practitioner elsewhere", "partner"])
async def test_no_query_shape_reveals_a_shielded_childs_whereabouts(
    transport: httpx.ASGITransport, engine: AsyncEngine, caller: str
) -> None:
    world = await build_world(engine)
    person = world.people["other practitioner"]
    queries = _queries()
    if caller == "partner":
        session = partner(transport, world.partner_token)
    else:
        session = signed_in(transport, person.email, person.password, person.totp_secret)
    async with session as http:
        for query in queries:
            response = await http.post(
                "/graphql", json={"query": query, "variables": {"id": world.shielded_child}}
            )
            assert response.status_code == 200, query
            body = response.json()
            assert "errors" not in body, (query, body["errors"])
            for secret in SHIELDED_SECRETS:
                assert secret not in response.text, f"{secret!r} leaked by {query}"
