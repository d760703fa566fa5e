"""The demo loader refuses bad input before it touches the database."""

from datetime import date

import pytest

from backend.db.engine import create_engine
from backend.demo.loader import load_demo_data
from backend.errors import BadInput

# Nothing listens here: a refusal must come before any connection is tried.
UNREACHABLE = "postgresql://nobody@127.0.0.1:9/nowhere"


@pytest.mark.parametrize("children", [0, -5, True, 1.5])
async def test_children_that_are_not_a_positive_whole_number_are_refused(
    children: object,
) -> None:
    engine = create_engine(UNREACHABLE)
    try:
        with pytest.raises(BadInput) as refused:
            await load_demo_data(
                engine,
                children=children,  # type: ignore[arg-type]
                seed=1,
                today=date(2026, 11, 24),
            )
        assert refused.value.field == "children"
        assert refused.value.message == "children must be a positive whole number"
    finally:
        await engine.dispose()
