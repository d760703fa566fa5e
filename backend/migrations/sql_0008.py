"""Hand-written SQL of the record-linkage migration: the query-side keys, the field
comparisons that search, training and data feeds share, and the shielded flag.

The comparison functions are plain SQL expressions (no STRICT, no plpgsql) so that the
planner inlines them into the statement that calls them: one definition, no call cost.
Each returns an agreement level; 0 always means "missing" (nothing to compare), and the
levels' names are `backend/linkage/fields.py`.
"""

KEYS = """
-- What the search keys trigger also sets now: the primary Double Metaphone code of the
-- first word of the family name and of the first given name, for composite btrees.
CREATE OR REPLACE FUNCTION child_search_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.family_key := coalesce(cp_name_key(NEW.family_name), '');
  NEW.given_key := split_part(coalesce(cp_name_key(NEW.given_names), ''), ' ', 1);
  NEW.name_keys := btrim(concat_ws(' ', cp_name_key(NEW.given_names), NEW.family_key,
                                   cp_name_key(array_to_string(NEW.other_names, ' '))));
  NEW.name_words := string_to_array(NEW.name_keys, ' ');
  NEW.family_prefix := left(NEW.family_key, 2);
  NEW.family_phonetic := cp_phonetics(NEW.family_key);
  NEW.name_phonetics := cp_phonetics(NEW.name_keys);
  NEW.family_sound := public.dmetaphone(split_part(NEW.family_key, ' ', 1));
  NEW.given_sound := public.dmetaphone(NEW.given_key);
  RETURN NEW;
END $$;

CREATE FUNCTION cp_given_variants(given_key text) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN coalesce(given_key, '') = '' THEN '{}'::text[] ELSE ARRAY(
    SELECT v FROM (
      SELECT variant AS v FROM given_name_variant WHERE name = split_part(given_key, ' ', 1)
      UNION SELECT split_part(given_key, ' ', 1)) t
    ORDER BY v) END
$$;
COMMENT ON FUNCTION cp_given_variants(text) IS
  'The first word of a given-name key and every name it may stand for (Bob, Robert).';

-- A date from YYYYMMDD digits, or NULL when they are no date (no exception raised).
CREATE FUNCTION cp_digits_date(digits text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN digits !~ '^[0-9]{8}$' THEN NULL
    WHEN substr(digits, 5, 2)::int NOT BETWEEN 1 AND 12 THEN NULL
    WHEN substr(digits, 1, 4)::int < 1900 THEN NULL
    WHEN substr(digits, 7, 2)::int < 1 THEN NULL
    WHEN substr(digits, 7, 2)::int > extract(day FROM
           make_date(substr(digits, 1, 4)::int, substr(digits, 5, 2)::int, 1)
           + interval '1 month' - interval '1 day') THEN NULL
    ELSE make_date(substr(digits, 1, 4)::int, substr(digits, 5, 2)::int,
                   substr(digits, 7, 2)::int)
  END
$$;

CREATE FUNCTION cp_date_swapped(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN extract(day FROM d) = extract(month FROM d) THEN NULL
    ELSE cp_digits_date(to_char(d, 'YYYY') || to_char(d, 'DD') || to_char(d, 'MM')) END
$$;
COMMENT ON FUNCTION cp_date_swapped(date) IS 'The date with day and month swapped, if valid.';

-- plpgsql: the same set as a single SQL expression took 3 ms a date (measured); this
-- loop takes a fraction of that, and search and training call it per date.
CREATE OR REPLACE FUNCTION cp_date_slips(d date) RETURNS date[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s text; t text; x date; found date[] := '{}'; p int; g int;
  swapped date := cp_date_swapped(d);
BEGIN
  IF d IS NULL THEN RETURN found; END IF;
  s := to_char(d, 'YYYYMMDD');
  FOR p IN 1..8 LOOP
    FOR g IN 0..9 LOOP
      t := overlay(s PLACING g::text FROM p FOR 1);
      IF t <> s THEN
        x := cp_digits_date(t);
        IF x IS NOT NULL THEN found := found || x; END IF;
      END IF;
    END LOOP;
  END LOOP;
  FOR p IN 1..7 LOOP
    t := overlay(s PLACING substr(s, p + 1, 1) || substr(s, p, 1) FROM p FOR 2);
    IF t <> s THEN
      x := cp_digits_date(t);
      IF x IS NOT NULL THEN found := found || x; END IF;
    END IF;
  END LOOP;
  IF NOT (extract(month FROM d) = 2 AND extract(day FROM d) = 29) THEN
    found := found || (d + interval '1 year')::date || (d - interval '1 year')::date;
  END IF;
  RETURN ARRAY(
    SELECT DISTINCT v FROM unnest(found) v
     WHERE v <> d AND v IS DISTINCT FROM swapped
       AND v > DATE '1990-01-01' AND v < d + interval '30 years'
     ORDER BY v);
END $$;
COMMENT ON FUNCTION cp_date_slips(date) IS
  'Typing slips of a date: one digit changed, two adjacent digits swapped, a year out.';
"""

