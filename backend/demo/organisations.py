"""Demo organisations: the national team, every local authority, partners, and local services."""

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from backend.demo.contact import drama_prefix, email_domain, email_local_part
from backend.demo.pools import NamePools, name_pools
from backend.demo.reference import (
    LocalAuthority,
    gp_name_parts,
    local_authorities,
    national_partners,
    school_name_parts,
)

NATIONAL_TEAM_CODE = "CONTACTPOINT"
NATIONAL_TEAM_NAME = "ContactPoint national team"

# Councils' own names where the place name alone would be wrong or odd.
_COUNCIL_NAMES = {
    "E06000010": "Hull City Council",
    "E06000014": "City of York Council",
    "E06000015": "Derby City Council",
    "E06000016": "Leicester City Council",
    "E06000018": "Nottingham City Council",
    "E06000021": "Stoke-on-Trent City Council",
    "E06000023": "Bristol City Council",
    "E06000026": "Plymouth City Council",
    "E06000031": "Peterborough City Council",
    "E06000033": "Southend-on-Sea City Council",
    "E06000040": "Royal Borough of Windsor and Maidenhead",
    "E06000042": "Milton Keynes City Council",
    "E06000043": "Brighton and Hove City Council",
    "E06000044": "Portsmouth City Council",
    "E06000045": "Southampton City Council",
    "E06000047": "Durham County Council",
    "E06000053": "Council of the Isles of Scilly",
    "E06000057": "Northumberland County Council",
    "E08000003": "Manchester City Council",
    "E08000006": "Salford City Council",
    "E08000012": "Liverpool City Council",
    "E08000017": "City of Doncaster Council",
    "E08000019": "Sheffield City Council",
    "E08000021": "Newcastle City Council",
    "E08000024": "Sunderland City Council",
    "E08000025": "Birmingham City Council",
    "E08000026": "Coventry City Council",
    "E08000029": "Solihull Metropolitan Borough Council",
    "E08000031": "City of Wolverhampton Council",
    "E08000032": "City of Bradford Metropolitan District Council",
    "E08000035": "Leeds City Council",
    "E09000001": "City of London Corporation",
    "E09000011": "Royal Borough of Greenwich",
    "E09000020": "Royal Borough of Kensington and Chelsea",
    "E09000021": "Royal Borough of Kingston upon Thames",
    "E09000033": "Westminster City Council",
}

# (service type, job titles, how many practitioners each organisation has)
_PRIMARY_STAFF = (
    "EDUCATION_SETTING",
    (
        "Class teacher",
        "Designated safeguarding lead",
        "Special educational needs co-ordinator",
        "Headteacher",
        "Family liaison officer",
    ),
    6,
)
_SECONDARY_STAFF = (
    "EDUCATION_SETTING",
    (
        "Head of year",
        "Form tutor",
        "Designated safeguarding lead",
        "Pastoral lead",
        "Special educational needs co-ordinator",
    ),
    8,
)
_GP_STAFF = ("GP", ("GP partner", "Salaried GP", "GP"), 5)
_HEALTH_STAFF = (
    ("HEALTH_VISITOR", ("Health visitor", "Specialist community public health nurse"), 8),
    ("SCHOOL_NURSE", ("School nurse", "School nurse practitioner"), 5),
)
_SOCIAL_CARE_STAFF = ("SOCIAL_CARE", ("Social worker", "Senior social worker"), 10)
_YOUTH_OFFENDING_STAFF = ("YOUTH_OFFENDING", ("Youth justice worker", "Case manager"), 5)
_CAMHS_STAFF = ("CAMHS", ("Mental health practitioner", "Clinical psychologist"), 6)
_SEXUAL_HEALTH_STAFF = ("SEXUAL_HEALTH", ("Sexual health nurse", "Clinic nurse"), 4)
_SUBSTANCE_STAFF = ("SUBSTANCE_MISUSE", ("Young people's worker", "Recovery worker"), 3)
_PARTNER_STAFF = (
    "FAMILY_SUPPORT",
    ("Family support worker", "Project worker", "Children's services practitioner"),
    12,
)

_PRIMARY_WORDS = ("Primary", "Infant", "Junior", "First")
_SECONDARY_WORDS = ("High", "Secondary", "Academy", "Grammar", "Upper", "Community College")


@dataclass(frozen=True, slots=True)
class Staff:
    """A practitioner of a demo organisation (not a user: they never sign in)."""

    name: str
    role: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class DemoOrganisation:
    code: str
    name: str
    kind: str
    parent_code: str | None = None
    team_name: str | None = None
    team_phone: str | None = None
    team_email: str | None = None
    team_out_of_hours_phone: str | None = None


