"""SQL of migration 0015: the shielding clock's one row and the trigger that moves it."""

UPGRADE = """
INSERT INTO shielding_clock DEFAULT VALUES;

-- SECURITY DEFINER: the app role may read the clock, never set it.
CREATE FUNCTION cp_shielding_tick() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE shielding_clock SET seq = seq + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER child_shielding_tick
  AFTER UPDATE OF shielded, responsible_authority_id ON child
  FOR EACH ROW
  WHEN (OLD.shielded IS DISTINCT FROM NEW.shielded
        OR OLD.responsible_authority_id IS DISTINCT FROM NEW.responsible_authority_id)
  EXECUTE FUNCTION cp_shielding_tick();

GRANT SELECT ON shielding_clock TO contactpoint_app;
"""

DOWNGRADE = """
DROP TRIGGER IF EXISTS child_shielding_tick ON child;
DROP FUNCTION IF EXISTS cp_shielding_tick();
"""
