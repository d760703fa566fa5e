"""The reference data the demo generator builds on: real local authorities, partners, name parts."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class LocalAuthority:
    ons_code: str
    name: str
    kind: str  # county, unitary, metropolitan or london
    region: str
    postcode_areas: tuple[str, ...]
    towns: tuple[str, ...]
    phone_prefix: str


@dataclass(frozen=True, slots=True)
class NationalPartner:
    code: str
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class SchoolNameParts:
    saints: tuple[str, ...]
    descriptors: tuple[str, ...]
    phases: tuple[str, ...]
    place_suffixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GpNameParts:
    prefixes: tuple[str, ...]
    cores: tuple[str, ...]
    suffixes: tuple[str, ...]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _parts(name: str) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for row in _rows(name):
        grouped.setdefault(row["kind"], []).append(row["text"].strip())
    return {kind: tuple(texts) for kind, texts in grouped.items()}


@cache
def local_authorities() -> tuple[LocalAuthority, ...]:
    """The 153 English authorities with children's services, in ONS code order."""
    authorities = [
        LocalAuthority(
            ons_code=row["ons_code"].strip(),
            name=row["name"].strip(),
            kind=row["kind"].strip(),
            region=row["region"].strip(),
            postcode_areas=_split(row["postcode_areas"]),
            towns=_split(row["towns"]),
            phone_prefix=row["phone_prefix"].strip(),
        )
        for row in _rows("local_authorities.csv")
    ]
    return tuple(sorted(authorities, key=lambda authority: authority.ons_code))


@cache
def local_authority(ons_code: str) -> LocalAuthority:
    for authority in local_authorities():
        if authority.ons_code == ons_code:
            return authority
    raise KeyError(ons_code)


@cache
def national_partners() -> tuple[NationalPartner, ...]:
    return tuple(
        NationalPartner(code=row["code"].strip(), name=row["name"].strip(), phone=row["phone"])
        for row in _rows("national_partners.csv")
    )


@cache
def school_name_parts() -> SchoolNameParts:
    parts = _parts("school_name_parts.csv")
    return SchoolNameParts(
        saints=parts["saint"],
        descriptors=parts["descriptor"],
        phases=parts["phase"],
        place_suffixes=parts["place_suffix"],
    )


@cache
def gp_name_parts() -> GpNameParts:
    parts = _parts("gp_name_parts.csv")
    return GpNameParts(prefixes=parts["prefix"], cores=parts["core"], suffixes=parts["suffix"])
