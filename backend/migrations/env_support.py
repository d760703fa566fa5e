"""Options shared by env.py and the drift check, so both compare the same way."""

from typing import Any


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # Monthly partitions of the audit log are made by SQL, not declared as models.
    return not (type_ == "table" and name is not None and name.startswith("audit_event_p"))


def comparison_context_options() -> dict[str, Any]:
    return {"include_object": include_object, "compare_type": True}
