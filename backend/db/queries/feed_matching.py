"""Matching a batch of incoming records to children, set-based (SPEC section 7).

The batch is COPYed into `feed_stage`; then a few statements decide every record's
outcome at once into `feed_match`:

1. UNCHANGED: the source sent this record before with the same content (or it waits
   in the review queue with the same content).
2. EXACT: the source's own record id is known, or the NHS number or UPN is a child's
   (two different children for the two numbers: REVIEW).
3. A clear match: the record agrees exactly with one child on every detail, and the
   weights prove no rival could come near it (`backend/linkage/clear_match.py`):
   PROBABLE, the decision the engine below would make, from two index lookups.
4. Otherwise the linkage engine: candidates through the feed routes (the search routes
   of `backend/db/queries/linkage.py`, q being the staged record), each candidate's
   fields compared and weighed. PROBABLE when the best is a strong match, far ahead of
   the next, with no name or date of birth plainly different (unless the rest says a
   name change or a slip: `_DIFFERENT`) and no NHS number or UPN that contradicts it;
   REVIEW when it is at least a possible match; else NEW.

The temporary tables (`CREATE_TEMPORARY`, and `feed_win` when applying) live on the
connection that matches the batch, the load's own or its helper's: nothing of a batch is
ever written to a table another session could read before the batch commits.
"""

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from backend.db.queries.linkage import (
    LEVELS_SQL,
    LOCATION_VISIBLE,
    ROUTES,
    WEIGHT_SQL,
    route_sql,
)
from backend.feeds.records import FeedRecord
from backend.linkage.clear_match import clear_match
from backend.linkage.fields import LEVELS, LinkField
from backend.linkage.model import Model

STAGE_COLUMNS = (
    "line",
    "source_record_id",
    "content_hash",
    "nhs_number",
    "upn",
    "given_names",
    "family_name",
    "previous_family_name",
    "date_of_birth",
    "gender",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "authority_id",
    "carers",
    "services",
)


# A staged record seen as the query side of the linkage SQL.
# cp_date_slips costs half a millisecond a call: it is called once per record, its
# result reused (OFFSET 0 keeps the planner from folding the inner query back in).
_STAGE_AS_QUERY = """
  SELECT d.*, array_remove(ARRAY[d.dob_swapped], NULL) || d.dob_slips AS dob_near FROM (
  SELECT k.*, string_to_array(k.family, ' ') AS family_words,
         cp_phonetics(k.family) AS family_codes,
         cp_given_variants(coalesce(k.given, '')) AS given_variants,
         cp_phonetics(coalesce(k.given, '')) AS given_codes,
         CASE WHEN k.previous IS NULL THEN CAST('{}' AS text[])
              ELSE string_to_array(k.previous, ' ') END AS previous_words,
         cp_date_swapped(k.dob) AS dob_swapped, cp_date_slips(k.dob) AS dob_slips,
         make_date(CAST(extract(year FROM k.dob) AS int), 1, 1) AS year_start,
         make_date(CAST(extract(year FROM k.dob) AS int), 12, 31) AS year_end,
         left(k.postcode, -2) AS sector, split_part(k.postcode, ' ', 1) AS outward,
         true AS sees_all, CAST(NULL AS integer) AS team
    FROM (SELECT s.line, nullif(cp_name_key(s.family_name), '') AS family,
                 nullif(split_part(cp_name_key(s.given_names), ' ', 1), '') AS given,
                 nullif(cp_name_key(s.previous_family_name), '') AS previous,
                 s.date_of_birth AS dob, s.postcode, s.gender
            FROM feed_stage s /*where*/) k OFFSET 0) d"""

# Created once per connection and emptied per batch: creating them per batch would add
# catalogue rows (and their bloat) at every batch. feed_query takes its columns from the
# query that fills it, so the two cannot drift apart.
CREATE_TEMPORARY = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS feed_stage (
  line int PRIMARY KEY, source_record_id text NOT NULL, content_hash text NOT NULL,
  nhs_number text, upn text, given_names text NOT NULL, family_name text NOT NULL,
  previous_family_name text, date_of_birth date NOT NULL, gender text NOT NULL,
  address_line1 text, address_line2 text, town text, postcode text,
  authority_id int NOT NULL, carers jsonb, services jsonb);
