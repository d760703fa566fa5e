"""The samples `contactpoint linkage train` learns from, as pattern counts.

Random pairs of children show how often two different children agree (u); pairs that
share a blocking key (the date of birth, the family name's sound and birth year, or the
postcode) hold what duplicates the directory has, from which EM estimates m. Both are
counted per comparison pattern in SQL, so only a few hundred rows reach Python.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.queries.linkage import CHILD_AS_QUERY, LEVELS_SQL
from backend.linkage.em import Pattern

_PATTERN = "family_level, given_level, birth_level, postcode_level, gender_level"

_RANDOM_PAIRS = f"""
WITH sample AS (
    SELECT id, row_number() OVER () AS n FROM (
      SELECT id FROM child WHERE status = 'ACTIVE' ORDER BY random() LIMIT :pairs * 2) s
),
pairs AS (
    SELECT x.id AS a_id, y.id AS b_id FROM sample x JOIN sample y ON y.n = x.n + :pairs
),
q AS ({CHILD_AS_QUERY} JOIN pairs p ON p.a_id = a.id),
compared AS (
    SELECT {LEVELS_SQL} FROM q JOIN pairs p ON p.a_id = q.id JOIN child c ON c.id = p.b_id
)
SELECT {_PATTERN}, count(*) AS pairs FROM compared GROUP BY {_PATTERN}
"""  # noqa: S608 - built from constant SQL texts

# For each sampled child, a few others sharing a blocking key (each key capped).
_BLOCKED_PAIRS = f"""
WITH sample AS (
    SELECT * FROM child WHERE status = 'ACTIVE' ORDER BY random() LIMIT :children
),
pairs AS (
    SELECT DISTINCT s.id AS a_id, b.id AS b_id FROM sample s
      CROSS JOIN LATERAL (
        (SELECT c.id FROM child c WHERE c.date_of_birth = s.date_of_birth AND c.id <> s.id
           AND c.status = 'ACTIVE' LIMIT :per_key)
        UNION
        (SELECT c.id FROM child c WHERE c.family_sound = s.family_sound
           AND c.date_of_birth BETWEEN date_trunc('year', s.date_of_birth)
               AND date_trunc('year', s.date_of_birth) + interval '1 year - 1 day'
           AND c.id <> s.id AND c.status = 'ACTIVE' LIMIT :per_key)
        UNION
        (SELECT c.id FROM child c WHERE c.postcode = s.postcode AND c.id <> s.id
           AND c.status = 'ACTIVE' LIMIT :per_key)
      ) b
),
q AS ({CHILD_AS_QUERY} WHERE a.id IN (SELECT a_id FROM pairs)),
compared AS (
    SELECT {LEVELS_SQL} FROM pairs p JOIN q ON q.id = p.a_id JOIN child c ON c.id = p.b_id
)
SELECT {_PATTERN}, count(*) AS pairs FROM compared GROUP BY {_PATTERN}
"""  # noqa: S608 - built from constant SQL texts


async def _patterns(conn: AsyncConnection, sql: str, values: dict[str, int]) -> dict[Pattern, int]:
    rows = await conn.execute(text(sql), values)
    return {tuple(int(v) for v in row[:5]): int(row.pairs) for row in rows}


async def random_pair_patterns(conn: AsyncConnection, pairs: int) -> dict[Pattern, int]:
    return await _patterns(conn, _RANDOM_PAIRS, {"pairs": pairs})


async def blocked_pair_patterns(
    conn: AsyncConnection, children: int, per_key: int
) -> dict[Pattern, int]:
    return await _patterns(conn, _BLOCKED_PAIRS, {"children": children, "per_key": per_key})


async def active_children(conn: AsyncConnection) -> int:
    return int(
        (await conn.execute(text("SELECT count(*) FROM child WHERE status = 'ACTIVE'"))).scalar()
        or 0
    )


# How often two children picked at random share the exact value: the sum of each value's
# squared share. Random pairs are too few to see agreements this rare (a postcode is
# shared by about one pair in a hundred thousand).
_EXACT_SHARES = """
SELECT (SELECT sum(n * n) FROM (SELECT count(*)::float8 AS n FROM child
          WHERE status = 'ACTIVE' AND family_key <> '' GROUP BY family_key) t) AS family,
       (SELECT sum(n * n) FROM (SELECT count(*)::float8 AS n FROM child
          WHERE status = 'ACTIVE' AND given_key <> '' GROUP BY given_key) t) AS given,
       (SELECT sum(n * n) FROM (SELECT count(*)::float8 AS n FROM child
          WHERE status = 'ACTIVE' GROUP BY date_of_birth) t) AS birth,
       (SELECT sum(n * n) FROM (SELECT count(*)::float8 AS n FROM child
          WHERE status = 'ACTIVE' AND postcode IS NOT NULL GROUP BY postcode) t) AS postcode,
       (SELECT count(*)::float8 FROM child WHERE status = 'ACTIVE') AS children
"""


async def exact_agreement_shares(conn: AsyncConnection) -> dict[str, float]:
    row = (await conn.execute(text(_EXACT_SHARES))).one()
    n = row.children or 0.0
    if n < 2:
        return {}
    return {
        name: float(getattr(row, name) or 0.0) / (n * n)
        for name in ("family", "given", "birth", "postcode")
    }
