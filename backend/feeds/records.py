"""One incoming record of a feed, as checked: the shape every later step works on."""

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

# The CSV header, in this order (docs/FEEDS.md); JSON Lines use the same keys.
COLUMNS = (
    "source_record_id",
    "nhs_number",
    "upn",
    "given_names",
    "family_name",
    "previous_family_name",
    "date_of_birth",
    "gender",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "responsible_authority",
)
REQUIRED = ("source_record_id", "given_names", "family_name", "date_of_birth")
# JSON Lines only.
LIST_KEYS = ("carers", "services")


@dataclass(frozen=True, slots=True)
class Carer:
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    address_line_1: str | None
    address_line_2: str | None
    town: str | None
    postcode: str | None


@dataclass(frozen=True, slots=True)
class Service:
    organisation: str
    service_type: str
    practitioner_name: str
    practitioner_role: str | None
    phone: str | None
    email: str | None
    start_date: date


@dataclass(frozen=True, slots=True)
class FeedRecord:
    line: int
    source_record_id: str
    nhs_number: str | None
    upn: str | None
    given_names: str
    family_name: str
    previous_family_name: str | None
    date_of_birth: date
    gender: str
    address_line_1: str | None
    address_line_2: str | None
    town: str | None
    postcode: str | None
    responsible_authority: str
    # None: the file says nothing about them (CSV, or the key absent), which changes
    # nothing; an empty list says there are none.
    carers: tuple[Carer, ...] | None = None
    services: tuple[Service, ...] | None = None
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_hash", _hash(self.content()))

    def content(self) -> dict[str, Any]:
        """Everything the source said, without where in the file it was."""
        return {
            f.name: _plain(getattr(self, f.name))
            for f in fields(self)
            if f.name not in ("line", "content_hash")
        }


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [asdict(item) for item in value]
    return value


def _hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