CREATE TEMPORARY TABLE IF NOT EXISTS feed_match (
  line int PRIMARY KEY, outcome text NOT NULL, child_id bigint, weight float8,
  candidates jsonb);
CREATE TEMPORARY TABLE IF NOT EXISTS feed_candidate (line int NOT NULL, child_id bigint NOT NULL);
CREATE TEMPORARY TABLE IF NOT EXISTS feed_pair (
  line int NOT NULL, child_id bigint NOT NULL, weight float8 NOT NULL,
  family_level int, given_level int, birth_level int, postcode_level int,
  gender_level int, previous_level int);
CREATE TEMPORARY TABLE IF NOT EXISTS feed_query AS {_STAGE_AS_QUERY} WITH NO DATA;
TRUNCATE feed_stage, feed_match, feed_candidate, feed_pair, feed_query;
"""

# Every search route but the two a whole record does not need: everyone born that day
# (the costliest; a record has its names and postcode to go on) and the family name among
# children whose whereabouts a searcher may not see (a feed compares every child). The
# year routes bring the 30 nearest births, not search's 100: a feed decides on its best
# two candidates, not a page of ten (the 100k quality and FEBRL 3 runs decide every record
# the same either way, measured 2026-12-07).
_FEED_CAPS = {"family_year": 30, "given_year": 30}
FEED_ROUTES = tuple(
    replace(route, cap=_FEED_CAPS.get(route.name, route.cap))
    for route in ROUTES
    if route.name not in ("birth", "family_unseen")
)

_UNCHANGED = """
INSERT INTO feed_match (line, outcome, child_id)
SELECT s.line, 'UNCHANGED', r.child_id FROM feed_stage s
  JOIN source_record r ON r.source = $1 AND r.source_key = s.source_record_id
 WHERE r.content_hash = s.content_hash
UNION ALL
SELECT s.line, 'UNCHANGED', NULL FROM feed_stage s
  JOIN match_review v ON v.status = 'PENDING' AND v.source = $1
   AND v.source_record_id = s.source_record_id AND v.content_hash = s.content_hash
"""

_KNOWN_RECORD = """
INSERT INTO feed_match (line, outcome, child_id)
SELECT s.line, 'EXACT', r.child_id FROM feed_stage s
  JOIN source_record r ON r.source = $1 AND r.source_key = s.source_record_id
 WHERE NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = s.line)
