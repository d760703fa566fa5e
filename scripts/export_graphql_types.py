"""Write the API contract where its readers expect it: schema.graphql (partners, docs) and
frontend/src/graphql-env.d.ts (the schema's introspection as a TypeScript type, from which
gql.tada infers the type of every operation the app sends). A test fails when either is
stale: run `make schema` after changing the API."""

import json
import sys

from graphql import introspection_from_schema

from backend.paths import PROJECT_ROOT
from backend.schema.build import schema

HEADER = (
    "/* Generated from the API schema by scripts/export_graphql_types.py (make schema):"
    " do not edit. */\n"
    "/* The schema's introspection as a type: gql.tada infers each operation's types from"
    " it. */\n"
)


def schema_text() -> str:
    return schema.as_str() + "\n"


def introspection_types() -> str:
    data = introspection_from_schema(schema._schema)
    return HEADER + "export type introspection = " + json.dumps(data, separators=(",", ":")) + "\n"


def main() -> int:
    (PROJECT_ROOT / "schema.graphql").write_text(schema_text())
    (PROJECT_ROOT / "frontend" / "src" / "graphql-env.d.ts").write_text(introspection_types())
    return 0


if __name__ == "__main__":
    sys.exit(main())
