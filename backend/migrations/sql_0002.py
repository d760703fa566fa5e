"""Hand-written SQL of the search-keys migration."""

FUNCTIONS = """
-- unaccent is only STABLE (its dictionary could change); pinning the dictionary makes
-- the key a pure function of the name, usable in indexes and triggers.
CREATE FUNCTION cp_name_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
    lower(public.unaccent('public.unaccent'::regdictionary, name)), '[^a-z]+', ' ', 'g'))
$$;
COMMENT ON FUNCTION cp_name_key(text) IS
  'A name for matching: lower case, accents removed, anything but letters a space.';

CREATE FUNCTION cp_phonetics(keys text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT code ORDER BY code) FILTER (WHERE code <> ''), '{}')
  FROM unnest(string_to_array(keys, ' ')) AS part,
       LATERAL (VALUES (public.dmetaphone(part)), (public.dmetaphone_alt(part))) AS c(code)
$$;
COMMENT ON FUNCTION cp_phonetics(text) IS
  'Double Metaphone codes (primary and alternate) of every word of a name key.';

CREATE FUNCTION child_search_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.family_key := coalesce(cp_name_key(NEW.family_name), '');
  NEW.given_key := split_part(coalesce(cp_name_key(NEW.given_names), ''), ' ', 1);
  NEW.name_keys := btrim(concat_ws(' ', cp_name_key(NEW.given_names), NEW.family_key,
                                   cp_name_key(array_to_string(NEW.other_names, ' '))));
  NEW.name_words := string_to_array(NEW.name_keys, ' ');
  NEW.family_prefix := left(NEW.family_key, 2);
  NEW.family_phonetic := cp_phonetics(NEW.family_key);
  NEW.name_phonetics := cp_phonetics(NEW.name_keys);
  RETURN NEW;
END $$;

CREATE TRIGGER child_search_keys
  BEFORE INSERT OR UPDATE OF given_names, family_name, other_names ON child
  FOR EACH ROW EXECUTE FUNCTION child_search_keys();
"""

BACKFILL = "UPDATE child SET family_name = family_name;"
