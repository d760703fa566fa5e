"""The linkage engine's SQL: candidate routes (blocking) and field comparisons.

Both are written against a query row `q` (what was typed, or an incoming record) and a
child `c`, so the same text serves one search (q = one row of bound values) and a data
feed (q = a staging table, set-based). The comparisons call the SQL functions of
migration 0008, which return the levels of `backend/linkage/fields.py`.

Every route is an index lookup on exact values, capped, and none needs the family name
to look alike: a child is found through whichever details survived.

A child's whereabouts are compared only where the caller may see them (q.sees_all, or the
child's responsible authority is q.team, the caller's own management team): otherwise
the postcode neither brings the child in through a location route nor changes its score.
"""

from dataclasses import dataclass

# q's columns: family text, family_words text[], family_codes text[], given text (first
# word), given_variants text[], given_codes text[], previous text, previous_words text[],
# dob date, dob_swapped date, dob_slips date[], dob_near date[] (swap and slips),
# year_start date, year_end date, postcode text (full), sector text, outward text,
# gender text, sees_all boolean, team integer.


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    # The query columns that must be present for the route to apply.
    needs: frozenset[str]
    condition: str
    cap: int = 400
    order: str = ""
    # A location route may only find children whose whereabouts the caller may see.
    location: bool = False


# Whether the caller may see child c's whereabouts (the policy's answer, as values in q).
# (Never NULL: a caller without a team has q.team NULL.)
LOCATION_VISIBLE = (
    "(NOT c.shielded OR q.sees_all OR c.responsible_authority_id IS NOT DISTINCT FROM q.team)"
)

_NEAREST_BIRTH = "abs(c.date_of_birth - q.dob), c.id"

ROUTES: tuple[Route, ...] = (
    # Every word of the family name and the given name or a variant among the child's
    # names: exact, nickname, swapped, double-barrelled, middle and previous names.
    Route(
        "names",
        frozenset({"family", "given"}),
        "c.name_words @> q.family_words AND c.name_words && q.given_variants",
    ),
    # Both names sound alike (Smith/Smyth, Sophie/Sofia).
    Route(
        "name_sounds",
        frozenset({"family_codes", "given_codes"}),
        "c.name_phonetics && q.family_codes AND c.name_phonetics && q.given_codes",
    ),
    # A typing error after the family name's first two letters, with the given name.
    Route(
        "family_typo",
        frozenset({"family", "given"}),
        "c.family_prefix = left(q.family, 2) AND c.given_key = ANY(q.given_variants)"
        " AND similarity(c.family_key, q.family) >= 0.3",
    ),
    # The family name exactly and the given name's first letter: a given name mistyped
    # after its first letter (Fatlma for Fatima), with no date of birth to go on.
    Route(
        "given_typo",
        frozenset({"family", "given"}),
        "c.family_key = q.family AND left(c.given_key, 1) = left(q.given, 1)"
        " AND levenshtein_less_equal(c.given_key, q.given, 2) <= 2",
    ),
    # The given name and the family name's last three letters: a family name mistyped at
    # its start (Eook, Lfetcher, Mith), with no date of birth to go on.
    Route(
        "family_ending",
        frozenset({"family", "given"}),
        "c.given_key = ANY(q.given_variants) AND right(c.family_key, 3) = right(q.family, 3)"
        " AND levenshtein_less_equal(c.family_key, q.family, 2) <= 2",
    ),
    # The family name's sound and the year of birth: no given name needed.
    Route(
        "family_year",
        frozenset({"family_codes", "dob"}),
        "c.family_sound = ANY(q.family_codes)"
        " AND c.date_of_birth BETWEEN q.year_start AND q.year_end",
        # The nearest in date first: a common name has thousands a year at 1M children,
        # and a date slipped by one digit is mostly days or months away.
        cap=100,
        order=_NEAREST_BIRTH,
    ),
    # The given name or a variant and the year of birth: no family name needed.
    Route(
        "given_year",
        frozenset({"given", "dob"}),
        "c.given_key = ANY(q.given_variants)"
        " AND c.date_of_birth BETWEEN q.year_start AND q.year_end",
        # The nearest in date first: a common name has thousands a year at 1M children,
        # and a date slipped by one digit is mostly days or months away.
        cap=100,
        order=_NEAREST_BIRTH,
    ),
    # Everyone born that day (about 150 a day at a million children).
    Route("birth", frozenset({"dob"}), "c.date_of_birth = q.dob", cap=1000),
    # The date with its day and month swapped or a slip, with the family name's start...
    Route(
        "birth_slip_family",
        frozenset({"dob", "family"}),
        "c.date_of_birth = ANY(q.dob_near) AND c.family_prefix = left(q.family, 2)",
    ),
    # ... or with the given name.
    Route(
        "birth_slip_given",
        frozenset({"dob", "given"}),
        "c.date_of_birth = ANY(q.dob_near) AND c.given_key = ANY(q.given_variants)",
    ),
    # The full postcode; those born nearest the date typed first when there are many.
    Route(
        "postcode",
        frozenset({"postcode"}),
        "c.postcode = q.postcode",
        cap=100,
        order="abs(c.date_of_birth - coalesce(q.dob, c.date_of_birth)), c.id",
        location=True,
    ),
    # The postcode sector (a unit mistyped) and the given name's sound.
    Route(
        "sector_given",
        frozenset({"sector", "given_codes"}),
        "left(c.postcode, -2) = q.sector AND c.given_sound = ANY(q.given_codes)",
        location=True,
    ),
    # The postcode district with the family name's first two letters (one composite
    # index: filtering a whole district's rows on other alike-ness cost 7 ms at 1M).
    Route(
        "district",
        frozenset({"outward", "family"}),
        "split_part(c.postcode, ' ', 1) = q.outward AND c.family_prefix = left(q.family, 2)",
        location=True,
    ),
    # The family name alone, among the children whose whereabouts the caller may not see,
    # when a postcode was typed: the location routes leave those children out, and this
    # brings them back on the name, so the postcode typed decides nothing about them.
    Route(
        "family_unseen",
        frozenset({"family", "outward"}),
        f"c.shielded AND c.name_words @> q.family_words AND NOT {LOCATION_VISIBLE}",
    ),
    # A previous name typed as such, with the given name or the date of birth.
    Route(
        "previous_name",
        frozenset({"previous"}),
        "c.name_words @> q.previous_words"
        " AND (c.name_words && q.given_variants OR c.date_of_birth = q.dob"
        " OR (q.given IS NULL AND q.dob IS NULL))",
    ),
)

