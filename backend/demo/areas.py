"""Each authority as the generator needs it (ids resolved, postcode districts, staff), and
where the demo users' own children go."""

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.demo.organisations import DemoDirectory, Staff
from backend.demo.users import DemoUser

StaffRow = tuple[str, str, str, str]  # name, role, phone, email
Service = tuple[int, tuple[StaffRow, ...]]  # organisation id, its practitioners

_LONDON_CENTRAL = {
    "EC": ("EC1A", "EC1M", "EC1N", "EC1R", "EC1V", "EC1Y", "EC2A", "EC2M", "EC2R", "EC3A",
           "EC3M", "EC3N", "EC4A", "EC4M", "EC4V", "EC4Y"),
    "WC": ("WC1A", "WC1B", "WC1E", "WC1H", "WC1N", "WC1R", "WC1V", "WC1X", "WC2A", "WC2B",
           "WC2E", "WC2H", "WC2N", "WC2R"),
}  # fmt: skip
# How many children per authority the demo users' placements take (see `DemoPlacement`).
_CHILDREN_PER_PRACTITIONER = 5
_PRACTITIONER_STRIDE = 3  # so consecutive practitioners share two children


@dataclass(frozen=True, slots=True)
class Area:
    """One authority, with organisation ids resolved and staff as plain tuples."""

    code: str
    authority_id: int
    number: int  # the 3-digit authority number inside UPNs
    weight: float
    towns: tuple[str, ...]
    outward_codes: tuple[tuple[str, ...], ...]  # per town
    primary: tuple[Service, ...]
    secondary: tuple[Service, ...]
    gps: tuple[Service, ...]
    health_visitors: Service
    school_nurses: Service
    social_care: Service
    youth_offending: Service
    camhs: Service
    sexual_health: Service
    substance_misuse: Service


@dataclass(frozen=True, slots=True)
class DemoPractitioner:
    user_id: uuid.UUID
    organisation_id: int
    service: str
    row: StaffRow
    slots: frozenset[int]  # which school-age children of their authority (1st, 2nd...)


@dataclass(slots=True)
class DemoPlacement:
    """Which children the demo users meet.

    In each authority with demo practitioners, its 1st-5th school-age children get an
    ACTIVE involvement with the first practitioner, the 4th-8th with the second, and so
    on; the next one is shielded by the authority's demo manager. The very first children
    of the run are put in those authorities, so even a small demo has them.
    """

    managers: dict[int, uuid.UUID] = field(default_factory=dict)
    practitioners: dict[int, list[DemoPractitioner]] = field(default_factory=dict)
    shield_slot: dict[int, int] = field(default_factory=dict)
    pinned: list[int] = field(default_factory=list)  # area index of the 1st, 2nd... child


def _staff_rows(staff: tuple[Staff, ...]) -> tuple[StaffRow, ...]:
    return tuple((s.name, s.role, s.phone, s.email) for s in staff)


def _outward_codes(rng: random.Random, areas: tuple[str, ...]) -> tuple[str, ...]:
    """One to three postcode districts for a town, inside the authority's postcode areas."""
    area = areas[0] if rng.random() < 0.6 else rng.choice(areas)
    if area in _LONDON_CENTRAL:
        return tuple(rng.sample(_LONDON_CENTRAL[area], 2))
    top = 20 if len(area) == 1 else 9
    districts = rng.sample(range(1, top + 1), rng.randint(1, 3))
    return tuple(f"{area}{district}" for district in districts)


def build_areas(
    seed: int, directory: DemoDirectory, ids: Mapping[str, int]
) -> tuple[tuple[Area, ...], tuple[Service, ...]]:
    """Every authority as an `Area`, and the national partners' family support services."""
    layout = random.Random(f"layout-{seed}")  # noqa: S311 - reproducible demo data

    def service(code: str, service_type: str) -> Service:
        return ids[code], _staff_rows(directory.staff[(code, service_type)])

    areas = tuple(
        Area(
            code=s.authority.ons_code,
            authority_id=ids[s.authority.ons_code],
            number=200 + index,
            weight=s.weight,
            towns=s.authority.towns,
            outward_codes=tuple(
                _outward_codes(layout, s.authority.postcode_areas) for _ in s.authority.towns
            ),
            primary=tuple(service(c, "EDUCATION_SETTING") for c in s.primary_schools),
            secondary=tuple(service(c, "EDUCATION_SETTING") for c in s.secondary_schools),
            gps=tuple(service(c, "GP") for c in s.gp_practices),
            health_visitors=service(s.health, "HEALTH_VISITOR"),
            school_nurses=service(s.health, "SCHOOL_NURSE"),
            social_care=service(s.social_care, "SOCIAL_CARE"),
            youth_offending=service(s.youth_offending, "YOUTH_OFFENDING"),
            camhs=service(s.camhs, "CAMHS"),
            sexual_health=service(s.sexual_health, "SEXUAL_HEALTH"),
            substance_misuse=service(s.substance_misuse, "SUBSTANCE_MISUSE"),
        )
        for index, s in enumerate(directory.authorities)
    )
    partners = tuple(service(code, "FAMILY_SUPPORT") for code in directory.partner_codes)
    return areas, partners


def place_demo_users(
    areas: Sequence[Area], users: Sequence[DemoUser], ids: Mapping[str, int]
) -> DemoPlacement:
    placement = DemoPlacement()
    index_of = {area.code: i for i, area in enumerate(areas)}
    for user in users:
        where = index_of.get(user.organisation_code)
        if where is None:
            continue
        if "MANAGER" in user.roles:
            placement.managers.setdefault(where, user.id)
        if user.involvement_service:
            placed = placement.practitioners.setdefault(where, [])
            first = 1 + _PRACTITIONER_STRIDE * len(placed)
            placed.append(
                DemoPractitioner(
                    user_id=user.id,
                    organisation_id=ids[user.organisation_code],
                    service=user.involvement_service,
                    row=(user.name, user.job_title, user.phone, user.email),
                    slots=frozenset(range(first, first + _CHILDREN_PER_PRACTITIONER)),
                )
            )
    for where in sorted({*placement.managers, *placement.practitioners}):
        last = max((max(p.slots) for p in placement.practitioners.get(where, [])), default=0)
        if where in placement.managers:
            placement.shield_slot[where] = last + 1
        placement.pinned += [where] * placement.shield_slot.get(where, last)
    return placement
