"""Deterministic demo children with their carers, involvements, CAFs, shielding and source keys.

Rows come out as plain tuples in batches, in the column orders of `backend.demo.rows`,
ready for PostgreSQL COPY: a million children never sit in memory at once.
The same seed, reference date and organisation ids always give the same rows.
"""

import random
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time

from backend.demo.areas import Area, Service, build_areas, place_demo_users
from backend.demo.numbers import contact_point_id_for, nhs_number_for, upn_for
from backend.demo.organisations import DemoDirectory
from backend.demo.pools import RECENT_BOYS, RECENT_GIRLS, name_pools
from backend.demo.rows import Batch, Row
from backend.demo.users import DemoUser, years_after

# Positions in an involvement row, for the few places that read one back.
_I_ORG, _I_SERVICE, _I_SENSITIVE, _I_NAME = 2, 3, 4, 6
_I_PHONE, _I_EMAIL, _I_END, _I_LEAD = 8, 9, 11, 12

# Who is most likely to be the lead professional, best first. Never a sensitive service.
_LEAD_PRIORITY = {
    "SOCIAL_CARE": 0, "FAMILY_SUPPORT": 1, "YOUTH_OFFENDING": 2, "EDUCATION_SETTING": 3,
    "HEALTH_VISITOR": 4, "SCHOOL_NURSE": 5, "GP": 6,
}  # fmt: skip
_OTHER_CARERS = (
    ("GRANDPARENT", False), ("GRANDPARENT", False), ("FOSTER_CARER", False),
    ("SPECIAL_GUARDIAN", True), ("AUNT_OR_UNCLE", False), ("STEP_PARENT", False),
    ("OTHER", False),
)  # fmt: skip
_SHIELDING_REASONS = ("DOMESTIC_VIOLENCE",) * 12 + ("ADOPTION",) * 4 + ("WITNESS_PROTECTION",)
_SHIELDING_NOTES = (
    "Court order restricts disclosure of the child's whereabouts.",
    "Placed out of area for safety; contact the management team.",
    "Risk of abduction by a family member.",
)
_MAX_INVOLVEMENTS = 5
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward codes never use C, I, K, M, O or V
_INWARDS = tuple(f"{d}{a}{b}" for d in range(10) for a in _INWARD_LETTERS for b in _INWARD_LETTERS)
_HOUSES = tuple(str(n) for n in (*range(1, 60), *range(1, 60), *range(1, 250)))
_MOBILES = tuple(f"07700 900{n:03d}" for n in range(1000))
_YEAR = 365


