"""Reading a feed file and checking every value, before anything is written.

A file is read twice: `scan` checks it all (and hashes it), so a file with problems is
refused whole with the first of them; `records` then yields the checked records for
loading. Both stream, so a national extract never sits in memory.
"""

import csv
import hashlib
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from backend.db.tables.vocabulary import CARER_RELATIONSHIPS, GENDERS
from backend.domain.identifiers import nhs_number_valid, normalise_postcode, upn_valid
from backend.errors import BadInput
from backend.feeds.records import COLUMNS, LIST_KEYS, REQUIRED, Carer, FeedRecord, Service

FORMATS = ("csv", "jsonl")
SHOWN_PROBLEMS = 20
# The directory's own column sizes.
MAX_LENGTH = {
    "source_record_id": 100,
    "given_names": 200,
    "family_name": 200,
    "previous_family_name": 200,
    "address_line_1": 200,
    "address_line_2": 200,
    "town": 100,
    "name": 200,
    "relationship": 32,
    "phone": 40,
    "organisation": 40,
    "service_type": 40,
    "practitioner_name": 200,
    "practitioner_role": 200,
    "email": 254,
}
# Of a child: born since the directory's earliest date and not in the future.
EARLIEST_BIRTH = date(1990, 1, 2)
_GENDER_ALIASES = {"F": "FEMALE", "M": "MALE", "U": "NOT_KNOWN", "": "NOT_KNOWN"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


class FileRefused(Exception):
    """The file cannot be read as a feed at all (its header, its encoding)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Scan:
    """What checking a whole file found."""

    sha256: str = ""
    # Every record of the file, valid or not.
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    # Every line with a problem (for --skip-invalid), with its first problem.
    rejected: dict[int, Problem] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        self.rejected.setdefault(problem.line, problem)
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(problem)


class _RowProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def _decoded_lines(raw: IO[bytes], digest: "hashlib._Hash | None") -> Iterator[tuple[int, str]]:
    for number, chunk in enumerate(raw, start=1):
        if digest is not None:
            digest.update(chunk)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileRefused(
                Problem(number, "", f"not UTF-8 text (byte {error.start + 1} of the line)")
            ) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text


class _Checker:
    """Checks one record's values; collects every problem of the record."""

    def __init__(self, line: int, known: "Vocabulary") -> None:
        self.line = line
        self.authorities = known.authorities
        self.organisations = known.organisations
        self.problems: list[Problem] = []

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))

    def text(self, values: dict[str, Any], column: str, *, required: bool = False) -> str | None:
        value = values.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(column, "must be text")
            return None
        value = value.strip()
        if not value:
            if required:
                self.fail(column, "is required")
            return None
        if _CONTROL.search(value):
            self.fail(column, "holds a control character")
            return None
        limit = MAX_LENGTH.get(column)
        if limit is not None and len(value) > limit:
            self.fail(column, f"is {len(value)} characters long; at most {limit}")
            return None
        return value

    def day(self, values: dict[str, Any], column: str, *, required: bool = False) -> date | None:
        value = self.text(values, column, required=required)
        if value is None:
            return None
        parsed: date | None = None
        if _ISO_DATE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.fail(column, f"{value!r} is not a date (YYYY-MM-DD)")
        return parsed

    def birth(self, values: dict[str, Any]) -> date | None:
        born = self.day(values, "date_of_birth", required=True)
        if born is None:
            return None
        if born > date.today():
            self.fail("date_of_birth", f"{born} is in the future")
        elif born < EARLIEST_BIRTH:
            self.fail("date_of_birth", f"{born} is before {EARLIEST_BIRTH}: not a child's")
        return born

    def nhs_number(self, values: dict[str, Any]) -> str | None:
        value = self.text(values, "nhs_number")
        if value is None:
            return None
        digits = re.sub(r"[\s-]", "", value)
        if not nhs_number_valid(digits):
            self.fail("nhs_number", "is not a valid NHS number (10 digits, modulus 11 check)")
            return None
        return digits

    def upn(self, values: dict[str, Any]) -> str | None:
        value = self.text(values, "upn")
        if value is None:
            return None
        upn = value.upper()
        if not upn_valid(upn):
            self.fail("upn", "is not a valid UPN (13 characters, DfE check letter)")
            return None
        return upn

    def postcode(self, values: dict[str, Any], column: str = "postcode") -> str | None:
        value = self.text(values, column)
        if value is None:
            return None
        postcode = normalise_postcode(value)
        if postcode is None:
            self.fail(column, f"{value!r} is not a full UK postcode")
        return postcode

    def gender(self, values: dict[str, Any]) -> str:
        value = (self.text(values, "gender") or "").upper()
        gender = _GENDER_ALIASES.get(value, value)
        if gender not in GENDERS:
            self.fail("gender", f"{value!r} is not one of {', '.join(GENDERS)} (or F, M, U)")
            return "NOT_KNOWN"
        return gender

    def authority(self, values: dict[str, Any]) -> str:
        code = self.text(values, "responsible_authority", required=True)
        if code is None:
            return ""
        if code not in self.authorities:
            self.fail("responsible_authority", f"{code!r} is not a local authority's ONS code")
        return code

    def carers(self, values: dict[str, Any]) -> tuple[Carer, ...] | None:
        items = self._list(values, "carers")
        if items is None:
            return None
        carers = []
        for item in items:
            name = self.text(item, "name", required=True)
            relationship = (self.text(item, "relationship", required=True) or "").upper()
            if relationship and relationship not in CARER_RELATIONSHIPS:
                self.fail("carers", f"relationship {relationship!r} is not known")
            responsible = item.get("parental_responsibility", False)
            if not isinstance(responsible, bool):
                self.fail("carers", "parental_responsibility must be true or false")
            carers.append(
                Carer(
                    name=name or "",
                    relationship=relationship,
                    parental_responsibility=bool(responsible),
                    phone=self.text(item, "phone"),
                    address_line_1=self.text(item, "address_line_1"),
                    address_line_2=self.text(item, "address_line_2"),
                    town=self.text(item, "town"),
                    postcode=self.postcode(item),
                )
            )
        return tuple(carers)

    def organisation(self, item: dict[str, Any]) -> str:
        code = self.text(item, "organisation", required=True) or ""
        if code and code not in self.organisations:
            self.fail("services", f"organisation {code!r} is not in the directory")
        return code

    def services(
        self, values: dict[str, Any], services: Collection[str]
    ) -> tuple[Service, ...] | None:
        items = self._list(values, "services")
        if items is None:
            return None
        found = []
        for item in items:
            kind = (self.text(item, "service_type", required=True) or "").upper()
            if kind and kind not in services:
                self.fail(
                    "services",
                    f"service_type {kind!r} is not a service a feed may record (sensitive"
                    " services need consent recorded in the app)",
                )
            found.append(
                Service(
                    organisation=self.organisation(item),
                    service_type=kind,
                    practitioner_name=self.text(item, "practitioner_name", required=True) or "",
                    practitioner_role=self.text(item, "practitioner_role"),
                    phone=self.text(item, "phone"),
                    email=self.text(item, "email"),
                    start_date=self.day(item, "start_date", required=True) or date.min,
                )
            )
        return tuple(found)

    def _list(self, values: dict[str, Any], key: str) -> list[dict[str, Any]] | None:
        if key not in values or values[key] is None:
            return None
        items = values[key]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            self.fail(key, "must be a list of objects")
            return None
        return items


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the directory knows, for checking a file against."""

    authorities: frozenset[str]
    services: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()


def _record(line: int, values: dict[str, Any], known: Vocabulary) -> FeedRecord:
    check = _Checker(line, known)
    record = FeedRecord(
        line=line,
        source_record_id=check.text(values, "source_record_id", required=True) or "",
        nhs_number=check.nhs_number(values),
        upn=check.upn(values),
        given_names=check.text(values, "given_names", required=True) or "",
        family_name=check.text(values, "family_name", required=True) or "",
        previous_family_name=check.text(values, "previous_family_name"),
        date_of_birth=check.birth(values) or EARLIEST_BIRTH,
        gender=check.gender(values),
        address_line_1=check.text(values, "address_line_1"),
        address_line_2=check.text(values, "address_line_2"),
        town=check.text(values, "town"),
        postcode=check.postcode(values),
        responsible_authority=check.authority(values),
        carers=check.carers(values),
        services=check.services(values, known.services),
    )
    if check.problems:
        raise _RowProblems(check.problems)
    return record


def record_from(values: dict[str, Any], known: Vocabulary) -> FeedRecord:
    """One record given as values (not read from a file), checked as a file's line is;
    the first problem raised as BadInput naming its column."""
    try:
        return _record(1, values, known)
    except _RowProblems as found:
        problem = found.problems[0]
        raise BadInput(problem.message, field=problem.column) from None


def _csv_rows(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    numbered = _LineTracker(lines)
    reader = csv.reader(numbered)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused(Problem(1, "", "the file is empty; expected the header")) from None
    header = [name.strip() for name in header]
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(header) != len(COLUMNS):
        said = []
        if missing:
            said.append(f"missing {', '.join(missing)}")
        if unknown:
            said.append(f"unknown {', '.join(repr(u) for u in unknown)}")
        if not said:
            said.append("a column is repeated")
        raise FileRefused(
            Problem(1, "", f"wrong header ({'; '.join(said)}); expected {','.join(COLUMNS)}")
        )
    for row in reader:
        line = numbered.number
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield line, {"__width__": len(row)}
            continue
        yield line, dict(zip(header, row, strict=True))


class _LineTracker:
    """Passes text lines to the csv module and remembers the number of the last one."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self.lines = lines
        self.number = 0

    def __iter__(self) -> "_LineTracker":
        return self

    def __next__(self) -> str:
        self.number, text = next(self.lines)
        return text