"""

# The NHS number and the UPN naming two different children: someone must look.
_IDENTIFIERS = """
WITH found AS (
  SELECT s.line, n.id AS by_nhs, u.id AS by_upn FROM feed_stage s
    LEFT JOIN child n ON n.nhs_number = s.nhs_number
    LEFT JOIN child u ON u.upn = s.upn
   WHERE (n.id IS NOT NULL OR u.id IS NOT NULL)
     AND NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = s.line)
), decided AS (
  INSERT INTO feed_match (line, outcome, child_id)
  SELECT line, CASE WHEN by_nhs <> by_upn THEN 'REVIEW' ELSE 'EXACT' END,
         CASE WHEN by_nhs <> by_upn THEN NULL ELSE coalesce(by_nhs, by_upn) END
    FROM found
)
INSERT INTO feed_candidate (line, child_id)
SELECT line, by_nhs FROM found WHERE by_nhs <> by_upn
UNION ALL SELECT line, by_upn FROM found WHERE by_nhs <> by_upn
"""

# The clear matches (`backend/linkage/clear_match.py`): one child agreeing on every
# detail, no identifier contradicting it, and no rival among the children at the same
# postcode or born the same day (or its swap) in the same sector, each compared in full.
_CLEAR_SQL = f"""
WITH e AS MATERIALIZED (
  SELECT s.line, cp_name_key(s.family_name) AS family,
         split_part(cp_name_key(s.given_names), ' ', 1) AS given,
         s.date_of_birth AS dob, s.postcode, s.gender, s.nhs_number, s.upn
    FROM feed_stage s
   WHERE s.previous_family_name IS NULL AND s.postcode IS NOT NULL
     AND s.gender <> 'NOT_KNOWN'
     AND NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = s.line)
), agreeing AS (
  SELECT e.line, min(c.id) AS child_id, count(*) AS children,
         bool_or(e.nhs_number <> c.nhs_number OR e.upn <> c.upn) AS contradicted
    FROM e JOIN child c ON c.postcode = e.postcode AND c.date_of_birth = e.dob
     AND c.family_key = e.family AND c.given_key = e.given AND c.gender = e.gender
   WHERE c.status = 'ACTIVE' AND e.family <> '' AND e.given <> ''
   GROUP BY e.line
), agreed AS MATERIALIZED (
  SELECT line, child_id FROM agreeing WHERE children = 1 AND contradicted IS NOT TRUE
), near AS MATERIALIZED (
  SELECT a.line, r.id AS rival FROM agreed a JOIN e ON e.line = a.line
    JOIN child r ON r.postcode = e.postcode
   WHERE r.id <> a.child_id AND r.status = 'ACTIVE'
  UNION
  SELECT a.line, r.id FROM agreed a JOIN e ON e.line = a.line
    JOIN child r ON left(r.postcode, -2) = left(e.postcode, -2)
     AND r.date_of_birth IN (e.dob, cp_date_swapped(e.dob))
   WHERE r.id <> a.child_id AND r.status = 'ACTIVE'
), q AS MATERIALIZED ({
    _STAGE_AS_QUERY.replace("/*where*/", "WHERE s.line IN (SELECT line FROM near)")
}), rivalled AS (
  SELECT DISTINCT n.line FROM near n JOIN q ON q.line = n.line JOIN child c ON c.id = n.rival
   CROSS JOIN LATERAL (SELECT {LEVELS_SQL}) l
   WHERE {WEIGHT_SQL} > $7
)
INSERT INTO feed_match (line, outcome, child_id, weight)
SELECT line, 'PROBABLE', child_id, $8 FROM agreed
 WHERE line NOT IN (SELECT line FROM rivalled)
"""  # noqa: S608 - built from constant SQL texts


# The records still to decide seen as queries, computed once for the routes and the
# pairs (the date's slips, the names' variants and codes cost about a millisecond a
# record): those not matched yet, and those whose NHS number and UPN name two children
# (REVIEW already: their two candidates are compared and shown).
_QUERIES_WHERE = (
    "WHERE NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = s.line AND m.outcome <> 'REVIEW')"
)
_QUERIES = f"""INSERT INTO feed_query {_STAGE_AS_QUERY.replace("/*where*/", _QUERIES_WHERE)}"""


def _routes_sql() -> str:
    union = " UNION ".join(f"({route_sql(route, guarded=True)})" for route in FEED_ROUTES)
    return f"""
INSERT INTO feed_candidate (line, child_id)
SELECT q.line, r.id FROM feed_query q CROSS JOIN LATERAL ({union}) r
 WHERE NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = q.line)
"""  # noqa: S608 - built from constant SQL texts


_ROUTES = _routes_sql()

# Most candidates of a route on names were born on another day somewhere else. What the
# date and the postcode weigh, with every other field at its best ($7, and $8 for a
# previous name), bounds a candidate's weight: under the pruning line ($9, see
# `pruning_line`) it can change no decision, and its names (the costly comparisons) are
# never compared. A line with an NHS number and UPN conflict keeps all its candidates.
_PAIRS = f"""
WITH compared AS (
  SELECT DISTINCT ON (p.line, c.id) p.line, c.id AS child_id, {LEVELS_SQL}
    FROM feed_candidate p JOIN feed_query q ON q.line = p.line
    JOIN child c ON c.id = p.child_id
   WHERE (CAST(:w_birth AS float8[]))[
           cp_birth_level(q.dob, q.dob_swapped, q.dob_slips, c.date_of_birth) + 1]
         + (CAST(:w_postcode AS float8[]))[CASE WHEN {LOCATION_VISIBLE}
             THEN cp_postcode_level(q.postcode, q.outward, c.postcode) ELSE 0 END + 1]
         + $7 + CASE WHEN q.previous IS NULL THEN 0 ELSE $8 END >= $9
      OR EXISTS (SELECT 1 FROM feed_match m WHERE m.line = p.line)
)
INSERT INTO feed_pair (line, child_id, weight, family_level, given_level, birth_level,
                       postcode_level, gender_level, previous_level)
