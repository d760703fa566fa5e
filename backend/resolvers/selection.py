"""Which fields a query asked for on the object a root field returns (fragments flattened)."""

from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _names(selections: list[Selection], into: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            into.add(selection.name)
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            _names(selection.selections, into)


def requested_fields(info: Any) -> list[str]:
    names: set[str] = set()
    for root in info.selected_fields:
        _names(root.selections, names)
    return sorted(names)