ROUTE_NAMES = tuple(route.name for route in ROUTES)

# The columns of q that are arrays; the others are text or dates.
ARRAY_COLUMNS = frozenset(
    {"family_words", "family_codes", "given_variants", "given_codes", "previous_words",
     "dob_slips", "dob_near"}
)  # fmt: skip
DATE_COLUMNS = frozenset({"dob", "dob_swapped", "year_start", "year_end"})


def needs_sql(route: Route) -> str:
    """SQL true when q holds every value the route needs."""
    tests = []
    for name in sorted(route.needs):
        if name in ARRAY_COLUMNS:
            tests.append(f"cardinality(q.{name}) > 0")
        elif name in DATE_COLUMNS:
            tests.append(f"q.{name} IS NOT NULL")
        else:
            tests.append(f"q.{name} <> ''")
    return "(" + " AND ".join(tests) + ")"


def route_sql(route: Route, *, guarded: bool = False) -> str:
    """The route as a subquery over `child c` for the row `q` in scope. `guarded` adds
    the route's own test that q holds what it needs (for a set of rows, where some lack
    a value: an empty array would match every child)."""
    conditions = f"c.status = 'ACTIVE' AND {route.condition}"
    if guarded:
        conditions = f"{needs_sql(route)} AND {conditions}"
    if route.location:
        conditions += f" AND {LOCATION_VISIBLE}"
    order = f" ORDER BY {route.order}" if route.order else ""
    return f"SELECT c.id FROM child c WHERE {conditions}{order} LIMIT {route.cap}"  # noqa: S608


# The agreement level of each field between q and c (codes of backend/linkage/fields.py).
# The postcode is compared only where the caller may see the child's whereabouts.
LEVELS_SQL = f"""
  cp_family_level(q.family, q.family_words, q.family_codes,
                  c.family_key, c.family_phonetic, c.name_words) AS family_level,
  cp_given_level(q.given, q.given_variants, q.given_codes,
                 c.given_key, c.given_sound, c.name_words) AS given_level,
  cp_birth_level(q.dob, q.dob_swapped, q.dob_slips, c.date_of_birth) AS birth_level,
  CASE WHEN {LOCATION_VISIBLE} THEN cp_postcode_level(q.postcode, q.outward, c.postcode)
       ELSE 0 END AS postcode_level,
  cp_gender_level(q.gender, c.gender) AS gender_level,
  CASE WHEN q.previous IS NULL THEN 0 WHEN c.name_words @> q.previous_words THEN 1
       ELSE 2 END AS previous_level"""

# The match weight: each level's weight from bound arrays (index = level code + 1).
WEIGHT_SQL = """(
  (CAST(:w_family AS float8[]))[family_level + 1] + (CAST(:w_given AS float8[]))[given_level + 1]
  + (CAST(:w_birth AS float8[]))[birth_level + 1]
  + (CAST(:w_postcode AS float8[]))[postcode_level + 1]
  + (CAST(:w_gender AS float8[]))[gender_level + 1]
  + (CAST(:w_previous AS float8[]))[previous_level + 1])"""


# A child's record as the query side `q` (training compares children with each other;
# data feeds will project staging rows the same way). Whereabouts all compared: only
# aggregate counts ever leave these statements.
CHILD_AS_QUERY = """
  SELECT a.id, a.family_key AS family, string_to_array(a.family_key, ' ') AS family_words,
         a.family_phonetic AS family_codes, nullif(a.given_key, '') AS given,
         cp_given_variants(a.given_key) AS given_variants,
         cp_phonetics(a.given_key) AS given_codes,
         CAST(NULL AS text) AS previous, CAST('{}' AS text[]) AS previous_words,
         a.date_of_birth AS dob, cp_date_swapped(a.date_of_birth) AS dob_swapped,
         cp_date_slips(a.date_of_birth) AS dob_slips,
         a.postcode AS postcode, split_part(a.postcode, ' ', 1) AS outward,
         a.gender AS gender, true AS sees_all, CAST(NULL AS integer) AS team
    FROM child a"""
