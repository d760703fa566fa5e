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

-- Only shielding: it changes one child per transaction (the shielding service, through
-- child_shielded_flag), so the clock's row lock is held for a moment and never between
-- two child rows. Bulk changes (a feed moving children between authorities, retention
-- archiving) would hold it for a whole batch: those may show on a replica for up to the
-- lag limit (docs/SCALING.md).
CREATE TRIGGER child_shielding_tick
  AFTER UPDATE OF shielded ON child
  FOR EACH ROW
  WHEN (OLD.shielded IS DISTINCT FROM NEW.shielded)
  EXECUTE FUNCTION cp_shielding_tick();

GRANT SELECT ON shielding_clock TO contactpoint_app;
"""

DOWNGRADE = """
DROP TRIGGER IF EXISTS child_shielding_tick ON child;
DROP FUNCTION IF EXISTS cp_shielding_tick();
"""
