"""Input fields as changes: a field the request left out is KEEP, an explicit null None."""

from typing import Any

import strawberry

from backend.domain.changes import KEEP


def given(value: Any) -> Any:
    return KEEP if value is strawberry.UNSET else value
