"""How fast `contactpoint import` loads a national-style refresh, and how well it decides
which incoming records are children the directory already holds.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/import_feed.py speed --children 100000
    .venv/bin/python bench/import_feed.py quality --children 100000 --people 5000
    .venv/bin/python bench/import_feed.py febrl3 --children 100000

speed    A demo directory of N children and a refresh of N records from a new source,
         through the real CLI: 50 % updates (the child's NHS number or UPN and a new
         address: exact matches), 40 % the child's current details without an identifier
         (matched by the linkage engine), 1 % doubtful (two details changed by the
         corruption model), 9 % children the directory has not seen. Prints the wall time,
         records/s and the summary line; then the same file again (all unchanged).

quality  Truth known. Duplicates of K directory children, each with 1-3 details changed by
         the corruption model of the search bench (bench/corruption.py) and no identifier,
         and K people the directory does not hold: 60 % made of other children's parts,
         20 % twins of a directory child (same family, birth date, address; another given
         name; --twins sets that share, the rest made of parts), 20 % siblings (same
         family and address, another given name and birth date).
         A wrong merge is worse than a review, so the figures are: precision of the
         automatic merges (target >= 0.999), the share sent to review (<= 2 %), recall of
         merges + reviews (the right child merged or among the review's candidates, >= 0.99).

febrl3   The same figures on FEBRL dataset 3 (bench/febrl3.py): each person's original joins
         the directory; every duplicate is imported. One person in five is held out (no
         original), and one duplicate of each is imported as someone new.

FEBRL 3 is the data the linkage weights were tuned on; `quality`'s records are not.
`quality` and `febrl3` leave what they imported in the database: give --reuse only a
database kept for `speed`, or look at a kept one afterwards.
"""

import argparse
import asyncio
import csv
import io
import random
import re
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from corruption import corrupt
from febrl3 import _insert_children, load_records
from search_queries import BIN, DemoDatabase, TrueChild, demo_database, psql

from backend.feeds.records import COLUMNS

SOURCE = "BENCH_FEED"
SUMMARY = re.compile(
    r"imported (?P<records>\d+) records: (?P<exact>\d+) exact matches, (?P<probable>\d+)"
    r" probable matches, (?P<review>\d+) for review, (?P<created>\d+) new children,"
    r" (?P<unchanged>\d+) unchanged, (?P<rejected>\d+) rejected"
)


# --- the directory's children ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectoryChild:
    id: int
    cp_id: str
    nhs_number: str | None
    upn: str | None
    given_names: str
    family_name: str
    date_of_birth: date
    gender: str
    address_line_1: str | None
    town: str | None
    postcode: str | None
    authority: str

    def as_true_child(self) -> TrueChild:
        return TrueChild(
            cp_id=self.cp_id,
            given_names=self.given_names,
            family_name=self.family_name,
            other_names=(),
            date_of_birth=self.date_of_birth,
            gender=self.gender,
            postcode=self.postcode or "",
        )


def directory_children(db: DemoDatabase, limit: int | None, seed: int) -> list[DirectoryChild]:
    """Active children in a seeded order, read with COPY (a million rows in seconds)."""
    top = f"LIMIT {int(limit)}" if limit else ""
    query = (
        "SELECT c.id, c.contact_point_id, c.nhs_number, c.upn, c.given_names, c.family_name,"
        " c.date_of_birth, c.gender, c.address_line1, c.town, c.postcode, o.code"
        " FROM child c JOIN organisation o ON o.id = c.responsible_authority_id"
        f" WHERE c.status = 'ACTIVE' ORDER BY md5(c.contact_point_id || '{int(seed)}') {top}"
    )
    text = psql(db.url, f"COPY ({query}) TO STDOUT WITH CSV")
    return [
            DirectoryChild(
                int(row[0]), row[1], row[2] or None, row[3] or None, row[4], row[5],
                date.fromisoformat(row[6]), row[7], row[8] or None, row[9] or None,
                row[10] or None, row[11],
            )
        for row in csv.reader(io.StringIO(text))
    ]  # fmt: skip


# --- feed records ---------------------------------------------------------------------


def feed_row(key: str, child: DirectoryChild, **changes: object) -> dict[str, object]:
    """The CSV row of a source that knows `child`, with `changes` to its details."""
    row: dict[str, object] = {
        "source_record_id": key,
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "gender": child.gender,
        "address_line_1": child.address_line_1,
        "town": child.town,
        "postcode": child.postcode,
        "responsible_authority": child.authority,
    }
    row.update(changes)
    return row