@dataclass(frozen=True, slots=True)
class AuthorityServices:
    """The codes of the services an authority's children are involved with."""

    authority: LocalAuthority
    weight: float
    primary_schools: tuple[str, ...]
    secondary_schools: tuple[str, ...]
    gp_practices: tuple[str, ...]
    health: str
    social_care: str
    youth_offending: str
    camhs: str
    sexual_health: str
    substance_misuse: str


@dataclass(frozen=True, slots=True)
class DemoDirectory:
    organisations: tuple[DemoOrganisation, ...]  # parents listed before their services
    authorities: tuple[AuthorityServices, ...]
    partner_codes: tuple[str, ...]
    staff: Mapping[tuple[str, str], tuple[Staff, ...]]  # (organisation code, service type)


def council_name(authority: LocalAuthority) -> str:
    known = _COUNCIL_NAMES.get(authority.ons_code)
    if known:
        return known
    if authority.kind == "county":
        return f"{authority.name} County Council"
    if authority.kind == "london":
        return f"London Borough of {authority.name}"
    return f"{authority.name} Council"


def authority_weight(authority: LocalAuthority) -> float:
    """Roughly how many children an authority has, relative to a London borough."""
    if authority.ons_code == "E09000001":  # the City of London has very few residents
        return 0.05
    if authority.ons_code == "E06000053":  # nor do the Isles of Scilly
        return 0.02
    return {"county": 3.0, "metropolitan": 2.0, "unitary": 1.2}.get(authority.kind, 1.0)


def _scaled(expected_children: float, divisor: float, low: int, high: int) -> int:
    return max(low, min(high, round(math.sqrt(expected_children) / divisor)))


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"organisations-{seed}")  # noqa: S311 - reproducible demo data
        self.pools: NamePools = name_pools(seed)
        self.organisations: list[DemoOrganisation] = []
        self.staff: dict[tuple[str, str], tuple[Staff, ...]] = {}

    def add(self, organisation: DemoOrganisation) -> str:
        self.organisations.append(organisation)
        return organisation.code

    def add_staff(
        self,
        code: str,
        org_name: str,
        area_code: str,
        spec: tuple[str, tuple[str, ...], int],
        *,
        doctor: bool = False,
    ) -> None:
        service, roles, size = spec
        rng, pools = self.rng, self.pools
        prefix = drama_prefix(area_code)
        domain = email_domain(org_name)
        members: list[Staff] = []
        used: set[str] = set()
        for index in range(size):
            given = rng.choice(pools.female if rng.random() < 0.7 else pools.male)
            family = rng.choice(pools.family)
            local = email_local_part(given, family)
            while local in used:
                local = f"{email_local_part(given, family)}{len(used)}"
            used.add(local)
            members.append(
                Staff(
                    name=f"Dr {given} {family}" if doctor else f"{given} {family}",
                    role=roles[index % len(roles)],
                    phone=f"{prefix}{rng.randrange(1000):03d}",
                    email=f"{local}@{domain}",
                )
            )
        self.staff[(code, service)] = tuple(members)

    def school_name(self, authority: LocalAuthority, phases: tuple[str, ...]) -> str:
        rng, parts = self.rng, school_name_parts()
        phase = rng.choice(phases)
        town = rng.choice(authority.towns)
        pattern = rng.random()
        if pattern < 0.4:
            descriptor = rng.choice(parts.descriptors)
            if descriptor.endswith("Academy"):
                return f"{rng.choice(parts.saints)} {descriptor}"
            return f"{rng.choice(parts.saints)} {descriptor} {phase}"
        if pattern < 0.75:
            return f"{town} {rng.choice(parts.place_suffixes)} {phase}"
        return f"{town} {phase}"

    def gp_name(self) -> str:
        parts = gp_name_parts()
        words = (
            self.rng.choice(parts.prefixes),
            self.rng.choice(parts.cores),
            self.rng.choice(parts.suffixes),
        )
        return " ".join(word for word in words if word)


def _phases() -> tuple[tuple[str, ...], tuple[str, ...]]:
    phases = school_name_parts().phases
    primary = tuple(p for p in phases if any(word in p for word in _PRIMARY_WORDS))
    secondary = tuple(
        p for p in phases if p not in primary and any(word in p for word in _SECONDARY_WORDS)
    )
    return primary, secondary


