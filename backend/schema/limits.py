"""How much one request may ask for, checked on the parsed document before validation.

Validation itself costs time in proportion to what a document repeats (graphql-core
compares every pair of fields with one response key), so a document past these limits
gets one error and is never validated; and however many mistakes a document makes, the
caller gets the first few, not one error per repetition.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    SelectionSetNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_DIRECTIVES = 20
# The same field (response key) in one selection set: repeating it changes no answer.
MAX_REPEATS = 3
MAX_ERRORS = 10


class _Counting(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.directives = 0
        self.repeated: FieldNode | None = None

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.directives += 1

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        if self.repeated is not None:
            return
        fields = [s for s in node.selections if isinstance(s, FieldNode)]
        keys = Counter(_key(f) for f in fields)
        self.repeated = next((f for f in fields if keys[_key(f)] > MAX_REPEATS), None)


def _key(field: FieldNode) -> str:
    return (field.alias or field.name).value


def over_limits(document: DocumentNode) -> GraphQLError | None:
    """The one error for a document asking for too much, or None."""
    counting = _Counting()
    visit(document, counting)
    if counting.directives > MAX_DIRECTIVES:
        return GraphQLError(
            f"a request may use at most {MAX_DIRECTIVES} directives; this one uses"
            f" {counting.directives}",
            extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    if counting.repeated is not None:
        name = _key(counting.repeated)
        return GraphQLError(
            f"'{name}' is asked for more than {MAX_REPEATS} times in one selection: ask once",
            nodes=[counting.repeated],
            extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    return None


@dataclass(frozen=True, slots=True)
class _Text:
    """A document as a cache key by its text: hashing a parsed document walks all of it
    (about 0.2 ms for a record view's), a string's hash is computed once."""

    query: str
    document: DocumentNode = field(compare=False, hash=False)


@lru_cache(maxsize=512)
def _checked(
    schema: GraphQLSchema, text: _Text, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    refused = over_limits(text.document)
    if refused is not None:
        return [refused]
    return _first(validate_document(schema, text.document, rules))


class LimitedValidation(SchemaExtension):
    """Validation after the limits above, keeping the first MAX_ERRORS errors (and
    saying how many more there were), cached by document text and rules (anonymous
    callers get one more rule). Errors are set before the yield: Strawberry builds the
    response from them as soon as the hook has yielded."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            rules = tuple(context.validation_rules)
            if context.query is not None:
                found = _checked(context.schema._schema, _Text(context.query, document), rules)
            else:
                refused = over_limits(document)
                found = (
                    [refused]
                    if refused
                    else _first(validate_document(context.schema._schema, document, rules))
                )
            context.pre_execution_errors = found
        yield


def _first(errors: list[GraphQLError]) -> list[GraphQLError]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = GraphQLError(
        f"and {len(errors) - MAX_ERRORS} more errors like these",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )
    return [*errors[:MAX_ERRORS], more]
