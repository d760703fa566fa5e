"""The demo generator: deterministic, and every row fit for the database's constraints."""

import re
from collections import Counter
from datetime import date
from functools import cache
from itertools import pairwise

import pytest

from backend.db.tables.vocabulary import ORGANISATION_KINDS, SERVICE_TYPES
from backend.demo.generator import ChildGenerator, sequential_organisation_ids
from backend.demo.numbers import nhs_number_for
from backend.demo.organisations import DemoDirectory, build_directory
from backend.demo.rows import (
    CAF_COLUMNS,
    CARER_COLUMNS,
    CHILD_COLUMNS,
    INVOLVEMENT_COLUMNS,
    SHIELDING_COLUMNS,
    Batch,
    Row,
)
from backend.demo.users import demo_users
from backend.domain.identifiers import (
    nhs_check_digit,
    nhs_number_valid,
    normalise_contact_point_id,
    normalise_postcode,
)

TODAY = date(2026, 11, 24)
CHILDREN = 3000
SENSITIVE = {code for code, _, sensitive in SERVICE_TYPES if sensitive}
DRAMA = re.compile(
    r"^(07700 900\d{3}|01632 960\d{3}|01(1[3-8]|21|31|41|51|61) 496 0\d{3}"
    r"|0191 498 0\d{3}|020 7946 0\d{3})$"
)


@cache
def directory(seed: int = 7, children: int = CHILDREN) -> DemoDirectory:
    return build_directory(seed, children)


def generate(seed: int, *, batch_size: int = 1000, children: int = CHILDREN) -> Batch:
    """Every batch's rows merged into one, for assertions over the whole run."""
    built = build_directory(seed, children)
    generator = ChildGenerator(
        seed=seed,
        today=TODAY,
        directory=built,
        organisation_ids=sequential_organisation_ids(built),
        users=demo_users(seed, TODAY),
    )
    merged = Batch()
    for batch in generator.batches(children, batch_size):
        for (_, _, into), (_, _, rows) in zip(merged.tables(), batch.tables(), strict=True):
            into.extend(rows)
    return merged


@cache
def sample(seed: int = 7) -> Batch:
    return generate(seed)


def column(rows: list[Row], columns: tuple[str, ...], name: str) -> list[object]:
    index = columns.index(name)
    return [row[index] for row in rows]


def test_same_seed_gives_identical_rows() -> None:
    assert generate(7).tables() == sample().tables()


def test_different_seed_gives_different_rows() -> None:
    other = generate(8)
    assert column(other.children, CHILD_COLUMNS, "given_names") != column(
        sample().children, CHILD_COLUMNS, "given_names"
    )


def test_batch_size_does_not_change_the_rows() -> None:
    assert generate(7, batch_size=777).tables() == sample().tables()


def test_every_contact_point_id_passes_its_check_and_is_unique() -> None:
    ids = column(sample().children, CHILD_COLUMNS, "contact_point_id")
    assert all(isinstance(i, str) and normalise_contact_point_id(i) == i for i in ids)
    assert len(set(ids)) == len(ids) == CHILDREN


def test_consecutive_children_do_not_get_consecutive_contact_point_ids() -> None:
    ids = [int(str(i)[:11]) for i in column(sample().children, CHILD_COLUMNS, "contact_point_id")]
    assert all(abs(a - b) > 1000 for a, b in pairwise(ids))


def test_nhs_numbers_are_valid_unique_and_from_the_test_range() -> None:
    numbers = [n for n in column(sample().children, CHILD_COLUMNS, "nhs_number") if n]
    assert numbers
    assert all(isinstance(n, str) and nhs_number_valid(n) for n in numbers)
    assert all(n.startswith("999") for n in numbers)  # never a range issued to real people
    assert len(set(numbers)) == len(numbers)


def test_a_child_whose_test_range_body_has_no_check_digit_gets_no_nhs_number() -> None:
    child_id = next(i for i in range(1, 100) if nhs_check_digit(f"{999_000_000 + i}") is None)
    assert nhs_number_for(child_id) is None


def test_children_past_the_test_range_get_no_nhs_number() -> None:
    assert nhs_number_for(1_000_000) is None


def test_upns_are_well_formed_unique_and_only_for_children_of_four_and_over() -> None:
    children = sample().children
    upns = column(children, CHILD_COLUMNS, "upn")
    births = column(children, CHILD_COLUMNS, "date_of_birth")
    given = [u for u in upns if u is not None]
    assert all(re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", str(u)) for u in given)
    assert len(set(given)) == len(given)
    for upn, born in zip(upns, births, strict=True):
        assert isinstance(born, date)
        assert (upn is not None) == (age_on(born, TODAY) >= 4)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_ages_are_0_to_17_on_the_reference_date() -> None:
    ages = Counter(
        age_on(born, TODAY)
        for born in column(sample().children, CHILD_COLUMNS, "date_of_birth")
        if isinstance(born, date)
    )
    assert set(ages) == set(range(18))


def test_postcodes_of_children_and_carers_are_normalised() -> None:
    batch = sample()
    postcodes = column(batch.children, CHILD_COLUMNS, "postcode")
    postcodes += column(batch.carers, CARER_COLUMNS, "postcode")
    assert all(isinstance(p, str) and normalise_postcode(p) == p for p in postcodes)


def test_sensitive_involvements_all_carry_consent() -> None:
    rows = sample().involvements
    sensitive = [r for r in rows if r[INVOLVEMENT_COLUMNS.index("sensitive")]]
    assert sensitive
    for row in sensitive:
        record = dict(zip(INVOLVEMENT_COLUMNS, row, strict=True))
        assert record["service_type"] in SENSITIVE
        assert record["consent_given_by"] in ("YOUNG_PERSON", "PARENT_OR_CARER")
        assert record["consent_given_on"] is not None
        assert record["consent_recorded_by"]


def test_only_sensitive_services_are_flagged_sensitive() -> None:
    for row in sample().involvements:
        record = dict(zip(INVOLVEMENT_COLUMNS, row, strict=True))
        assert record["sensitive"] == (record["service_type"] in SENSITIVE)


def test_no_child_has_more_than_one_active_lead_professional() -> None:
    leads = Counter(
        row[1]
        for row in sample().involvements
        if row[INVOLVEMENT_COLUMNS.index("is_lead")]
        and row[INVOLVEMENT_COLUMNS.index("end_date")] is None
    )
    assert leads
    assert max(leads.values()) == 1


def test_ended_involvements_are_never_the_lead_and_end_after_they_start() -> None:
    for row in sample().involvements:
        record = dict(zip(INVOLVEMENT_COLUMNS, row, strict=True))
        if record["end_date"] is not None:
            assert not record["is_lead"]
            assert record["end_date"] >= record["start_date"]


def test_every_child_has_one_to_five_involvements() -> None:
    counts = Counter(row[1] for row in sample().involvements)
    assert len(counts) == CHILDREN
    assert set(counts.values()) <= set(range(1, 6))


def test_every_child_has_one_or_two_carers_at_the_same_postcode() -> None:
    batch = sample()
    ids = column(batch.children, CHILD_COLUMNS, "id")
    postcode = dict(zip(ids, column(batch.children, CHILD_COLUMNS, "postcode"), strict=True))
    counts = Counter(row[1] for row in batch.carers)
    assert set(counts.values()) <= {1, 2}
    assert len(counts) == CHILDREN
    assert all(row[CARER_COLUMNS.index("postcode")] == postcode[row[1]] for row in batch.carers)


def test_phone_numbers_are_in_ofcom_drama_ranges() -> None:
    batch = sample()
    phones = column(batch.carers, CARER_COLUMNS, "phone")
    phones += column(batch.involvements, INVOLVEMENT_COLUMNS, "phone")
    assert all(isinstance(p, str) and DRAMA.match(p) for p in phones)


def test_practitioner_emails_are_lower_case_example_addresses() -> None:
    emails = column(sample().involvements, INVOLVEMENT_COLUMNS, "email")
    pattern = re.compile(r"^[a-z0-9.-]+@[a-z0-9-]{1,63}\.(example|contactpoint\.test)$")
    assert all(isinstance(e, str) and pattern.match(e) for e in emails)


def test_cafs_have_coherent_dates() -> None:
    cafs = sample().cafs
    assert cafs
    for row in cafs:
        record = dict(zip(CAF_COLUMNS, row, strict=True))
        if record["status"] == "STARTED":
            assert record["completed_on"] is None
            assert record["closed_on"] is None
        else:
            assert record["started_on"] <= record["completed_on"] <= TODAY
        if record["status"] == "CLOSED":
            assert record["completed_on"] <= record["closed_on"] <= TODAY


def test_shieldings_have_a_future_review_and_other_has_a_note() -> None:
    shieldings = sample().shieldings
    assert shieldings
    for row in shieldings:
        record = dict(zip(SHIELDING_COLUMNS, row, strict=True))
        assert record["review_date"] > TODAY
        assert record["reason"] != "OTHER" or record["note"]


def test_demo_managers_each_have_a_shielded_child_they_shielded() -> None:
    managers = {u.id for u in demo_users(7, TODAY) if "MANAGER" in u.roles}
    shielded_by = {row[SHIELDING_COLUMNS.index("shielded_by")] for row in sample().shieldings}
    assert managers <= shielded_by


def test_leeds_demo_practitioners_each_work_with_five_leeds_children() -> None:
    users = demo_users(7, TODAY)
    leeds_id = sequential_organisation_ids(directory())["E08000035"]
    children = sample().children
    authority = dict(
        zip(
            column(children, CHILD_COLUMNS, "id"),
            column(children, CHILD_COLUMNS, "responsible_authority_id"),
            strict=True,
        )
    )
    for user in users:
        if user.organisation_code != "E08000035" or user.involvement_service is None:
            continue
        theirs = [
            row
            for row in sample().involvements
            if row[INVOLVEMENT_COLUMNS.index("practitioner_user_id")] == user.id
        ]
        assert len(theirs) == 5
        assert all(row[INVOLVEMENT_COLUMNS.index("end_date")] is None for row in theirs)
        assert all(authority[row[1]] == leeds_id for row in theirs)


def test_organisation_codes_and_kinds_fit_the_database() -> None:
    organisations = directory().organisations
    codes = [o.code for o in organisations]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9_-]{1,31}", code) for code in codes)
    assert all(o.kind in ORGANISATION_KINDS for o in organisations)
    authorities = [o for o in organisations if o.kind == "LOCAL_AUTHORITY"]
    assert len(authorities) == 153
    assert all(re.fullmatch(r"E(06|07|08|09|10)[0-9]{6}", o.code) for o in authorities)


def test_every_local_service_names_its_authority_as_parent() -> None:
    organisations = directory().organisations
    authorities = {o.code for o in organisations if o.kind == "LOCAL_AUTHORITY"}
    national = ("NATIONAL_TEAM", "LOCAL_AUTHORITY", "NATIONAL_PARTNER")
    local = [o for o in organisations if o.kind not in national]
    assert local
    assert all(o.parent_code in authorities for o in local)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("E08000035", "Leeds City Council"),
        ("E10000016", "Kent County Council"),
        ("E09000007", "London Borough of Camden"),
        ("E09000020", "Royal Borough of Kensington and Chelsea"),
    ],
)
def test_local_authorities_are_named_as_councils(code: str, name: str) -> None:
    named = {o.code: o.name for o in directory().organisations}
    assert named[code] == name


def test_schools_and_practices_grow_only_mildly_with_the_number_of_children() -> None:
    small = len(build_directory(7, 1000).organisations)
    large = len(build_directory(7, 11_000_000).organisations)
    assert small < large < 5000