COMPARISONS = """
-- Family name. q: the key typed; q_words its words; q_codes its Double Metaphone codes.
CREATE FUNCTION cp_family_level(q text, q_words text[], q_codes text[],
                                c_key text, c_codes text[], c_words text[]) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN coalesce(q, '') = '' OR coalesce(c_key, '') = '' THEN 0
    WHEN c_key = q THEN 1
    WHEN string_to_array(c_key, ' ') @> q_words OR q_words @> string_to_array(c_key, ' ') THEN 2
    WHEN levenshtein_less_equal(c_key, q, 1) <= 1 THEN 3
    WHEN c_codes && q_codes THEN 4
    WHEN c_words @> q_words THEN 5
    WHEN length(q) >= 5 AND levenshtein_less_equal(c_key, q, 2) <= 2 THEN 6
    WHEN similarity(c_key, q) >= 0.45 THEN 7
    ELSE 8
  END
$$;
COMMENT ON FUNCTION cp_family_level(text, text[], text[], text, text[], text[]) IS
  '1 exact, 2 one part of a multi-part name, 3 one edit, 4 sounds alike, 5 among the other'
  ' names (swapped, previous), 6 two edits, 7 trigram-alike, 8 different, 0 missing.';

-- Given name: the first word typed (q), its variants and codes, against the first given
-- name (c_key), its primary code and all the child's name words.
CREATE FUNCTION cp_given_level(q text, q_variants text[], q_codes text[],
                               c_key text, c_sound text, c_words text[]) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN coalesce(q, '') = '' OR coalesce(c_key, '') = '' THEN 0
    WHEN c_key = q THEN 1
    WHEN c_key = ANY(q_variants) THEN 2
    WHEN levenshtein_less_equal(c_key, q, 1) <= 1 THEN 3
    WHEN c_sound <> '' AND c_sound = ANY(q_codes) THEN 4
    WHEN c_words && q_variants THEN 5
    WHEN length(q) >= 5 AND levenshtein_less_equal(c_key, q, 2) <= 2 THEN 6
    WHEN similarity(c_key, q) >= 0.45 THEN 7
    ELSE 8
  END
$$;
COMMENT ON FUNCTION cp_given_level(text, text[], text[], text, text, text[]) IS
  '1 exact, 2 a known variant (nickname), 3 one edit, 4 sounds alike, 5 among the other'
  ' names (middle, swapped), 6 two edits, 7 trigram-alike, 8 different, 0 missing.';

-- Date of birth: q typed, with its day/month swap and its slips (cp_date_slips).
CREATE FUNCTION cp_birth_level(q date, q_swapped date, q_slips date[], c date) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN q IS NULL OR c IS NULL THEN 0
    WHEN c = q THEN 1
    WHEN c = q_swapped THEN 2
    WHEN c = ANY(q_slips) THEN 3
    WHEN date_trunc('month', c) = date_trunc('month', q) THEN 4
    WHEN extract(year FROM c) = extract(year FROM q) THEN 5
    ELSE 6
  END
$$;
COMMENT ON FUNCTION cp_birth_level(date, date, date[], date) IS
  '1 exact, 2 day and month swapped, 3 a slip (one digit, two digits swapped, a year out),'
  ' 4 same month, 5 same year, 6 different, 0 missing.';

-- Postcode: the full postcode typed (q_full, normalised) or only its outward part.
CREATE FUNCTION cp_postcode_level(q_full text, q_outward text, c text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN c IS NULL OR q_outward IS NULL THEN 0
    WHEN q_full IS NOT NULL AND c = q_full THEN 1
    WHEN q_full IS NOT NULL AND left(c, -2) = left(q_full, -2) THEN 2
    WHEN split_part(c, ' ', 1) = q_outward THEN 3
    WHEN substring(c FROM '^[A-Z]+') = substring(q_outward FROM '^[A-Z]+') THEN 4
    ELSE 5
  END
$$;
COMMENT ON FUNCTION cp_postcode_level(text, text, text) IS
  '1 exact, 2 same sector, 3 same district, 4 same area, 5 different, 0 missing.';

CREATE FUNCTION cp_gender_level(q text, c text) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN q IS NULL OR c IS NULL OR q = 'NOT_KNOWN' OR c = 'NOT_KNOWN' THEN 0
    WHEN q = c THEN 1
    ELSE 2
  END
$$;
COMMENT ON FUNCTION cp_gender_level(text, text) IS '1 the same, 2 different, 0 missing.';
"""

SHIELDED_FLAG = """
-- child.shielded mirrors "has an active shielding episode", kept by the database itself,
-- so search can leave a shielded child's whereabouts out of its candidates and scores
-- without a lookup per candidate.
CREATE FUNCTION child_shielded_flag() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE child c SET shielded = EXISTS (
      SELECT 1 FROM shielding s WHERE s.child_id = c.id AND s.unshielded_at IS NULL)
   WHERE c.id = NEW.child_id;
  IF TG_OP = 'UPDATE' AND OLD.child_id <> NEW.child_id THEN
    UPDATE child c SET shielded = EXISTS (
        SELECT 1 FROM shielding s WHERE s.child_id = c.id AND s.unshielded_at IS NULL)
     WHERE c.id = OLD.child_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER child_shielded_flag AFTER INSERT OR UPDATE OF unshielded_at, child_id
  ON shielding FOR EACH ROW EXECUTE FUNCTION child_shielded_flag();
"""

BACKFILL = """
UPDATE child SET family_name = family_name;
UPDATE child c SET shielded = true
  WHERE EXISTS (SELECT 1 FROM shielding s WHERE s.child_id = c.id AND s.unshielded_at IS NULL);
"""

GRANTS = """
GRANT SELECT ON given_name_variant TO contactpoint_app;
GRANT SELECT, INSERT ON linkage_model, linkage_weight TO contactpoint_app;
GRANT USAGE, SELECT ON SEQUENCE linkage_model_id_seq TO contactpoint_app;
"""


def variants_insert() -> str:
    from backend.linkage.variants import variant_pairs

    rows = ", ".join(f"('{name}', '{variant}')" for name, variant in variant_pairs())
    return f"INSERT INTO given_name_variant (name, variant) VALUES {rows};"
