"""ILIKE patterns from what people type: their '%' and '_' are characters, not wildcards."""


def contains(text: str) -> str:
    """A pattern matching values that contain `text` anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
