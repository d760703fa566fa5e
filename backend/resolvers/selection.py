"""Which fields a query asked for on the object a root field returns (fragments flattened).

Walks graphql-core's AST directly: Strawberry's `info.selected_fields` converts the whole
selection tree into its own objects, which cost more than the rest of a record view.
"""

from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode


def _names(
    selection_set: SelectionSetNode | None, fragments: dict[str, Any], into: set[str]
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            into.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _names(selection.selection_set, fragments, into)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _names(fragment.selection_set, fragments, into)


def requested_fields(info: Any) -> list[str]:
    raw = info._raw_info  # graphql-core's GraphQLResolveInfo
    names: set[str] = set()
    for node in raw.field_nodes:
        _names(node.selection_set, raw.fragments, names)
    return sorted(names)
