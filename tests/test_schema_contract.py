"""The exported GraphQL schema (schema.graphql) is the contract partners and the app build
on; it is committed, and this fails when it is stale. Refresh it with
    .venv/bin/python -c "from backend.schema.build import schema; print(schema.as_str())" \
        > schema.graphql
"""

from backend.paths import PROJECT_ROOT
from backend.schema.build import schema


def test_the_committed_schema_is_current() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", "schema.graphql is stale: regenerate it"


def test_the_public_interface_names_are_present() -> None:
    sdl = schema.as_str()
    for name in (
        "signIn(email: String!, password: String!, totpCode: String!)",
        "searchChildren(criteria: ChildSearchInput!)",
        "child(id: ID!): Child",
        "withheld: [WithheldField!]!",
    ):
        assert name in sdl