SELECT line, child_id, {WEIGHT_SQL}, family_level, given_level, birth_level,
       postcode_level, gender_level, previous_level
  FROM compared
"""  # noqa: S608 - built from constant SQL texts

# A best candidate with one of these is a doubt, however much the rest weighs. Another
# given name: a twin the directory does not hold yet looks just like that. Another family
# name is a name change when the given name and birth date are the child's (no household
# explains a stranger sharing both); another birth date a slip of the pen when the names
# and postcode are the child's (no family gives two children one name).
_DIFFERENT = (
    f"given_level = {LEVELS[LinkField.GIVEN].index('DIFFERENT')}"
    f" OR (birth_level = {LEVELS[LinkField.BIRTH].index('DIFFERENT')}"
    f" AND NOT (family_level = {LEVELS[LinkField.FAMILY].index('EXACT')}"
    f" AND given_level = {LEVELS[LinkField.GIVEN].index('EXACT')}"
    f" AND postcode_level = {LEVELS[LinkField.POSTCODE].index('EXACT')}))"
    f" OR (family_level = {LEVELS[LinkField.FAMILY].index('DIFFERENT')}"
    f" AND NOT (given_level = {LEVELS[LinkField.GIVEN].index('EXACT')}"
    f" AND birth_level = {LEVELS[LinkField.BIRTH].index('EXACT')}))"
)

# Another child of the family: another given name and a birth date no slip explains.
# Family name and address agree so often within a household that their weights, summed
# as if independent, would send every new brother or sister to review (bench/README.md).
_SIBLING = (
    f"given_level = {LEVELS[LinkField.GIVEN].index('DIFFERENT')}"
    f" AND birth_level NOT IN ({LEVELS[LinkField.BIRTH].index('EXACT')},"
    f" {LEVELS[LinkField.BIRTH].index('DAY_MONTH_SWAPPED')},"
    f" {LEVELS[LinkField.BIRTH].index('SLIP')})"
)

_CANDIDATE_JSON = """jsonb_build_object('childId', child_id, 'weight', round(weight::numeric, 2),
  'levels', jsonb_build_object('family', family_level, 'given', given_level,
    'birth', birth_level, 'postcode', postcode_level, 'gender', gender_level))"""

_DECIDE = f"""
WITH ranked AS (
  -- An NHS number and a UPN naming two children: both are shown, however alike.
  SELECT p.*, row_number() OVER (PARTITION BY line ORDER BY weight DESC, child_id) AS rank,
         EXISTS (SELECT 1 FROM feed_match m WHERE m.line = p.line) AS conflict
    FROM feed_pair p
   WHERE NOT ({_SIBLING}) OR EXISTS (SELECT 1 FROM feed_match m WHERE m.line = p.line)
), best AS (
  SELECT line,
         max(weight) FILTER (WHERE rank = 1) AS best,
         max(weight) FILTER (WHERE rank = 2) AS second,
         max(child_id) FILTER (WHERE rank = 1) AS child_id,
         bool_or(rank = 1 AND ({_DIFFERENT})) AS disagrees,
         jsonb_agg({_CANDIDATE_JSON} ORDER BY rank)
           FILTER (WHERE rank <= $4 AND (weight >= $1 OR conflict)) AS candidates
    FROM ranked GROUP BY line
), refreshed AS (
  UPDATE feed_match m SET candidates = b.candidates FROM best b
   WHERE m.line = b.line AND m.outcome = 'REVIEW'
)
INSERT INTO feed_match (line, outcome, child_id, weight, candidates)
SELECT s.line, o.outcome, CASE WHEN o.outcome = 'PROBABLE' THEN b.child_id END, b.best,
       CASE WHEN o.outcome = 'REVIEW' THEN b.candidates END
  FROM feed_stage s
  LEFT JOIN best b ON b.line = s.line
  LEFT JOIN child c ON c.id = b.child_id
  CROSS JOIN LATERAL (SELECT CASE
      WHEN b.best IS NULL OR b.best < $1 THEN 'NEW'
      WHEN b.best >= $2 AND (b.second IS NULL OR b.best - b.second >= $3)
           AND NOT b.disagrees
           AND NOT (s.nhs_number IS NOT NULL AND c.nhs_number IS NOT NULL
                    AND s.nhs_number <> c.nhs_number)
           AND NOT (s.upn IS NOT NULL AND c.upn IS NOT NULL AND s.upn <> c.upn)
        THEN 'PROBABLE'
      ELSE 'REVIEW' END AS outcome) o
 WHERE NOT EXISTS (SELECT 1 FROM feed_match m WHERE m.line = s.line)