def write_feed(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def doubtful(key: str, child: DirectoryChild, pool: list[TrueChild], rng: random.Random,
             today: date) -> dict[str, object] | None:  # fmt: skip
    """The child with 1-3 details changed by the corruption model; None when the change
    leaves out something a feed must carry (a given name, a date of birth)."""
    query = corrupt(child.as_true_child(), pool, rng, today)
    if query is None or "givenName" not in query.criteria or "dateOfBirth" not in query.criteria:
        return None
    c = query.criteria
    return feed_row(
        key, child, given_names=c["givenName"], family_name=c["familyName"],
        date_of_birth=c["dateOfBirth"], postcode=c.get("postcode"), address_line_1=None,
        town=None, changes="+".join(sorted(query.changes)), fields=query.fields_changed,
    )  # fmt: skip


def someone_new(key: str, kind: str, child: DirectoryChild, pool: list[DirectoryChild],
                rng: random.Random) -> dict[str, object]:  # fmt: skip
    """A child the directory does not hold: `kind` says how close to `child` it comes."""
    same_gender = [p for p in pool[:200] if p.gender == child.gender] or pool[:200]
    given = next(
        p.given_names for p in rng.sample(same_gender, min(20, len(same_gender)))
        if p.given_names.split(" ")[0] != child.given_names.split(" ")[0]
    )  # fmt: skip
    if kind == "twin":
        return feed_row(key, child, given_names=given)
    if kind == "sibling":
        years = rng.choice([-4, -3, -2, -1, 1, 2, 3, 4])
        born = child.date_of_birth + timedelta(days=365 * years + rng.randint(-150, 150))
        born = min(born, date.today() - timedelta(days=30))
        return feed_row(key, child, given_names=given, date_of_birth=born.isoformat())
    family, born, home = rng.choice(pool), rng.choice(pool), rng.choice(pool)
    return feed_row(
        key, home, given_names=given, family_name=family.family_name,
        date_of_birth=born.date_of_birth.isoformat(), gender=child.gender,
    )  # fmt: skip


# --- running the CLI ------------------------------------------------------------------


def register_source(db: DemoDatabase) -> None:
    if psql(db.url, f"SELECT 1 FROM feed_source WHERE code = '{SOURCE}'"):
        return
    # After the national sources on identifiers, before them on the address it is sent.
    subprocess.run(
        [BIN / "contactpoint", "sources", "add", "--code", SOURCE, "--name", "Bench refresh",
         "--precedence", "5"],
        env=db.env(), check=True, capture_output=True,
    )  # fmt: skip


def run_import(db: DemoDatabase, path: Path) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    done = subprocess.run(
        [BIN / "contactpoint", "import", "--source", SOURCE, str(path)],
        env=db.env(), capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    found = SUMMARY.search(done.stdout + done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"import failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed, {k: int(v) for k, v in found.groupdict().items()}


def print_run(label: str, records: int, elapsed: float, counts: dict[str, int]) -> None:
    print(
        f"{label:<10} {records:>9,} records in {elapsed:7.1f} s = {records / elapsed:8,.0f}/s"
        f"   exact {counts['exact']:,}, probable {counts['probable']:,}, review"
        f" {counts['review']:,}, new {counts['created']:,}, unchanged {counts['unchanged']:,},"
        f" rejected {counts['rejected']:,}"
    )


# --- speed ----------------------------------------------------------------------------


def speed_rows(children: list[DirectoryChild], count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    today = date.today()
    pool = [c.as_true_child() for c in children[:5000] if c.postcode]
    rows: list[dict[str, object]] = []
    for i, child in enumerate(children[:count]):
        key, roll = f"BENCH-{i}", rng.random()
        mover = children[rng.randrange(len(children))]
        if roll < 0.50 and (child.nhs_number or child.upn):
            rows.append(
                feed_row(
                    key, child, nhs_number=child.nhs_number,
                    upn=None if child.nhs_number else child.upn,
                    address_line_1=mover.address_line_1, town=mover.town,
                    postcode=mover.postcode,
                )
            )  # fmt: skip
        elif roll < 0.90:
            rows.append(feed_row(key, child))
        elif roll < 0.91:
            row = None
            while row is None:
                row = doubtful(key, child, pool, rng, today)
                if row is not None and int(str(row["fields"])) < 2:
                    row = None
            rows.append(row)
        else:
            kind = rng.choice(["made", "made", "made", "twin", "sibling"])
            rows.append(someone_new(key, kind, child, children, rng))
    return rows


def speed(args: argparse.Namespace) -> None:
    with demo_database(args.children, args.seed, "import", args.keep, args.reuse) as db:
        if db.load_seconds:
            print(f"loaded {args.children:,} demo children in {db.load_seconds:.0f} s")
        children = directory_children(db, None, args.seed)
        rows = speed_rows(children, args.records or len(children), args.seed)
        path = Path(tempfile.mkdtemp()) / "refresh.csv"
        write_feed(path, rows)
        register_source(db)
        first = run_import(db, path)
        print_run("refresh", len(rows), *first)
        again = run_import(db, path)
        print_run("re-run", len(rows), *again)
        size = psql(db.url, "SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size after both: {size}")


# --- quality --------------------------------------------------------------------------


@dataclass(slots=True)
class Truth:
    """What each imported record really is: the child it duplicates, or no one."""

    child: dict[str, str | None]  # record key -> ContactPoint ID or None
    kind: dict[str, str]  # record key -> what the record is, for the breakdown
    changes: dict[str, str] = field(default_factory=dict)  # duplicates: what was changed


def quality_rows(children: list[DirectoryChild], people: int, seed: int, twins: float = 0.2
                 ) -> tuple[list[dict[str, object]], Truth]:  # fmt: skip
    rng = random.Random(seed)
    today = date.today()
    pool = [c.as_true_child() for c in children if c.postcode]
    truth = Truth({}, {})
    rows: list[dict[str, object]] = []
    source = iter(children)
    while len(rows) < people:
        child = next(source)
        if not child.postcode:
            continue
        key = f"DUP-{child.cp_id}"
        row = doubtful(key, child, pool, rng, today)
        if row is None:
            continue
        rows.append(row)
        truth.child[key] = child.cp_id
        truth.kind[key] = f"duplicate, {row['fields']} field{'s' if row['fields'] != 1 else ''}"
        truth.changes[key] = str(row["changes"])
    # Every fifth new person is a twin at --twins 0.2; fewer, and the rest of those are
    # made of parts, the other records staying as they were.
    every = max(1, round(0.2 / twins)) if twins > 0 else 0
    for i in range(people):
        child = next(source)
        kind = "made" if i % 5 < 3 else ("twin" if i % 5 == 3 else "sibling")
        if kind == "twin" and (not every or (i // 5) % every):
            kind = "made"
        key = f"NEW-{i}"
        rows.append(someone_new(key, kind, child, children, rng))
        truth.child[key] = None
        truth.kind[key] = f"new, {'made of parts' if kind == 'made' else kind}"
    rng.shuffle(rows)
    return rows, truth


@dataclass(slots=True)
class Outcome:
    merged: str | None  # the existing child the record was merged into
    candidates: tuple[str, ...] | None  # when sent to review
    created: bool


def outcomes(db: DemoDatabase, before: int) -> dict[str, Outcome]:
    """Where each record of the bench source went: merged, review or a new child."""
    found: dict[str, Outcome] = {}
    merged = psql(
        db.url,
        "SELECT s.source_key, c.contact_point_id, c.id > " + str(int(before)) + " FROM"
        f" source_record s JOIN child c ON c.id = s.child_id WHERE s.source = '{SOURCE}'",
    )
    for line in filter(None, merged.split("\n")):
        key, cp_id, created = line.split("|")
        found[key] = Outcome(None if created == "t" else cp_id, None, created == "t")
    reviews = psql(
        db.url,
        "SELECT r.source_record_id, coalesce(string_agg(c.contact_point_id, ','), '')"
        " FROM match_review r LEFT JOIN LATERAL jsonb_array_elements(r.candidates) e ON true"
        " LEFT JOIN child c ON c.id = CAST(e->>'childId' AS bigint)"
        f" WHERE r.source = '{SOURCE}' AND r.status = 'PENDING' GROUP BY r.source_record_id",
    )
    for line in filter(None, reviews.split("\n")):
        key, ids = line.split("|")
        found[key] = Outcome(None, tuple(filter(None, ids.split(","))), False)
    return found


def report_quality(truth: Truth, found: dict[str, Outcome]) -> None:
    keys = list(truth.child)
    merges = [k for k in keys if found[k].merged is not None]
    right = [k for k in merges if found[k].merged == truth.child[k]]
    reviews = [k for k in keys if found[k].candidates is not None]
    duplicates = [k for k in keys if truth.child[k] is not None]
    caught = [
        k
        for k in duplicates
        if found[k].merged == truth.child[k] or truth.child[k] in (found[k].candidates or ())
    ]
    print(
        f"{len(keys):,} records ({len(duplicates):,} duplicates, {len(keys) - len(duplicates):,}"
        " new people)"
    )
    precision = len(right) / max(len(merges), 1)
    print(f"  automatic merges    {len(merges):>6,}   precision {precision:.4f}"
          f"   ({len(merges) - len(right)} wrong)")  # fmt: skip
    print(f"  sent to review      {len(reviews):>6,}   share {len(reviews) / len(keys):.4f}")
    print(f"  recall, merges + reviews {len(caught) / len(duplicates):.4f}"
          f"   automatic only {len(right) / len(duplicates):.4f}")  # fmt: skip
    print(f"\n  {'kind':<26} {'n':>6} {'merged right':>13} {'wrong':>6} {'review':>7}"
          f" {'new':>6}")  # fmt: skip
    for kind in sorted(set(truth.kind.values())):
        group = [k for k in keys if truth.kind[k] == kind]
        counts = Counter(
            "right" if found[k].merged is not None and found[k].merged == truth.child[k]
            else "wrong" if found[k].merged is not None
            else "review" if found[k].candidates is not None
            else "new"
            for k in group
        )  # fmt: skip
        print(
            f"  {kind:<26} {len(group):>6} {counts['right']:>13} {counts['wrong']:>6}"
            f" {counts['review']:>7} {counts['new']:>6}"
        )


def report_missed(truth: Truth, found: dict[str, Outcome], top: int = 12) -> None:
    """What was changed in the duplicates not merged automatically, commonest first."""
    missed = Counter(truth.changes[k] for k in truth.changes if found[k].merged != truth.child[k])
    if missed:
        print("\n  duplicates not merged automatically, by what was changed:")
        for changes, n in missed.most_common(top):
            print(f"    {n:>5}  {changes}")


def run_quality(db: DemoDatabase, rows: list[dict[str, object]], truth: Truth) -> None:
    path = Path(tempfile.mkdtemp()) / "quality.csv"
    write_feed(path, rows)
    register_source(db)
    before = int(psql(db.url, "SELECT max(id) FROM child"))
    elapsed, counts = run_import(db, path)
    print_run("import", len(rows), elapsed, counts)
    found = outcomes(db, before)
    report_quality(truth, found)
    report_missed(truth, found)


def quality(args: argparse.Namespace) -> None:
    with demo_database(args.children, args.seed, "importq", args.keep, args.reuse) as db:
        children = directory_children(db, 3 * args.people + 1000, args.seed)
        rows, truth = quality_rows(children, args.people, args.seed, args.twins)
        run_quality(db, rows, truth)


# --- FEBRL 3 --------------------------------------------------------------------------


def febrl_rows(ids: dict[int, str]) -> Iterator[tuple[dict[str, object], str | None, str]]:
    records = load_records()
    held_out_seen: set[int] = set()
    for r in records:
        if r.original or not (r.given and r.family and r.dob):
            continue
        if r.person not in ids:
            if r.person in held_out_seen:
                continue
            held_out_seen.add(r.person)
        row: dict[str, object] = {
            "source_record_id": f"FEBRL-{r.rec_id}",
            "given_names": r.given,
            "family_name": r.family,
            "date_of_birth": r.dob.isoformat(),
            "gender": "NOT_KNOWN",
            "postcode": r.postcode,
            "responsible_authority": "E08000035",
        }
        truth = ids.get(r.person)
        yield row, truth, "duplicate" if truth else "new (held out)"


def febrl3(args: argparse.Namespace) -> None:
    records = load_records()
    complete = [r for r in records if r.original and r.given and r.family and r.dob]
    held_out = {r.person for r in complete if r.person % 5 == 0}
    originals = [r for r in complete if r.person not in held_out]
    with demo_database(args.children, args.seed, "importf", args.keep, args.reuse) as db:
        ids = asyncio.run(_insert_children(db.url, originals))
        rows, truth = [], Truth({}, {})
        for row, child, kind in febrl_rows(ids):
            rows.append(row)
            truth.child[str(row["source_record_id"])] = child
            truth.kind[str(row["source_record_id"])] = kind
        print(f"FEBRL 3: {len(originals):,} originals in a directory of {args.children:,}")
        run_quality(db, rows, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["speed", "quality", "febrl3"])
    parser.add_argument("--children", type=int, default=100_000, help="demo directory")
    parser.add_argument("--records", type=int, help="speed: refresh size (default: children)")
    parser.add_argument("--people", type=int, default=5000, help="quality: duplicates, and new")
    parser.add_argument(
        "--twins", type=float, default=0.2,
        help="quality: share of the new people who are twins of a directory child",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", metavar="DB:CREDS", help="a database kept by --keep")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    {"speed": speed, "quality": quality, "febrl3": febrl3}[args.mode](args)


if __name__ == "__main__":
    main()
