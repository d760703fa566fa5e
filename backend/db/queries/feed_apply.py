"""Carrying out a matched batch (`feed_match`): new children, updates field by field by
precedence with provenance, source record keys, carers and services, the review queue.

Run in the batch's transaction, after `feed_matching.match`: everything or nothing.
"""

from typing import Any

_FEED_WIN = """
CREATE TEMPORARY TABLE IF NOT EXISTS feed_win (child_id bigint NOT NULL, line int NOT NULL,
                                              field text NOT NULL);
TRUNCATE feed_win;
"""

# The fields a staged record `s` says something about (a feed cannot clear a value).
_PRESENT = """(VALUES ('given_names', true), ('family_name', true), ('date_of_birth', true),
  ('gender', s.gender <> 'NOT_KNOWN'),
  ('address', coalesce(s.address_line1, s.address_line2, s.town, s.postcode) IS NOT NULL),
  ('nhs_number', s.nhs_number IS NOT NULL), ('upn', s.upn IS NOT NULL),
  ('responsible_authority', true), ('carers', s.carers IS NOT NULL)) f(field, present)"""

_NEW_IDS = """
UPDATE feed_match SET child_id = nextval(pg_get_serial_sequence('child', 'id'))
 WHERE outcome = 'NEW'
"""

_NEW_CHILDREN = """
INSERT INTO child (id, contact_point_id, given_names, family_name, other_names,
                   date_of_birth, gender, address_line1, address_line2, town, postcode,
                   nhs_number, upn, responsible_authority_id)
SELECT m.child_id, cp_id_for(m.child_id), s.given_names, s.family_name,
       CASE WHEN s.previous_family_name IS NULL THEN CAST('{}' AS text[])
            ELSE ARRAY[s.previous_family_name] END,
       s.date_of_birth, s.gender, s.address_line1, s.address_line2, s.town, s.postcode,
       s.nhs_number, s.upn, s.authority_id
  FROM feed_match m JOIN feed_stage s ON s.line = m.line
 WHERE m.outcome = 'NEW'
"""

_NEW_FIELDS = f"""
INSERT INTO feed_win (child_id, line, field)
SELECT m.child_id, m.line, f.field
  FROM feed_match m JOIN feed_stage s ON s.line = m.line CROSS JOIN LATERAL {_PRESENT}
 WHERE m.outcome = 'NEW' AND f.present
"""  # noqa: S608 - constant SQL

# Which fields of a matched child the incoming record wins: those its source ranks at
# least as high as the source of the value held (lower number first). An NHS number or
# UPN another child holds is never moved onto this one.
_WINNING_FIELDS = f"""
WITH incoming AS (
  SELECT DISTINCT ON (m.child_id) m.child_id, m.line
    FROM feed_match m WHERE m.outcome IN ('EXACT', 'PROBABLE')
   ORDER BY m.child_id, m.line DESC
)
INSERT INTO feed_win (child_id, line, field)
SELECT i.child_id, i.line, f.field
  FROM incoming i JOIN feed_stage s ON s.line = i.line CROSS JOIN LATERAL {_PRESENT}
  JOIN child c ON c.id = i.child_id
  LEFT JOIN provenance p ON p.child_id = i.child_id AND p.field = f.field
 WHERE f.present
   AND (p.source IS NULL OR cp_feed_rank($1, f.field) <= cp_feed_rank(p.source, f.field))
   -- A shielded child stays with its team: moved to another authority, that authority's
   -- team would see its whereabouts in full. Only the team lifting the shielding can.
   AND NOT (f.field = 'responsible_authority' AND c.shielded
            AND s.authority_id <> c.responsible_authority_id)
   AND NOT (f.field = 'nhs_number' AND EXISTS (
         SELECT 1 FROM child o WHERE o.nhs_number = s.nhs_number AND o.id <> i.child_id))
   AND NOT (f.field = 'upn' AND EXISTS (
         SELECT 1 FROM child o WHERE o.upn = s.upn AND o.id <> i.child_id))
"""  # noqa: S608 - constant SQL


# (the field a feed wins, the child's column, the staged column when named otherwise)
_TAKEN = (
    ("given_names", "given_names", None),
    ("family_name", "family_name", None),
    ("date_of_birth", "date_of_birth", None),
    ("gender", "gender", None),
    ("address", "address_line1", None),
    ("address", "address_line2", None),
    ("address", "town", None),
    ("address", "postcode", None),
    ("nhs_number", "nhs_number", None),
    ("upn", "upn", None),
    ("responsible_authority", "responsible_authority_id", "authority_id"),
)


def _taken(field: str, column: str, incoming: str | None) -> str:
    return f"CASE WHEN '{field}' = ANY(w.fields) THEN s.{incoming or column} ELSE c.{column} END"


_OTHER_NAMES = """CASE
    WHEN s.previous_family_name IS NULL OR s.previous_family_name = ANY(c.other_names)
    THEN c.other_names ELSE c.other_names || s.previous_family_name END"""

# A child whose every value won is the value held is not written: a new row version would
# add an entry to each of the child's many indexes, for nothing.
_UPDATE_CHILDREN = f"""
UPDATE child c SET
  {", ".join(f"{taken[1]} = {_taken(*taken)}" for taken in _TAKEN)},
  other_names = {_OTHER_NAMES},
  updated_at = now()
  FROM (SELECT child_id, line, array_agg(field) AS fields FROM feed_win
         WHERE child_id IN (SELECT child_id FROM feed_match
                             WHERE outcome IN ('EXACT', 'PROBABLE'))
         GROUP BY child_id, line) w
  JOIN feed_stage s ON s.line = w.line
 WHERE c.id = w.child_id
   AND ({", ".join(f"c.{taken[1]}" for taken in _TAKEN)}, c.other_names)
       IS DISTINCT FROM ({", ".join(_taken(*taken) for taken in _TAKEN)}, {_OTHER_NAMES})
"""  # noqa: S608 - constant SQL

