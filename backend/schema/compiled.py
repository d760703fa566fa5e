"""Compiled record views: a `child(id:)` document answered without graphql-core's executor.

A record view resolves about 80 fields one by one through graphql-core; most of its CPU
after the database is that walk (bench/README.md, "Where a record view's time goes"). A
document the app sends again and again is compiled once into a plan: which attributes of
the `Child` that `view_child` built (the policy already applied) go under which response
keys, each scalar through the very serializer graphql-core would call. The same
`view_child` runs, so the policy decision and the audit event are the general path's.

Only documents whose answer cannot depend on anything but that `Child` are compiled:
one query operation, one root field `child(id: $variable | "literal")`, plain fields
below it (aliases allowed; no fragments, directives or arguments; no field twice in a
selection), every field a plain attribute (no resolver of its own), and the document
valid under the same rules and limits as the general path. Anything else, and any
request whose variables are not a plain ID, goes to the general executor. A differential
test (tests/web/test_compiled_views.py) holds the two to byte-identical answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    parse,
    print_ast,
    specified_rules,
    validate,
)
from graphql.error import GraphQLSyntaxError
from strawberry.types import ExecutionResult

from backend.schema.build import _LIMIT_RULES, MAX_TOKENS, schema
from backend.schema.limits import over_limits
from backend.services.children import view_child
from backend.web.context import RequestContext

# Set False to send every document through the general executor (the differential test).
ENABLED = True
_CACHED_DOCUMENTS = 256


class _NullBubble(Exception):
    """A non-null field came out null: like graphql-core, null the nearest nullable parent
    and report it as an error on the field where it happened."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


Render = Callable[[Any, list[str | int], list[GraphQLError]], Any]


@dataclass(frozen=True, slots=True)
class Plan:
    root_key: str
    field_node: FieldNode
    # The ContactPoint ID: the variable's name, or the literal.
    id_variable: str | None
    id_literal: str | None
    requested: tuple[str, ...]
    render: Render

    def child_id(self, variables: dict[str, Any] | None) -> str | None:
        """The ContactPoint ID these variables ask for, or None when the general executor
        must answer: a variable missing or not an ID."""
        if self.id_variable is None:
            return self.id_literal or ""
        value = (variables or {}).get(self.id_variable)
        # What GraphQL's ID accepts as a variable; anything else is the general path's
        # error to give.
        if type(value) is str:
            return value
        if type(value) is int:
            return str(value)
        return None

    async def run(
        self, context: RequestContext, variables: dict[str, Any] | None
    ) -> ExecutionResult | None:
        """The answer, or None (before anything has run) when the general executor must
        give it: a variable missing or not an ID."""
        child_id = self.child_id(variables)
        if child_id is None:
            return None
        errors: list[GraphQLError] = []
        try:
            child = await view_child(context, child_id, self.requested)
        except Exception as failed:  # as graphql-core locates a resolver's exception
            error = GraphQLError(
                str(failed), nodes=[self.field_node], path=[self.root_key], original_error=failed
            )
            return ExecutionResult(data={self.root_key: None}, errors=[error])
        try:
            data = self.render(child, [self.root_key], errors)
        except _NullBubble as bubble:  # `child` is nullable: it takes the null
            errors.append(bubble.error)
            data = None
        return ExecutionResult(data={self.root_key: data}, errors=errors or None)


def _key(node: FieldNode) -> str:
    return (node.alias or node.name).value


def _python_names(type_name: str) -> dict[str, str] | None:
    """GraphQL field name -> attribute, for a type whose every field is a plain attribute."""
    definition = schema.get_type_by_name(type_name)
    fields = getattr(definition, "fields", None)
    if fields is None:
        return None
    names: dict[str, str] = {}
    for field in fields:
        if field.base_resolver is not None:
            return None
        names[schema.config.name_converter.get_graphql_name(field)] = field.python_name
    return names


