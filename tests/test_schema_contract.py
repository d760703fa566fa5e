"""The exported GraphQL schema (schema.graphql) is the contract partners and the app build
on; it is committed with the app's generated types, and these fail when either is stale.
Refresh both with `make schema`. Every operation the app sends is validated against the
schema here too (gql.tada types what an operation returns; this catches unknown fields).
"""

import re

import pytest
from graphql import parse, validate

from backend.paths import PROJECT_ROOT
from backend.schema.build import schema
from scripts.export_graphql_types import introspection_types, schema_text

FRONTEND_SOURCES = sorted((PROJECT_ROOT / "frontend" / "src").rglob("*.ts"))
OPERATION = re.compile(r"graphql\(\s*`([^`]*)`", re.S)


def _operations() -> list[tuple[str, str]]:
    found = []
    for path in FRONTEND_SOURCES:
        for match in OPERATION.finditer(path.read_text()):
            found.append((path.name, match.group(1)))
    return found


def test_the_committed_schema_is_current() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text()
    assert committed == schema_text(), "schema.graphql is stale: run make schema"


def test_the_apps_generated_graphql_types_are_current() -> None:
    committed = (PROJECT_ROOT / "frontend" / "src" / "graphql-env.d.ts").read_text()
    assert committed == introspection_types(), "graphql-env.d.ts is stale: run make schema"


@pytest.mark.parametrize(("source", "operation"), _operations())
def test_every_operation_of_the_app_is_valid_against_the_schema(
    source: str, operation: str
) -> None:
    errors = validate(schema._schema, parse(operation))
    assert not errors, f"{source}: {errors}"


def test_the_public_interface_names_are_present() -> None:
    sdl = schema.as_str()
    for name in (
        "signIn(email: String!, password: String!, totpCode: String!)",
        "searchChildren(criteria: ChildSearchInput!)",
        "child(id: ID!): Child",
        "withheld: [WithheldField!]!",
    ):
        assert name in sdl
