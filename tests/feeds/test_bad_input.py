"""A file with a bad record is refused whole, before anything is written, with the line
and column of each problem; --skip-invalid loads the rest and writes the rejects."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.services.imports import FileProblems
from tests.feeds.conftest import row


async def _refusal(load: Any, path: Path) -> list[str]:
    with pytest.raises(FileProblems) as refused:
        await load(path)
    return [str(problem) for problem in refused.value.problems]


async def _children(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM child"))).scalar_one())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"date_of_birth": "2020-02-30"},
            "line 3, column date_of_birth: '2020-02-30' is not a date",
        ),
        (
            {"date_of_birth": "2099-01-01"},
            "line 3, column date_of_birth: 2099-01-01 is in the future",
        ),
        ({"nhs_number": "9990001015"}, "line 3, column nhs_number: is not a valid NHS number"),
        ({"upn": "A383000000101"}, "line 3, column upn: is not a valid UPN"),
        (
            {"responsible_authority": "E99999999"},
            "line 3, column responsible_authority: 'E99999999'",
        ),
        ({"family_name": "x" * 201}, "line 3, column family_name: is 201 characters long"),
        ({"given_names": ""}, "line 3, column given_names: is required"),
        ({"postcode": "LS1"}, "line 3, column postcode: 'LS1' is not a full UK postcode"),
        ({"gender": "Y"}, "line 3, column gender: 'Y' is not one of"),
    ],
)
async def test_a_bad_value_refuses_the_file_naming_line_and_column(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Path],
    load: Any,
    values: dict[str, str],
    expected: str,
) -> None:
    path = write_csv(row(), row(source_record_id="REC-2", **values))
    problems = await _refusal(load, path)
    assert problems[0].startswith(expected)
    assert await _children(engine) == 0


async def test_a_wrong_header_is_refused_naming_the_missing_column(
    authorities: dict[str, int], tmp_path: Path, load: Any
) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("source_record_id,given_names,family_name\nR1,Amelia,Smith\n")
    (problem,) = await _refusal(load, path)
    assert problem.startswith("line 1: wrong header (missing nhs_number, upn,")


async def test_a_file_that_is_not_utf8_is_refused_naming_the_line(
    authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    path = write_csv(row(), row(source_record_id="REC-2"))
    path.write_bytes(path.read_bytes().replace(b"Amelia", b"Am\xe9lia", 1))
    (problem,) = await _refusal(load, path)
    assert problem.startswith("line 2: not UTF-8 text")


async def test_the_same_source_record_twice_in_a_file_is_refused(
    authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    problems = await _refusal(load, write_csv(row(), row(given_names="Zoe")))
    assert problems == ["line 3, column source_record_id: the same as on line 2"]


async def test_at_most_twenty_problems_are_listed_and_all_are_counted(
    authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    rows = [row(source_record_id=f"R{n}", date_of_birth="yesterday") for n in range(25)]
    with pytest.raises(FileProblems) as refused:
        await load(write_csv(*rows))
    assert (len(refused.value.problems), refused.value.total) == (20, 25)


async def test_a_jsonl_record_with_an_unknown_key_is_refused(
    authorities: dict[str, int], write_jsonl: Callable[..., Path], load: Any
) -> None:
    (problem,) = await _refusal(load, write_jsonl(row() | {"religion": "x"}))
    assert problem == "line 1: unknown keys religion"


async def test_a_sensitive_service_cannot_come_through_a_feed(
    authorities: dict[str, int], write_jsonl: Callable[..., Path], load: Any
) -> None:
    service = {
        "organisation": "E08000035",
        "service_type": "SEXUAL_HEALTH",
        "practitioner_name": "A Nurse",
        "start_date": "2026-01-01",
    }
    (problem,) = await _refusal(load, write_jsonl(row() | {"services": [service]}))
    assert "sensitive services need consent" in problem


async def test_skip_invalid_loads_the_valid_records_and_writes_the_rejects(
    engine: AsyncEngine,
    authorities: dict[str, int],
    write_csv: Callable[..., Path],
    load: Any,
    tmp_path: Path,
) -> None:
    path = write_csv(row(), row(source_record_id="REC-2", nhs_number="123"))
    rejects = tmp_path / "rejects.csv"
    summary = await load(path, skip_invalid=True, rejects_path=rejects)
    assert (summary.records, summary.created, summary.rejected) == (2, 1, 1)
    assert rejects.read_text().splitlines() == [
        "line,column,problem",
        '3,nhs_number,"is not a valid NHS number (10 digits, modulus 11 check)"',
    ]
    assert await _children(engine) == 1


async def test_an_unknown_source_is_refused_saying_how_to_register_it(
    authorities: dict[str, int], write_csv: Callable[..., Path], load: Any
) -> None:
    with pytest.raises(Exception, match="register it first with `contactpoint sources add"):
        await load(write_csv(row()), source="NOBODY")
