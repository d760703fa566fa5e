"""Hand-written SQL of the data-feeds migration."""

# The five sources the directory knew before sources were registered, each with the
# fields it is the authority on (SPEC section 7: the NHS on NHS number and date of birth,
# the school census on the UPN, the local authority on address, carers and responsibility).
SOURCES = """
INSERT INTO feed_source (code, name, precedence) VALUES
  ('NHS_DEMOGRAPHICS', 'NHS demographics (Personal Demographics Service)', 20),
  ('SCHOOL_CENSUS', 'School census', 30),
  ('LOCAL_AUTHORITY', 'Local authority children''s systems', 40),
  ('CHILD_BENEFIT', 'Child benefit', 50),
  ('PRACTITIONER', 'Recorded by a practitioner', 60);
INSERT INTO feed_source_field (source, field, precedence) VALUES
  ('NHS_DEMOGRAPHICS', 'nhs_number', 1),
  ('NHS_DEMOGRAPHICS', 'date_of_birth', 1),
  ('SCHOOL_CENSUS', 'upn', 1),
  ('LOCAL_AUTHORITY', 'address', 1),
  ('LOCAL_AUTHORITY', 'carers', 1),
  ('LOCAL_AUTHORITY', 'responsible_authority', 1);
"""

FUNCTIONS = """
-- The ContactPoint ID a new child gets from its row id: the id times a prime coprime
-- with 10^11 (so neighbours do not get neighbouring IDs), then a Damm check digit. The
-- same rule as backend/demo/numbers.py contact_point_id_for.
CREATE FUNCTION cp_id_for(child_id bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  t CONSTANT int[] := '{{0,3,1,7,5,9,8,6,4,2},{7,0,9,2,1,5,4,8,6,3},{4,2,0,6,8,7,1,3,5,9},
    {1,7,5,0,9,8,3,4,2,6},{6,1,2,3,0,4,5,9,7,8},{3,6,7,4,2,0,9,5,8,1},{5,8,6,9,7,2,0,1,3,4},
    {8,9,4,5,3,6,2,0,1,7},{9,4,3,8,6,1,7,2,0,5},{2,5,8,1,4,3,6,7,9,0}}';
  body text := lpad(((child_id::numeric * 61803398903) % 100000000000)::text, 11, '0');
  interim int := 0;
BEGIN
  FOR i IN 1..11 LOOP
    interim := t[interim + 1][substr(body, i, 1)::int + 1];
  END LOOP;
  RETURN body || interim::text;
END $$;

-- A source's precedence on a field: its own for that field, else its default.
CREATE FUNCTION cp_feed_rank(source text, field text) RETURNS int
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT f.precedence FROM feed_source_field f WHERE f.source = $1 AND f.field = $2),
    (SELECT s.precedence FROM feed_source s WHERE s.code = $1))
$$;
"""

GRANTS = """
GRANT SELECT, INSERT, UPDATE ON feed_source, feed_source_field TO contactpoint_app;
GRANT SELECT, INSERT, UPDATE ON import_run, match_review TO contactpoint_app;
GRANT USAGE, SELECT ON SEQUENCE import_run_id_seq TO contactpoint_app;
"""