"""  # noqa: S608 - built from constant SQL texts


@dataclass(frozen=True, slots=True)
class Lines:
    """The lines a feed's matching is held to, in bits of match weight."""

    possible: float
    strong: float
    # The best must lead the next candidate by this much to be taken without a review.
    margin: float
    shown: int = 3


def weight_values(model: Model) -> list[list[float]]:
    """The weight arrays WEIGHT_SQL binds, for a full record (a full postcode)."""
    return [
        model.weights(LinkField.FAMILY),
        model.weights(LinkField.GIVEN),
        model.weights(LinkField.BIRTH),
        model.weights(LinkField.POSTCODE),
        model.weights(LinkField.GENDER),
        model.weights(LinkField.PREVIOUS),
    ]


def pruning_line(lines: Lines) -> float:
    """A candidate weighing less than this changes no outcome: it is no possible match,
    so never shown nor NEW's alternative; and as a runner-up it could stop a probable
    match only by coming within the margin of a best at or over the strong line."""
    return min(lines.possible, lines.strong - lines.margin)


def name_bounds(model: Model) -> tuple[float, float]:
    """The most a candidate's names and gender can weigh, and its previous name."""
    best = sum(max(model.weights(f)) for f in (LinkField.FAMILY, LinkField.GIVEN, LinkField.GENDER))
    return best, max(model.weights(LinkField.PREVIOUS))


def _positional(sql: str) -> str:
    """WEIGHT_SQL's named weight parameters as asyncpg's numbered ones."""
    for number, name in enumerate(
        ("w_family", "w_given", "w_birth", "w_postcode", "w_gender", "w_previous"), start=1
    ):
        sql = sql.replace(f":{name} ", f"${number} ")
    return sql


PAIRS = _positional(_PAIRS)
CLEAR = _positional(_CLEAR_SQL)


MATCH_COLUMNS = ("line", "outcome", "child_id", "weight", "candidates")


def stage_row(item: FeedRecord, authorities: dict[str, int]) -> tuple[Any, ...]:
    """A checked record as a row of feed_stage (STAGE_COLUMNS), its authority by id."""

    def listed(values: Any) -> str | None:
        return None if values is None else json.dumps([asdict(v) for v in values], default=str)

    return (
        item.line,
        item.source_record_id,
        item.content_hash,
        item.nhs_number,
        item.upn,
        item.given_names,
        item.family_name,
        item.previous_family_name,
        item.date_of_birth,
        item.gender,
        item.address_line_1,
        item.address_line_2,
        item.town,
        item.postcode,
        authorities[item.responsible_authority],
        listed(item.carers),
        listed(item.services),
    )