def _leaf(type_: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    return type_.serialize


def _compile_type(output: Any, node: FieldNode, parent: str) -> Render | None:
    """A renderer for a value of `output` (wrapped or not) selected by `node`, a field
    of the object type `parent`."""
    if isinstance(output, GraphQLNonNull):
        inner = _compile_type(output.of_type, node, parent)
        if inner is None:
            return None
        message = f"Cannot return null for non-nullable field {parent}.{node.name.value}."

        def non_null(value: Any, path: list[str | int], errors: list[GraphQLError]) -> Any:
            if value is None:
                raise _NullBubble(GraphQLError(message, nodes=[node], path=list(path)))
            result = inner(value, path, errors)
            if result is None:
                raise _NullBubble(GraphQLError(message, nodes=[node], path=list(path)))
            return result

        return non_null
    nullable = _compile_nullable(output, node, parent)
    if nullable is None:
        return None

    def maybe(value: Any, path: list[str | int], errors: list[GraphQLError]) -> Any:
        if value is None:
            return None
        try:
            return nullable(value, path, errors)
        except _NullBubble as bubble:
            errors.append(bubble.error)
            return None

    return maybe


def _compile_nullable(output: Any, node: FieldNode, parent: str) -> Render | None:
    if isinstance(output, GraphQLList):
        item = _compile_type(output.of_type, node, parent)
        if item is None:
            return None
        each = item

        def listed(value: Any, path: list[str | int], errors: list[GraphQLError]) -> Any:
            return [each(entry, [*path, index], errors) for index, entry in enumerate(value)]

        return listed
    if isinstance(output, (GraphQLScalarType, GraphQLEnumType)):
        if node.selection_set is not None:
            return None
        serialize = _leaf(output)

        def leaf(value: Any, path: list[str | int], errors: list[GraphQLError]) -> Any:
            return serialize(value)

        return leaf
    if isinstance(output, GraphQLObjectType):
        return _compile_object(output, node)
    return None


def _compile_object(type_: GraphQLObjectType, node: FieldNode) -> Render | None:
    if node.selection_set is None:
        return None
    names = _python_names(type_.name)
    if names is None:
        return None
    steps: list[tuple[str, str | None, Render | None]] = []
    seen: set[str] = set()
    for selection in node.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives or selection.arguments:
            return None
        key, name = _key(selection), selection.name.value
        if key in seen or name in seen:
            return None
        seen.update((key, name))
        if name == "__typename":
            steps.append((key, None, None))
            continue
        field = type_.fields.get(name)
        attribute = names.get(name)
        if field is None or attribute is None:
            return None
        render = _compile_type(field.type, selection, type_.name)
        if render is None:
            return None
        steps.append((key, attribute, render))
    typename = type_.name

    def render_object(value: Any, path: list[str | int], errors: list[GraphQLError]) -> Any:
        result: dict[str, Any] = {}
        for key, attribute, render in steps:
            if attribute is None or render is None:
                result[key] = typename
            else:
                result[key] = render(getattr(value, attribute), [*path, key], errors)
        return result

    return render_object


def _operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        return None
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    if operation_name is not None and (
        operation.name is None or operation.name.value != operation_name
    ):
        return None
    return operation


def _plan(query: str, operation_name: str | None) -> Plan | None:
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError:
        return None
    operation = _operation(document, operation_name)
    if operation is None or over_limits(document) is not None:
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode):
        return None
    root = roots[0]
    arguments = root.arguments or ()
    if root.name.value != "child" or root.directives or len(arguments) != 1:
        return None
    argument = arguments[0]
    if argument.name.value != "id":
        return None
    variable = literal = None
    if isinstance(argument.value, VariableNode):
        variable = argument.value.name.value
        definitions = operation.variable_definitions or ()
        if len(definitions) != 1 or definitions[0].default_value is not None:
            return None
        if print_ast(definitions[0].type) != "ID!":
            return None
    elif isinstance(argument.value, StringValueNode) and not operation.variable_definitions:
        literal = argument.value.value
    else:
        return None
    graphql_schema = schema._schema
    if validate(graphql_schema, document, [*specified_rules, *_LIMIT_RULES]):
        return None
    child_type = graphql_schema.type_map["Child"]
    if not isinstance(child_type, GraphQLObjectType):
        return None
    render = _compile_object(child_type, root)
    if render is None or root.selection_set is None:
        return None
    requested = tuple(
        sorted({s.name.value for s in root.selection_set.selections if isinstance(s, FieldNode)})
    )
    return Plan(
        root_key=_key(root),
        field_node=root,
        id_variable=variable,
        id_literal=literal,
        requested=requested,
        render=render,
    )


@lru_cache(maxsize=_CACHED_DOCUMENTS)
def plan_for(query: str, operation_name: str | None) -> Plan | None:
    """The compiled plan for this document, or None: the general executor answers it."""
    return _plan(query, operation_name)