def _jsonl_rows(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, dict[str, Any]]]:
    allowed = set(COLUMNS) | set(LIST_KEYS)
    for line, text in lines:
        if not text.strip():
            continue
        try:
            values = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError):
            yield line, {"__json__": "not a JSON object"}
            continue
        if not isinstance(values, dict):
            yield line, {"__json__": "not a JSON object"}
            continue
        unknown = sorted(set(values) - allowed)
        if unknown:
            yield line, {"__json__": f"unknown keys {', '.join(unknown)}"}
            continue
        yield line, values


def _rows(path: Path, fmt: str, digest: "hashlib._Hash | None") -> Iterator[tuple[int, Any]]:
    with path.open("rb") as raw:
        lines = _decoded_lines(raw, digest)
        rows = _csv_rows(lines) if fmt == "csv" else _jsonl_rows(lines)
        yield from rows


def _checked(
    path: Path, fmt: str, known: Vocabulary, digest: "hashlib._Hash | None"
) -> Iterator[FeedRecord | list[Problem]]:
    for line, values in _rows(path, fmt, digest):
        if "__width__" in values:
            yield [Problem(line, "", f"{values['__width__']} values; expected {len(COLUMNS)}")]
            continue
        if "__json__" in values:
            yield [Problem(line, "", values["__json__"])]
            continue
        for column in REQUIRED:
            values.setdefault(column, None)
        try:
            yield _record(line, values, known)
        except _RowProblems as problems:
            yield problems.problems


def scan(path: Path, fmt: str, known: Vocabulary) -> Scan:
    """Check the whole file; raises FileRefused when it cannot be read as a feed."""
    digest = hashlib.sha256()
    result = Scan()
    seen: dict[tuple[str, str], int] = {}
    for item in _checked(path, fmt, known, digest):
        result.records += 1
        if isinstance(item, list):
            for problem in item:
                result.add(problem)
            continue
        for column, value in (
            ("source_record_id", item.source_record_id),
            ("nhs_number", item.nhs_number),
            ("upn", item.upn),
        ):
            if value is None:
                continue
            first = seen.setdefault((column, value), item.line)
            if first != item.line:
                result.add(Problem(item.line, column, f"the same as on line {first}"))
    result.sha256 = digest.hexdigest()
    return result


def records(path: Path, fmt: str, known: Vocabulary, skip: Collection[int]) -> Iterator[FeedRecord]:
    """The file's valid records, in order, leaving out the lines in `skip`."""
    for item in _checked(path, fmt, known, None):
        if isinstance(item, FeedRecord) and item.line not in skip:
            yield item
