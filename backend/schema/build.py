"""The executable schema: types, limits, caches and error shaping."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from backend.schema.errors import ShapeErrors
from backend.schema.root import Mutation, Query

MAX_DEPTH = 8
MAX_ALIASES = 20
MAX_TOKENS = 2000


class ContactPointSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry's default logs each error with its full message; ShapeErrors logs
        # unexpected ones safely instead.
        return None


def build_schema() -> strawberry.Schema:
    # Factories: a fresh extension per request. The parse and validation caches live at
    # module level inside Strawberry, so they are still shared across requests.
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ShapeErrors,
    ]
    return ContactPointSchema(query=Query, mutation=Mutation, extensions=extensions)


schema = build_schema()
