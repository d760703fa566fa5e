"""Fictional contact details for demo data: Ofcom drama phone numbers and `.example` emails."""

import re
import unicodedata

# Ofcom reserves these ranges for drama, so no demo number can ring a real person.
# Each prefix is followed by three digits (000-999).
_DRAMA_LANDLINES = {
    "0113": "0113 496 0",
    "0114": "0114 496 0",
    "0115": "0115 496 0",
    "0116": "0116 496 0",
    "0117": "0117 496 0",
    "0118": "0118 496 0",
    "0121": "0121 496 0",
    "0131": "0131 496 0",
    "0141": "0141 496 0",
    "0151": "0151 496 0",
    "0161": "0161 496 0",
    "0191": "0191 498 0",
    "020": "020 7946 0",
}
NO_AREA_DRAMA_PREFIX = "01632 960"
MOBILE_DRAMA_PREFIX = "07700 900"


def drama_prefix(area_code: str) -> str:
    """The drama range for a dialling code, or the geography-free 01632 range."""
    return _DRAMA_LANDLINES.get(area_code, NO_AREA_DRAMA_PREFIX)


def drama_numbers(prefix: str) -> tuple[str, ...]:
    """All 1,000 numbers of a drama range."""
    return tuple(f"{prefix}{n:03d}" for n in range(1000))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(name: str) -> str:
    """`St Mary's Catholic Primary School` -> `st-marys-catholic-primary-school`."""
    compact = re.sub("['\u2019.]", "", _ascii(name).lower())
    return re.sub(r"[^a-z0-9]+", "-", compact).strip("-")


def email_domain(name: str) -> str:
    """`<slug>.example`, the slug cut at a hyphen to fit a DNS label (63 characters)."""
    label = slug(name)
    while len(label) > 63 and "-" in label:
        label = label.rsplit("-", 1)[0]
    return f"{label[:63]}.example"


def email_local_part(given: str, family: str) -> str:
    """`Siobhan`, `O'Neill-Smith` -> `siobhan.oneill-smith`."""
    return f"{slug(given)}.{slug(family)}"