async def stage(pg: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    await pg.execute(CREATE_TEMPORARY)
    await pg.copy_records_to_table("feed_stage", records=rows, columns=list(STAGE_COLUMNS))


async def match(pg: Any, source: str, model: Model, lines: Lines) -> None:
    """Decide the outcome of every staged record into feed_match."""
    # The routes' statement is costed high enough for JIT, whose compiling took 2 s of
    # every batch and bought nothing (each function is cheap, the rows few per record).
    await pg.execute("SET LOCAL jit = off")
    # Autovacuum never analyses temporary tables: without these the planner guesses their
    # sizes, and a batch of corrupted records can take a nested loop for minutes.
    await pg.execute("ANALYZE feed_stage")
    await pg.execute(_UNCHANGED, source)
    await pg.execute(_KNOWN_RECORD, source)
    await pg.execute(_IDENTIFIERS)
    clear = clear_match(model, strong=lines.strong, margin=lines.margin)
    if clear is not None:
        await pg.execute(CLEAR, *weight_values(model), clear.rival_floor, clear.weight)
    await pg.execute("ANALYZE feed_match")
    await pg.execute(_QUERIES)
    await pg.execute("ANALYZE feed_query")
    await pg.execute(_ROUTES)
    await pg.execute("ANALYZE feed_candidate")
    await pg.execute(PAIRS, *weight_values(model), *name_bounds(model), pruning_line(lines))
    await pg.execute("ANALYZE feed_pair")
    await pg.execute(_DECIDE, lines.possible, lines.strong, lines.margin, lines.shown)


async def matches(pg: Any) -> list[tuple[Any, ...]]:
    """The outcomes decided on this connection, to carry over to another."""
    # candidates as text: SQLAlchemy's codec decodes jsonb on the way out, but COPY's
    # encoder takes only text on the way in.
    sql = "SELECT line, outcome, child_id, weight, CAST(candidates AS text) FROM feed_match"
    return [tuple(found) for found in await pg.fetch(sql)]


async def adopt(
    pg: Any, rows: Sequence[tuple[Any, ...]], decided: Sequence[tuple[Any, ...]]
) -> None:
    """Records staged and matched on another connection, added to this one's batch."""
    await pg.copy_records_to_table("feed_stage", records=rows, columns=list(STAGE_COLUMNS))
    await pg.copy_records_to_table("feed_match", records=decided, columns=list(MATCH_COLUMNS))
    await pg.execute("ANALYZE feed_stage")
    await pg.execute("ANALYZE feed_match")


# A review's record staged again as line 1, with the team's decision as its outcome.
_RESTAGE = """
INSERT INTO feed_stage
SELECT * FROM jsonb_populate_record(CAST(NULL AS feed_stage),
  (SELECT record || jsonb_build_object('line', 1, 'content_hash', content_hash)
     FROM match_review WHERE id = $1))
"""

_DROP_TEMPORARY = (
    "DROP TABLE IF EXISTS feed_stage, feed_match, feed_candidate, feed_pair, feed_query, feed_win"
)


async def restage_review(pg: Any, review_id: Any, *, outcome: str, child_id: int | None) -> None:
    """Stage a review's record with its decided outcome (EXACT to a child, or NEW), for
    `feed_apply.apply` to carry out as a load would."""
    await pg.execute(CREATE_TEMPORARY)
    await pg.execute(_RESTAGE, review_id)
    await pg.execute(
        "INSERT INTO feed_match (line, outcome, child_id) VALUES (1, $1, $2)", outcome, child_id
    )


async def stage_new(pg: Any, row: tuple[Any, ...]) -> None:
    """Stage one record as a new child, matched to no one (for `feed_apply.apply`)."""
    await stage(pg, [row])
    await pg.execute("INSERT INTO feed_match (line, outcome) VALUES ($1, 'NEW')", row[0])


async def staged_child(pg: Any) -> int:
    return int(await pg.fetchval("SELECT child_id FROM feed_match WHERE line = 1"))


async def drop_temporary(pg: Any) -> None:
    """Leave a pooled connection as it was found."""
    await pg.execute(_DROP_TEMPORARY)