_PROVENANCE = """
INSERT INTO provenance (child_id, field, source, recorded_at, source_record_id, import_run_id)
SELECT w.child_id, w.field, $1, now(), s.source_record_id, $2
  FROM feed_win w JOIN feed_stage s ON s.line = w.line
ON CONFLICT (child_id, field) DO UPDATE SET
  source = excluded.source, recorded_at = excluded.recorded_at,
  source_record_id = excluded.source_record_id, import_run_id = excluded.import_run_id
"""

_REPLACE_CARERS = """
WITH replaced AS (
  DELETE FROM carer WHERE child_id IN (SELECT child_id FROM feed_win WHERE field = 'carers')
)
INSERT INTO carer (id, child_id, name, relationship, parental_responsibility, phone,
                   address_line1, address_line2, town, postcode)
SELECT gen_random_uuid(), w.child_id, x.name, x.relationship, x.parental_responsibility,
       x.phone, x.address_line_1, x.address_line_2, x.town, x.postcode
  FROM feed_win w JOIN feed_stage s ON s.line = w.line
  CROSS JOIN LATERAL jsonb_to_recordset(s.carers) AS x(
    name text, relationship text, parental_responsibility boolean, phone text,
    address_line_1 text, address_line_2 text, town text, postcode text)
 WHERE w.field = 'carers'
"""

# A service the feed reports that the child does not already have with that organisation
# and practitioner. (Sensitive services never come through a feed: they need consent.)
_SERVICES = """
INSERT INTO involvement (id, child_id, organisation_id, service_type, sensitive,
                         practitioner_name, practitioner_role, phone, email, start_date)
SELECT DISTINCT ON (m.child_id, o.id, x.service_type, x.practitioner_name)
       gen_random_uuid(), m.child_id, o.id, x.service_type, false, x.practitioner_name,
       x.practitioner_role, x.phone, x.email, x.start_date
  FROM feed_match m JOIN feed_stage s ON s.line = m.line
  CROSS JOIN LATERAL jsonb_to_recordset(s.services) AS x(
    organisation text, service_type text, practitioner_name text, practitioner_role text,
    phone text, email text, start_date date)
  JOIN organisation o ON o.code = x.organisation
 WHERE m.outcome IN ('EXACT', 'PROBABLE', 'NEW') AND s.services IS NOT NULL
   AND NOT EXISTS (
     SELECT 1 FROM involvement v
      WHERE v.child_id = m.child_id AND v.organisation_id = o.id
        AND v.service_type = x.service_type AND v.practitioner_name = x.practitioner_name
        AND v.end_date IS NULL)
"""

_SOURCE_RECORDS = """
INSERT INTO source_record (source, source_key, child_id, content_hash, import_run_id,
                           updated_at)
SELECT $1, s.source_record_id, m.child_id, s.content_hash, $2, now()
  FROM feed_match m JOIN feed_stage s ON s.line = m.line
 WHERE m.outcome IN ('EXACT', 'PROBABLE', 'NEW')
ON CONFLICT (source, source_key) DO UPDATE SET
  child_id = excluded.child_id, content_hash = excluded.content_hash,
  import_run_id = excluded.import_run_id, updated_at = excluded.updated_at
"""

# A doubtful record waits for the management team of its responsible authority; if a
# candidate is a shielded child, for that child's own team instead, the only people who
# may see where it lives.
_REVIEWS = """
INSERT INTO match_review (id, import_run_id, source, source_record_id, content_hash,
                          record, candidates, responsible_authority_id)
SELECT gen_random_uuid(), $2, $1, s.source_record_id, s.content_hash,
       to_jsonb(s) - 'line' - 'content_hash', coalesce(m.candidates, '[]'),
       coalesce((SELECT c.responsible_authority_id
                   FROM jsonb_array_elements(m.candidates) e
                   JOIN child c ON c.id = CAST(e->>'childId' AS bigint)
                  WHERE c.shielded
                  ORDER BY CAST(e->>'weight' AS float8) DESC LIMIT 1), s.authority_id)
  FROM feed_match m JOIN feed_stage s ON s.line = m.line
 WHERE m.outcome = 'REVIEW'
ON CONFLICT (source, source_record_id) WHERE status = 'PENDING' DO UPDATE SET
  import_run_id = excluded.import_run_id, content_hash = excluded.content_hash,
  record = excluded.record, candidates = excluded.candidates,
  responsible_authority_id = excluded.responsible_authority_id, created_at = now()
"""

_COUNTS = "SELECT outcome, count(*) AS n FROM feed_match GROUP BY outcome"


async def apply(pg: Any, source: str, run_id: int | None) -> dict[str, int]:
    """Carry out feed_match; the count of each outcome."""
    await pg.execute(_FEED_WIN)
    await pg.execute(_NEW_IDS)
    await pg.execute(_NEW_CHILDREN)
    await pg.execute(_NEW_FIELDS)
    await pg.execute(_WINNING_FIELDS, source)
    await pg.execute(_UPDATE_CHILDREN)
    await pg.execute(_PROVENANCE, source, run_id)
    await pg.execute(_REPLACE_CARERS)
    await pg.execute(_SERVICES)
    await pg.execute(_SOURCE_RECORDS, source, run_id)
    await pg.execute(_REVIEWS, source, run_id)
    return {row["outcome"]: int(row["n"]) for row in await pg.fetch(_COUNTS)}