def build_directory(seed: int, children: int) -> DemoDirectory:
    """Every organisation of the demo; schools and practices grow mildly with `children`."""
    builder = _Builder(seed)
    add = builder.add
    add(
        DemoOrganisation(
            code=NATIONAL_TEAM_CODE,
            name=NATIONAL_TEAM_NAME,
            kind="NATIONAL_TEAM",
            team_name=NATIONAL_TEAM_NAME,
            team_phone="020 7946 0000",
            team_email="contactpoint@contactpoint.example",
        )
    )
    authorities = local_authorities()
    for authority in authorities:
        name = council_name(authority)
        add(
            DemoOrganisation(
                code=authority.ons_code,
                name=name,
                kind="LOCAL_AUTHORITY",
                team_name=f"{authority.name} ContactPoint team",
                team_phone=f"{drama_prefix(authority.phone_prefix)}{builder.rng.randrange(1000):03d}",
                team_email=f"contactpoint@{email_domain(name)}",
                # Its emergency duty team (no draw from the generator: it would move
                # every value generated after it).
                team_out_of_hours_phone=f"{drama_prefix(authority.phone_prefix)}999",
            )
        )
    partner_codes: list[str] = []
    for partner in national_partners():
        partner_codes.append(
            add(
                DemoOrganisation(
                    code=partner.code,
                    name=partner.name,
                    kind="NATIONAL_PARTNER",
                    team_name=f"{partner.name} ContactPoint team",
                    team_phone=partner.phone,
                    team_email=f"contactpoint@{email_domain(partner.name)}",
                )
            )
        )
        builder.add_staff(partner.code, partner.name, partner.phone.split(" ")[0], _PARTNER_STAFF)

    total_weight = sum(authority_weight(authority) for authority in authorities)
    primary_phases, secondary_phases = _phases()
    services: list[AuthorityServices] = []
    for authority in authorities:
        services.append(
            _authority_services(
                builder,
                authority,
                expected=children * authority_weight(authority) / total_weight,
                phases=(primary_phases, secondary_phases),
            )
        )
    return DemoDirectory(
        organisations=tuple(builder.organisations),
        authorities=tuple(services),
        partner_codes=tuple(partner_codes),
        staff=builder.staff,
    )


def _authority_services(
    builder: _Builder,
    authority: LocalAuthority,
    *,
    expected: float,
    phases: tuple[tuple[str, ...], tuple[str, ...]],
) -> AuthorityServices:
    ons, place, area = authority.ons_code, authority.name, authority.phone_prefix

    def service(prefix: str, name: str, kind: str, *staff: tuple[str, tuple[str, ...], int]) -> str:
        code = builder.add(DemoOrganisation(f"{prefix}-{ons}", name, kind, parent_code=ons))
        for spec in staff:
            builder.add_staff(code, name, area, spec)
        return code

    used_names: set[str] = set()
    schools: tuple[list[str], list[str]] = ([], [])
    counts = (_scaled(expected, 12, 2, 8), _scaled(expected, 25, 1, 4))
    serial = 0
    for phase_index, count in enumerate(counts):
        for _ in range(count):
            name = builder.school_name(authority, phases[phase_index])
            while name in used_names:
                name = builder.school_name(authority, phases[phase_index])
            used_names.add(name)
            serial += 1
            code = builder.add(
                DemoOrganisation(f"SCH-{ons}-{serial:03d}", name, "SCHOOL", parent_code=ons)
            )
            builder.add_staff(code, name, area, (_PRIMARY_STAFF, _SECONDARY_STAFF)[phase_index])
            schools[phase_index].append(code)

    gps: list[str] = []
    for index in range(_scaled(expected, 15, 2, 6)):
        name = builder.gp_name()
        while name in used_names:
            name = builder.gp_name()
        used_names.add(name)
        code = builder.add(
            DemoOrganisation(f"GP-{ons}-{index + 1:03d}", name, "GP_PRACTICE", parent_code=ons)
        )
        builder.add_staff(code, name, area, _GP_STAFF, doctor=True)
        gps.append(code)

    # Sensitive services get neutral names and codes: an organisation's name must not give
    # away the nature of the service that SPEC section 3 withholds.
    return AuthorityServices(
        authority=authority,
        weight=authority_weight(authority),
        primary_schools=tuple(schools[0]),
        secondary_schools=tuple(schools[1]),
        gp_practices=tuple(gps),
        health=service(
            "HLT",
            f"{place} Health Visiting and School Nursing Service",
            "HEALTH_SERVICE",
            *_HEALTH_STAFF,
        ),
        social_care=service(
            "SC",
            f"{council_name(authority)} Children's Social Care",
            "SOCIAL_CARE",
            _SOCIAL_CARE_STAFF,
        ),
        youth_offending=service(
            "YOT", f"{place} Youth Justice Service", "YOUTH_OFFENDING", _YOUTH_OFFENDING_STAFF
        ),
        camhs=service(
            "YPH",
            f"{place} Children and Young People's Health Service",
            "HEALTH_SERVICE",
            _CAMHS_STAFF,
        ),
        sexual_health=service(
            "YPC", f"{place} Young People's Clinic", "HEALTH_SERVICE", _SEXUAL_HEALTH_STAFF
        ),
        substance_misuse=service(
            "YPS", f"{place} Young People's Support Service", "OTHER_SERVICE", _SUBSTANCE_STAFF
        ),
    )
