"""A change that leaves a value alone, told apart from one that clears it (None)."""

from enum import Enum
from typing import Final


class Keep(Enum):
    """The only member, KEEP: this value is not part of the change."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP
