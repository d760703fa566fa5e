"""Each record of a feed ends as exactly one outcome: exact, probable, review or new."""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.demo.numbers import contact_point_id_for
from tests import factories
from tests.feeds.conftest import BRADFORD, LEEDS, row

NHS = "9990001014"
UPN = "X383000000101"


async def _child(engine: AsyncEngine, authority: int, **values: Any) -> int:
    async with engine.begin() as conn:
        child_id, _ = await factories.child(conn, authority, **values)
    return child_id


async def _one(engine: AsyncEngine, sql: str, **values: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), values)).one()


async def test_a_record_with_a_known_nhs_number_updates_that_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    child_id = await _child(engine, authorities[LEEDS], nhs_number=NHS, family_name="Smyth")
    summary = await load(write_csv(row(nhs_number=NHS, family_name="Smith")))
    assert (summary.exact, summary.created, summary.review) == (1, 0, 0)
    updated = await _one(engine, "SELECT family_name FROM child WHERE id = :id", id=child_id)
    assert updated.family_name == "Smith"


async def test_a_record_with_a_known_upn_updates_that_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    child_id = await _child(engine, authorities[LEEDS], upn=UPN, given_names="Amy")
    summary = await load(write_csv(row(upn=UPN, given_names="Amelia")))
    assert summary.exact == 1
    updated = await _one(engine, "SELECT given_names FROM child WHERE id = :id", id=child_id)
    assert updated.given_names == "Amelia"


async def test_an_nhs_number_and_a_upn_of_two_children_go_to_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    await _child(engine, authorities[LEEDS], nhs_number=NHS)
    await _child(engine, authorities[LEEDS], upn=UPN, given_names="Zoe", family_name="Ward")
    summary = await load(write_csv(row(nhs_number=NHS, upn=UPN)))
    assert (summary.exact, summary.review) == (0, 1)
    review = await _one(engine, "SELECT jsonb_array_length(candidates) AS n FROM match_review")
    assert review.n == 2


async def test_a_strong_match_without_identifiers_updates_the_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    child_id = await _child(engine, authorities[LEEDS], address_line1="1 Old Road")
    summary = await load(write_csv(row(family_name="Smyth", address_line_1="12 Park Road")))
    assert (summary.probable, summary.created, summary.review) == (1, 0, 0)
    linked = await _one(engine, "SELECT child_id FROM source_record WHERE source_key = 'REC-1'")
    assert linked.child_id == child_id


async def test_a_namesake_born_the_same_day_at_the_same_address_goes_to_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    # A twin: everything but the given name agrees. A wrong merge is worse than a review.
    await _child(engine, authorities[LEEDS], given_names="Amelia")
    summary = await load(write_csv(row(given_names="Matilda")))
    assert (summary.probable, summary.review, summary.created) == (0, 1, 0)


async def test_another_family_name_with_the_given_name_and_birth_date_is_the_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    # A name change (adoption, a parent's marriage): no household explains a stranger.
    child_id = await _child(engine, authorities[LEEDS], family_name="Smith")
    summary = await load(write_csv(row(family_name="Okafor")))
    assert (summary.probable, summary.review, summary.created) == (1, 0, 0)
    linked = await _one(engine, "SELECT child_id FROM source_record WHERE source_key = 'REC-1'")
    assert linked.child_id == child_id


async def test_another_family_name_with_a_slipped_birth_date_goes_to_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    await _child(engine, authorities[LEEDS], family_name="Smith")
    summary = await load(write_csv(row(family_name="Okafor", date_of_birth="2015-03-15")))
    assert (summary.probable, summary.review, summary.created) == (0, 1, 0)


async def test_another_birth_date_with_the_names_and_postcode_is_the_child(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    # No family gives two children one name: the date is the source's mistake.
    child_id = await _child(engine, authorities[LEEDS])
    summary = await load(write_csv(row(date_of_birth="2011-08-02")))
    assert (summary.probable, summary.review, summary.created) == (1, 0, 0)
    linked = await _one(engine, "SELECT child_id FROM source_record WHERE source_key = 'REC-1'")
    assert linked.child_id == child_id


async def test_another_birth_date_with_a_misspelt_family_name_goes_to_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    await _child(engine, authorities[LEEDS], family_name="Smith")
    summary = await load(write_csv(row(family_name="Smyth", date_of_birth="2011-08-02")))
    assert (summary.probable, summary.review, summary.created) == (0, 1, 0)


async def test_a_feed_never_moves_a_shielded_child_to_another_authority(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    async with engine.begin() as conn:
        child_id, _ = await factories.child(conn, authorities[LEEDS], nhs_number=NHS)
        await factories.shielding(conn, child_id)
    record = row(nhs_number=NHS, responsible_authority=BRADFORD, address_line_1="1 New Road")
    summary = await load(write_csv(record), source="LOCAL_AUTHORITY")
    assert summary.exact == 1
    kept = await _one(
        engine, "SELECT responsible_authority_id, address_line1 FROM child WHERE id = :id",
        id=child_id,
    )  # fmt: skip
    assert kept.responsible_authority_id == authorities[LEEDS]
    assert kept.address_line1 == "1 New Road"  # the rest of the record still counts


async def test_a_feed_moves_an_unshielded_child_to_another_authority(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    child_id = await _child(engine, authorities[LEEDS], nhs_number=NHS)
    await load(
        write_csv(row(nhs_number=NHS, responsible_authority=BRADFORD)), source="LOCAL_AUTHORITY"
    )
    moved = await _one(
        engine, "SELECT responsible_authority_id FROM child WHERE id = :id", id=child_id
    )
    assert moved.responsible_authority_id == authorities[BRADFORD]


async def test_a_new_brother_at_the_same_address_is_a_new_child_not_a_review(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    # Family name and address agree within a household: alone they are no doubt.
    await _child(engine, authorities[LEEDS], given_names="Amelia")
    summary = await load(
        write_csv(row(given_names="Oliver", date_of_birth="2019-09-02", gender="MALE"))
    )
    assert (summary.probable, summary.review, summary.created) == (0, 0, 1)


async def test_a_record_like_no_child_creates_one_with_a_valid_contact_point_id(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    await _child(
        engine,
        authorities[LEEDS],
        given_names="Zoe",
        family_name="Ward",
        date_of_birth=date(2012, 6, 1),
        postcode="LS6 2AB",
    )
    summary = await load(write_csv(row(nhs_number=NHS, upn=UPN)))
    assert summary.created == 1
    made = await _one(
        engine,
        "SELECT id, contact_point_id, nhs_number, upn, date_of_birth FROM child"
        " WHERE family_name = 'Smith'",
    )
    assert made.contact_point_id == contact_point_id_for(made.id)
    assert (made.nhs_number, made.upn, made.date_of_birth) == (NHS, UPN, date(2015, 3, 14))


async def test_every_value_loaded_names_its_source_record_and_load(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    summary = await load(write_csv(row(source_record_id="SC-9")))
    rows = await _one(
        engine,
        "SELECT array_agg(DISTINCT source) AS sources, array_agg(DISTINCT source_record_id)"
        " AS records, array_agg(DISTINCT import_run_id) AS runs, count(*) AS fields"
        " FROM provenance",
    )
    assert rows.sources == ["SCHOOL_CENSUS"]
    assert rows.records == ["SC-9"]
    assert rows.runs == [summary.run_id]
    assert rows.fields == 6  # names, date of birth, gender, address, responsible authority


async def test_a_load_is_accounted_for_in_its_import_run_and_the_audit_log(
    engine: AsyncEngine, authorities: dict[str, int], write_csv: Callable[..., Any], load: Any
) -> None:
    summary = await load(write_csv(row(), row(source_record_id="REC-2", given_names="Zoe")))
    run = await _one(engine, "SELECT * FROM import_run WHERE id = :id", id=summary.run_id)
    assert (run.status, run.records, run.created) == ("COMPLETED", 2, 2)
    event = await _one(engine, "SELECT detail FROM audit_event WHERE action = 'IMPORT_RUN'")
    assert event.detail["importRun"] == summary.run_id
    assert event.detail["created"] == 2


async def test_a_local_authority_feed_replaces_the_carers_and_records_services(
    engine: AsyncEngine, authorities: dict[str, int], write_jsonl: Callable[..., Any], load: Any
) -> None:
    child_id = await _child(engine, authorities[LEEDS], nhs_number=NHS)
    async with engine.begin() as conn:
        await factories.carer(conn, child_id, name="Old Carer")
    record = row(nhs_number=NHS) | {
        "carers": [
            {"name": "Samira Ahmed", "relationship": "MOTHER", "parental_responsibility": True}
        ],
        "services": [
            {
                "organisation": LEEDS,
                "service_type": "FAMILY_SUPPORT",
                "practitioner_name": "Dan Reid",
                "start_date": "2026-09-01",
            }
        ],
    }
    await load(write_jsonl(record), source="LOCAL_AUTHORITY")
    carers = await _one(engine, "SELECT array_agg(name) AS names FROM carer")
    assert carers.names == ["Samira Ahmed"]
    service = await _one(engine, "SELECT service_type, practitioner_name FROM involvement")
    assert tuple(service) == ("FAMILY_SUPPORT", "Dan Reid")
