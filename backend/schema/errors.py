"""Shaping errors for the caller: stable codes, the field at fault, nothing protected.

Expected failures (`ContactPointError`) keep their message and gain `extensions.code` and
`extensions.field`. Anything else is masked to a message carrying the request id: its
text (a driver error can quote a row's values) never leaves the server, not even in logs.
"""

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from backend.db.faults import connection_lost
from backend.errors import ContactPointError, Unavailable, describe_unexpected

log = logging.getLogger("contactpoint.errors")

# graphql-core suggests field names ("Did you mean 'nhsNumber'?"): a map of the schema for
# callers who may not introspect it.
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


UNAVAILABLE = (
    "The directory's database could not be reached, so this was not done. Try again in a moment."
)


def shape(error: GraphQLError, request_id: str) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error  # already shaped
    original = error.original_error
    if isinstance(original, ContactPointError):
        extensions: dict[str, object] = {"code": original.code}
        if original.field:
            extensions["field"] = original.field
        return GraphQLError(
            original.message, nodes=error.nodes, path=error.path, extensions=extensions
        )
    if isinstance(original, GraphQLError):
        # A variable that does not fit its type (an unknown enum value...): bad input,
        # described in terms of the caller's own query.
        return GraphQLError(
            _SUGGESTION.sub("", original.message),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "BAD_USER_INPUT"},
        )
    if original is None:
        # Parse and validation errors: they describe the query, not the data.
        return GraphQLError(
            _SUGGESTION.sub("", error.message),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    if connection_lost(original):
        log.warning(
            "request %s lost its database connection: %s",
            request_id,
            describe_unexpected(original),
        )
        return shape(
            GraphQLError(
                error.message,
                nodes=error.nodes,
                path=error.path,
                original_error=Unavailable(UNAVAILABLE),
            ),
            request_id,
        )
    log.error("unexpected error in request %s: %s", request_id, describe_unexpected(original))
    return GraphQLError(
        f"Something went wrong on our side. Quote request {request_id} to the service desk.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


class ShapeErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            context = self.execution_context.context
            request_id = getattr(context, "request_id", "unknown")
            result.errors = [shape(error, request_id) for error in errors]
