"""Feed tests load files into the real database: tables emptied after each one."""

import csv
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.feeds.records import COLUMNS
from backend.services.imports import ImportRequest, ImportSummary, import_file
from tests import factories

LEEDS = "E08000035"
BRADFORD = "E08000032"


@pytest_asyncio.fixture(autouse=True)
async def _empty_tables_after(empty_tables: None) -> AsyncIterator[None]:
    yield


@pytest_asyncio.fixture
async def authorities(engine: AsyncEngine) -> dict[str, int]:
    async with engine.begin() as conn:
        leeds = await factories.authority(conn, LEEDS, "Leeds City Council")
        bradford = await factories.authority(
            conn, BRADFORD, "City of Bradford Metropolitan District Council"
        )
    return {LEEDS: leeds, BRADFORD: bradford}


def row(**values: Any) -> dict[str, Any]:
    """A valid record for a child nobody has: override what the test is about."""
    base = {
        "source_record_id": "REC-1",
        "nhs_number": "",
        "upn": "",
        "given_names": "Amelia",
        "family_name": "Smith",
        "previous_family_name": "",
        "date_of_birth": "2015-03-14",
        "gender": "FEMALE",
        "address_line_1": "12 Park Road",
        "address_line_2": "",
        "town": "Leeds",
        "postcode": "LS1 4AP",
        "responsible_authority": LEEDS,
    }
    return base | values


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1, 1000))

    def write(*rows: dict[str, Any], name: str | None = None) -> Path:
        path = tmp_path / (name or f"feed-{next(counter)}.csv")
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1, 1000))

    def write(*rows: dict[str, Any]) -> Path:
        path = tmp_path / f"feed-{next(counter)}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(engine: AsyncEngine) -> Callable[..., Any]:
    async def run(
        path: Path, source: str = "SCHOOL_CENSUS", batch_size: int = 5000, **options: Any
    ) -> ImportSummary:
        fmt = "jsonl" if path.suffix == ".jsonl" else "csv"
        request = ImportRequest(source=source, path=path, fmt=fmt, **options)
        return await import_file(engine, request, batch_size=batch_size)

    return run
