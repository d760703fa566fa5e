"""Differential property: a record view answered from its compiled plan
(backend/schema/compiled.py) is byte for byte the general executor's answer, with the same
audit event, for every caller, child, shielding state and document Hypothesis writes."""

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, get_named_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.paths import PROJECT_ROOT
from backend.schema import compiled
from backend.schema.build import schema
from backend.services.users import create_user
from tests.clients import partner, signed_in
from tests.web.test_protection_properties import _unwrap
from tests.world import PASSWORD, World, build_world

CHILD = schema._schema.type_map["Child"]  # type: ignore[attr-defined]
DOCUMENTS = 30
APP_RECORD = re.search(
    r"const RECORD = graphql\(`(.*?)`\)",
    (PROJECT_ROOT / "frontend" / "src" / "views" / "child.ts").read_text(),
    re.S,
)


@st.composite
def _selection(draw: st.DrawFn, type_: GraphQLObjectType, depth: int) -> str:
    names = sorted(type_.fields)
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=8, unique=True))
    parts = []
    for index, name in enumerate(chosen):
        target = get_named_type(_unwrap(type_.fields[name].type))
        alias = f"k{depth}{index}: " if draw(st.integers(0, 4)) == 0 else ""
        if isinstance(target, GraphQLObjectType):
            inner = "__typename" if depth >= 3 else draw(_selection(target, depth + 1))
            parts.append(f"{alias}{name} {{ {inner} }}")
        else:
            parts.append(f"{alias}{name}")
    return " ".join(parts)


@st.composite
def _document(draw: st.DrawFn) -> str:
    body = draw(_selection(CHILD, 1))
    key = "record: " if draw(st.booleans()) else ""
    return "query($id: ID!) { " + key + "child(id: $id) { " + body + " } }"


def _documents() -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=DOCUMENTS,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_document())
    def collect(document: str) -> None:
        found.append(document)

    collect()
    assert APP_RECORD is not None
    return [APP_RECORD.group(1), *found]


@contextmanager
def _general_executor() -> Iterator[None]:
    compiled.ENABLED = False
    try:
        yield
    finally:
        compiled.ENABLED = True


async def _last_event(engine: AsyncEngine) -> tuple[Any, ...]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT action, outcome, subject_child_id, actor_user_id, actor_client_id,"
                    " detail FROM audit_event ORDER BY id DESC LIMIT 1"
                )
            )
        ).one()
    return tuple(row)


async def _duty_worker_with_a_grant(engine: AsyncEngine, world: World) -> tuple[str, str]:
    async with engine.begin() as conn:
        user = await create_user(
            conn,
            Actor(request_id="test-compiled"),
            email="duty@test.example",
            name="Duty Worker",
            organisation_code="E08000035",
            roles=["PRACTITIONER", "EMERGENCY_DUTY"],
            password=PASSWORD,
            trained_on=date(2026, 1, 5),
            vetted_until=date(2030, 1, 1),
        )
        await conn.execute(
            text(
                "INSERT INTO emergency_access"
                " (id, child_id, user_id, authority_id, purpose, reason, expires_at)"
                " SELECT gen_random_uuid(), c.id, :u, c.responsible_authority_id,"
                "        'POLICE_REQUEST', 'Police at the door, child may be in danger',"
                "        now() + interval '1 hour'"
                "   FROM child c WHERE c.contact_point_id = :child"
            ),
            {"u": user.id, "child": world.shielded_child},
        )
    return user.email, user.totp_secret


def _callers(
    transport: httpx.ASGITransport, world: World, duty: tuple[str, str]
) -> dict[str, AbstractAsyncContextManager[httpx.AsyncClient]]:
    people = {
        who: signed_in(transport, person.email, person.password, person.totp_secret)
        for who, person in world.people.items()
    }
    return {
        **people,
        "duty worker holding a grant": signed_in(transport, duty[0], PASSWORD, duty[1]),
        "partner": partner(transport, world.partner_token),
        "narrow partner": partner(transport, world.narrow_partner_token),
    }


@pytest.fixture
async def anonymous(transport: httpx.ASGITransport) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_every_compiled_record_view_is_the_general_executors(
    transport: httpx.ASGITransport,
    engine: AsyncEngine,
    anonymous: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answered: list[str] = []
    run = compiled.Plan.run

    async def counted(plan: compiled.Plan, *args: Any) -> Any:
        answer = await run(plan, *args)
        answered.append("compiled" if answer is not None else "general")
        return answer

    monkeypatch.setattr(compiled.Plan, "run", counted)
    world = await build_world(engine)
    duty = await _duty_worker_with_a_grant(engine, world)
    documents = _documents()
    assert all(compiled.plan_for(document, None) is not None for document in documents)
    children = [world.shielded_child, world.open_child, "999999999999", "not an id"]
    callers = _callers(transport, world, duty)
    compared = 0
    for who, session in [*callers.items(), ("anonymous", None)]:
        if session is None:
            http = anonymous
            await _compare_all(http, engine, documents, children, who)
        else:
            async with session as http:
                await _compare_all(http, engine, documents, children, who)
        compared += 1
    assert compared == len(callers) + 1
    # The fast path really answered (every request but the general executor's twins).
    assert answered.count("compiled") == compared * len(documents) * len(children)


async def _compare_all(
    http: httpx.AsyncClient,
    engine: AsyncEngine,
    documents: list[str],
    children: list[str],
    who: str,
) -> None:
    for document in documents:
        for child in children:
            body = {"query": document, "variables": {"id": child}}
            fast = await http.post("/graphql", json=body)
            fast_event = await _last_event(engine)
            with _general_executor():
                general = await http.post("/graphql", json=body)
            general_event = await _last_event(engine)
            assert fast.status_code == general.status_code, (who, child, document)
            assert fast.content == general.content, (who, child, document)
            assert _headers(fast) == _headers(general), (who, child, document)
            assert fast_event == general_event, (who, child, document)


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    """Every header but the request's own id."""
    return [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]


async def test_documents_the_plan_does_not_cover_go_to_the_general_executor() -> None:
    for document in (
        "query($id: ID!) { child(id: $id) { ... on Child { givenNames } } }",
        "query($id: ID!) { child(id: $id) { givenNames @include(if: true) } }",
        "query($id: ID!) { child(id: $id) { givenNames } me { email } }",
        "query($id: ID!) { child(id: $id) { givenNames givenNames } }",
        "query($id: ID) { child(id: $id) { givenNames } }",
        "mutation { signOut }",
        "query { child(id: 1) { givenNames } }",
    ):
        assert compiled.plan_for(document, None) is None, document
