"""The executable schema: types, limits, caches and error shaping."""

from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from starlette.websockets import WebSocket
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from backend.schema.errors import ShapeErrors, shape
from backend.schema.limits import LimitedValidation
from backend.schema.root import Mutation, Query, Subscription
from backend.web.context import RequestContext

MAX_DEPTH = 8
MAX_ALIASES = 20
MAX_TOKENS = 2000


# Made once: Strawberry's limiter extensions make a new rule class per instance, which
# changes the validation cache's key on every request and re-validates each time
# (about 10 ms of CPU per record view, measured by bench/record_view.py).
_LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_rule(MAX_DEPTH, None, None),
    alias_rule(MAX_ALIASES),
]


class QueryLimits(AddValidationRules):
    """Depth and alias limits, with rule classes that stay the same across requests."""

    def __init__(self) -> None:
        super().__init__(_LIMIT_RULES)


class IntrospectionWhenSignedIn(SchemaExtension):
    """The schema is a map of what the directory holds: only signed-in callers may read it.
    Adds a fixed rule for anonymous callers, so the validation cache keeps two variants."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if getattr(context, "caller", None) is None:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield


class ChangesSeenByReplicas(SchemaExtension):
    """A mutation reads only from the primary (its answer shows what it just changed),
    and afterwards the caller's next reads wait for a read replica that has replayed it
    (backend/db/replicas.py). Stamped whatever the outcome: a refusal may have written."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        mutation = execution.operation_type is OperationType.MUTATION
        if mutation and isinstance(context, RequestContext):
            context.freshness = None
        yield
        if mutation and isinstance(context, RequestContext):
            await context.changed()


class RootFieldsInTurn(StrawberryGraphQLCoreExecutionContext):
    """A request holds one database connection, which cannot run two statements at
    once: the root fields of every operation are resolved one after the other, as a
    mutation's always are (a record and the inbox count in one request). Each root still
    reads its record in one statement, and fields below a root are not affected."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        return super().execute_operation(serially=True)


class ContactPointSchema(strawberry.Schema):
    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        """Subscriptions' results bypass the operation hooks after the first: shape each
        one's errors here, so a socket gets the same codes and masking as HTTP."""
        context = kwargs.get("context_value", args[2] if len(args) > 2 else None)
        if isinstance(getattr(context, "request", None), WebSocket):
            # A socket's context is built once, when it opens: queries and mutations over it
            # would run as whoever opened it, after sign-out or suspension. Subscriptions
            # re-check the session on every delivery; everything else goes over HTTP.
            kwargs["allowed_operation_types"] = {OperationType.SUBSCRIPTION}
        results = await super().stream(*args, **kwargs)
        request_id = getattr(context, "request_id", "ws")

        async def shaped() -> AsyncIterator[Any]:
            async with aclosing(results):
                async for result in results:
                    if isinstance(result, ExecutionResult) and result.errors:
                        result.errors = [shape(error, request_id) for error in result.errors]
                    yield result

        return shaped()

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
        LimitedValidation,
        QueryLimits,
        IntrospectionWhenSignedIn,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ShapeErrors,
        ChangesSeenByReplicas,
    ]
    return ContactPointSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        execution_context_class=RootFieldsInTurn,
    )


schema = build_schema()