class ChildGenerator:
    """Streams the demo's children and everything attached to them.

    `organisation_ids` maps every code of `directory` to its database id; `users` are the
    demo users (their ids appear on involvements and shieldings).
    """

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        directory: DemoDirectory,
        organisation_ids: Mapping[str, int],
        users: Sequence[DemoUser],
        first_child_id: int = 1,
    ) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self._pools = name_pools(seed)
        self._next_id = self._first_id = first_child_id
        self._today_ord = today.toordinal()
        self._base_ord = years_after(today, -18).toordinal() + 1
        # Every date a child's row can hold, made once: per-row date arithmetic is slow.
        self._dates = tuple(date.fromordinal(o) for o in range(self._base_ord, self._today_ord + 1))
        birthdays = [years_after(today, -age).toordinal() for age in range(19)]
        self._ages = tuple(
            next(age for age in range(18) if o > birthdays[age + 1])
            for o in range(self._base_ord, self._today_ord + 1)
        )
        self._september: dict[int, int] = {}
        self._school_age_ord = years_after(today, -5).toordinal()

        self._areas, self._partners = build_areas(seed, directory, organisation_ids)
        self._cumulative: list[float] = []
        running = 0.0
        for area in self._areas:
            running += area.weight
            self._cumulative.append(running)
        self._seen = [0] * len(self._areas)  # school-age children so far, per area
        self._placement = place_demo_users(self._areas, users, organisation_ids)

    def _date(self, ordinal: int) -> date:
        return self._dates[ordinal - self._base_ord]

    def _school_start(self, dob_ord: int, age_at_start: int) -> int:
        """1 September of the school year a child born on `dob_ord` starts at `age_at_start`."""
        born = self._date(dob_ord)
        year = born.year + age_at_start + (1 if born.month >= 9 else 0)
        start = self._september.get(year)
        if start is None:
            start = self._september[year] = date(year, 9, 1).toordinal()
        return start

    def batches(self, count: int, batch_size: int = 20_000) -> Iterator[Batch]:
        """The next `count` children, `batch_size` at a time (the size never changes rows)."""
        left = count
        while left > 0:
            size = min(batch_size, left)
            batch = Batch()
            for _ in range(size):
                self._child(batch)
            left -= size
            yield batch

    def _child(self, batch: Batch) -> None:
        rng = self._rng
        random_ = rng.random
        randint = rng.randint
        choice = rng.choice
        getrandbits = rng.getrandbits
        pools = self._pools
        today_ord = self._today_ord

        def new_id() -> uuid.UUID:
            return uuid.UUID(int=getrandbits(128), version=4)

        def recent(earliest: int, back: int) -> int:
            low = max(earliest, today_ord - back)
            return today_ord if low >= today_ord else randint(low, today_ord)

        child_id = self._next_id
        self._next_id += 1
        where = bisect(self._cumulative, random_() * self._cumulative[-1])
        where = min(where, len(self._areas) - 1)
        placement = self._placement
        pinned = child_id - self._first_id < len(placement.pinned)
        if pinned:
            where = placement.pinned[child_id - self._first_id]
        area = self._areas[where]

        common: tuple[str, ...]
        recent_names: tuple[str, ...]
        roll = random_()
        if roll < 0.488:
            gender, common, recent_names = "FEMALE", pools.female, RECENT_GIRLS
        elif roll < 0.99:
            gender, common, recent_names = "MALE", pools.male, RECENT_BOYS
        else:
            gender = "NOT_KNOWN" if roll < 0.998 else "OTHER"
            common, recent_names = (
                (pools.female, RECENT_GIRLS) if random_() < 0.5 else (pools.male, RECENT_BOYS)
            )
        first = choice(recent_names) if random_() < 0.5 else choice(common)
        given = f"{first} {choice(common)}" if random_() < 0.3 else first
        family = choice(pools.family)
        mother_family = father_family = family
        if random_() < 0.05:
            second = choice(pools.family)
            if second != family:
                mother_family = second
                family = f"{family}-{second}" if random_() < 0.75 else f"{family} {second}"
        other_names: tuple[str, ...] = ()
        if random_() < 0.03:
            other_names = (f"{first} {choice(pools.family)}",)

        dob_ord = randint(self._base_ord, self._school_age_ord if pinned else today_ord)
        dob = self._date(dob_ord)
        age = self._ages[dob_ord - self._base_ord]
        # Demo practitioners and forced shielding pick from school-age children only, so
        # an education welfare officer is never shown working with a baby.
        slot = 0
        if age >= 5:
            self._seen[where] += 1
            slot = self._seen[where]

        town_index = rng.randrange(len(area.towns))
        town = area.towns[town_index]
        postcode = f"{choice(area.outward_codes[town_index])} {choice(_INWARDS)}"
        line1 = f"{choice(_HOUSES)} {choice(pools.streets)}"
        nhs = nhs_number_for(child_id)
        upn = upn_for(area.number, child_id) if age >= 4 else None

        batch.children.append(
            (
                child_id, contact_point_id_for(child_id), given, family, other_names, dob,
                gender, line1, None, town, postcode, nhs, upn, area.authority_id, "ACTIVE",
            )
        )  # fmt: skip

        # Parents and carers.
        roll = random_()
        carers: list[tuple[str, bool, str]] = []
        if roll < 0.86:
            carers.append(
                ("MOTHER", True, mother_family if random_() < 0.85 else choice(pools.family))
            )
            if roll < 0.62:
                carers.append(("FATHER", random_() < 0.92, father_family))
        elif roll < 0.92:
            carers.append(("FATHER", True, father_family))
        else:
            relationship, responsibility = choice(_OTHER_CARERS)
            shares = relationship not in ("FOSTER_CARER", "OTHER") and random_() < 0.6
            carers.append(
                (relationship, responsibility, family if shares else choice(pools.family))
            )
        for relationship, responsibility, carer_family in carers:
            if relationship == "MOTHER":
                carer_given = choice(pools.female)
            elif relationship == "FATHER":
                carer_given = choice(pools.male)
            else:
                carer_given = choice(pools.female if random_() < 0.6 else pools.male)
            batch.carers.append(
                (
                    new_id(), child_id, f"{carer_given} {carer_family}", relationship,
                    responsibility, choice(_MOBILES), line1, None, town, postcode,
                )
            )  # fmt: skip

        involvements = self._involvements(child_id, area, dob_ord, age, new_id, recent)
        for practitioner in placement.practitioners.get(where, ()):
            if slot in practitioner.slots:
                if len(involvements) >= _MAX_INVOLVEMENTS:
                    involvements.pop()
                name, role, phone, email = practitioner.row
                involvements.append(
                    (
                        new_id(), child_id, practitioner.organisation_id, practitioner.service,
                        False, practitioner.user_id, name, role, phone, email,
                        self._date(recent(dob_ord, 200)), None, False, None, None, None, None,
                        practitioner.user_id,
                    )
                )  # fmt: skip
        batch.involvements.extend(involvements)

        if random_() < 0.03:
            self._caf(batch, child_id, dob_ord, involvements, recent)

        demo_child = any(slot in p.slots for p in placement.practitioners.get(where, ()))
        forced = placement.shield_slot.get(where) == slot
        if forced or (random_() < 0.02 and not demo_child):
            reason = choice(_SHIELDING_REASONS) if random_() < 0.85 else "OTHER"
            note = choice(_SHIELDING_NOTES) if reason == "OTHER" else None
            shielded_on = date.fromordinal(max(dob_ord, today_ord - randint(1, 300)))
            batch.shieldings.append(
                (
                    new_id(), child_id, reason, note,
                    date.fromordinal(today_ord + randint(30, 365)), placement.managers.get(where),
                    datetime.combine(shielded_on, time(10, 0), tzinfo=UTC),
                )
            )  # fmt: skip

        if upn is not None:
            batch.source_records.append(("SCHOOL_CENSUS", upn, child_id))
        # Without an NHS number the child came from the local authority's own system.
        demographics = "NHS_DEMOGRAPHICS" if nhs is not None else "LOCAL_AUTHORITY"
        batch.source_records.append((demographics, nhs or f"LA-{child_id}", child_id))
        batch.provenance.append((child_id, "date_of_birth", demographics))
        batch.provenance.append(
            (child_id, "postcode", "SCHOOL_CENSUS" if upn is not None else demographics)
        )

    def _involvements(
        self,
        child_id: int,
        area: Area,
        dob_ord: int,
        age: int,
        new_id: Callable[[], uuid.UUID],
        recent: Callable[[int, int], int],
    ) -> list[Row]:
        rng = self._rng
        random_ = rng.random
        randint = rng.randint
        choice = rng.choice
        today_ord = self._today_ord
        at = self._date
        rows: list[Row] = []

        def add(
            service: Service,
            service_type: str,
            start: int,
            *,
            sensitive: bool = False,
            end: int | None = None,
        ) -> None:
            organisation_id, staff = service
            name, role, phone, email = choice(staff)
            start_date = at(start)
            end_date = ended_at = None
            if end is not None:
                end_date = at(end)
                ended_at = datetime.combine(end_date, time(16, 0), tzinfo=UTC)
            consent: tuple[str | None, date | None, str | None] = (None, None, None)
            if sensitive:
                # Informed consent is recorded with the involvement, by the practitioner.
                consent = ("YOUNG_PERSON" if age >= 13 else "PARENT_OR_CARER", start_date, name)
            rows.append(
                (
                    new_id(), child_id, organisation_id, service_type, sensitive, None, name,
                    role, phone, email, start_date, end_date, False, *consent, ended_at, None,
                )
            )  # fmt: skip

        def maybe_ended(start: int) -> int | None:
            return randint(start, today_ord) if random_() < 0.12 else None

        if random_() < 0.97:
            start = dob_ord + randint(7, 42) if random_() < 0.8 else randint(dob_ord, today_ord)
            add(choice(area.gps), "GP", min(start, today_ord))
        if age >= 4:
            start = self._school_start(dob_ord, 11)
            schools = area.secondary
            if age < 11 or start > today_ord:
                start, schools = self._school_start(dob_ord, 4), area.primary
                if start > today_ord:  # not in reception yet: in the school's nursery class
                    start = self._school_start(dob_ord, 3)
            add(choice(schools), "EDUCATION_SETTING", min(start, today_ord))
        if age <= 4 and random_() < 0.85:
            add(area.health_visitors, "HEALTH_VISITOR", min(dob_ord + randint(10, 14), today_ord))
        elif 5 <= age <= 6 and random_() < 0.3:
            # Health visiting hands over to school nursing at five: kept as history.
            ended = min(dob_ord + 5 * _YEAR + randint(0, 60), today_ord)
            add(area.health_visitors, "HEALTH_VISITOR", dob_ord + randint(10, 14), end=ended)
        if age >= 5 and random_() < 0.12:
            start = recent(dob_ord + 5 * _YEAR, 1000)
            add(area.school_nurses, "SCHOOL_NURSE", start, end=maybe_ended(start))
        if random_() < 0.04:
            start = recent(dob_ord, 900)
            add(area.social_care, "SOCIAL_CARE", start, end=maybe_ended(start))
        if age >= 10 and random_() < 0.01:
            start = recent(dob_ord + 10 * _YEAR + 3, 500)
            add(area.youth_offending, "YOUTH_OFFENDING", start, end=maybe_ended(start))
        if random_() < 0.03 and self._partners:
            start = recent(dob_ord, 700)
            add(choice(self._partners), "FAMILY_SUPPORT", start, end=maybe_ended(start))
        if age >= 4 and random_() < 0.024:
            start = recent(dob_ord + 4 * _YEAR + 1, 700)
            add(area.camhs, "CAMHS", start, sensitive=True, end=maybe_ended(start))
        if age >= 13 and random_() < 0.01:
            add(area.sexual_health, "SEXUAL_HEALTH", recent(dob_ord + 13 * _YEAR + 4, 400),
                sensitive=True)  # fmt: skip
        if age >= 12 and random_() < 0.005:
            add(area.substance_misuse, "SUBSTANCE_MISUSE", recent(dob_ord + 12 * _YEAR + 3, 400),
                sensitive=True)  # fmt: skip
        if not rows:
            add(choice(area.gps), "GP", min(dob_ord + 28, today_ord))
        del rows[_MAX_INVOLVEMENTS:]

        if len(rows) >= 2 and random_() < 0.10:
            best, best_rank = -1, len(_LEAD_PRIORITY)
            for index, row in enumerate(rows):
                rank = _LEAD_PRIORITY.get(row[_I_SERVICE], best_rank)
                if row[_I_END] is None and not row[_I_SENSITIVE] and rank < best_rank:
                    best, best_rank = index, rank
            if best >= 0:
                row = rows[best]
                rows[best] = (*row[:_I_LEAD], True, *row[_I_LEAD + 1 :])
        return rows

    def _caf(
        self,
        batch: Batch,
        child_id: int,
        dob_ord: int,
        involvements: list[Row],
        recent: Callable[[int, int], int],
    ) -> None:
        """A CAF held by one of the practitioners already involved (the lead if there is one)."""
        holders = [r for r in involvements if r[_I_END] is None and not r[_I_SENSITIVE]]
        if not holders:
            return
        holder = min(
            holders,
            key=lambda r: (not r[_I_LEAD], _LEAD_PRIORITY.get(r[_I_SERVICE], len(_LEAD_PRIORITY))),
        )
        roll = self._rng.random()
        status = "STARTED" if roll < 0.45 else "COMPLETED" if roll < 0.8 else "CLOSED"
        started = recent(dob_ord, 1000)
        completed = None
        if status != "STARTED":
            completed = self._date(self._rng.randint(started, self._today_ord))
        # A closed demo assessment was completed and closed the same day.
        closed = completed if status == "CLOSED" else None
        batch.cafs.append(
            (
                child_id, status, self._date(started), completed, closed, holder[_I_ORG],
                holder[_I_NAME], holder[_I_PHONE], holder[_I_EMAIL],
            )
        )  # fmt: skip


def sequential_organisation_ids(directory: DemoDirectory) -> dict[str, int]:
    """Ids 1, 2, 3... in directory order: what an empty database would assign; for tests."""
    return {org.code: index for index, org in enumerate(directory.organisations, start=1)}
