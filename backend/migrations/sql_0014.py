"""Hand-written SQL of the audit daily counts migration."""

from backend.db.tables.audit import AUDIT_CHAINS

# What one event adds to its day's counts: the one definition the roller and the
# reports' part days both read. The child's authority and the actor's area are the ones
# current when the event is counted.
COUNTS_VIEW = """
CREATE VIEW audit_event_counts AS
SELECT e.id, e.occurred_at, e.chain, e.chain_seq,
       (e.occurred_at AT TIME ZONE 'Europe/London')::date AS day,
       e.actor_organisation_id, e.actor_user_id,
       (e.action = 'CHILD_VIEW')::int AS views,
       (e.action = 'CHILD_SEARCH')::int AS searches,
       (e.action = 'CHILD_VIEW' AND e.outcome = 'OK')::int AS records_opened,
       ((c.id IS NOT NULL
         AND ao.kind NOT IN ('NATIONAL_TEAM', 'NATIONAL_PARTNER')
         AND c.responsible_authority_id <> coalesce(ao.parent_authority_id, ao.id)
        ) IS TRUE)::int AS outside_area,
       (extract(hour FROM e.occurred_at AT TIME ZONE 'Europe/London') NOT BETWEEN 8 AND 17
        OR extract(isodow FROM e.occurred_at AT TIME ZONE 'Europe/London') > 5)::int
         AS out_of_hours
  FROM audit_event e
  LEFT JOIN child c
    ON c.id = e.subject_child_id AND e.action = 'CHILD_VIEW' AND e.outcome = 'OK'
  LEFT JOIN organisation ao ON ao.id = e.actor_organisation_id
 WHERE e.action IN ('CHILD_VIEW', 'CHILD_SEARCH');
COMMENT ON VIEW audit_event_counts IS
  'What each record view or search adds to its day''s counts in audit_daily.';
"""

MARKS = f"""
INSERT INTO audit_daily_mark (chain, rolled_seq)
SELECT c, 0 FROM generate_series(0, {AUDIT_CHAINS - 1}) AS c;
"""

# The roller adds to the counts every event after each chain's mark, and moves the marks.
# A chain's events commit in the order of their positions (the next one waits for the
# chain head's row lock, held until the previous one's transaction ends) and leave no
# gaps, so every event at or below the highest position a snapshot sees is in that
# snapshot: counting "after the mark" misses nothing and counts nothing twice. It runs
# off the request path (a background task, and before each report), so a record view
# pays nothing for the reports. SECURITY DEFINER: the application role reads the counts
# but may not change them.
ROLLER = """
CREATE FUNCTION audit_daily_roll(wait boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  mark record;
  top bigint;
BEGIN
  -- One roller at a time: a report waits for the one running (it must count every
  -- event committed before it), the background roller does not.
  IF wait THEN
    PERFORM pg_advisory_xact_lock(hashtext('contactpoint audit_daily_roll'));
  ELSIF NOT pg_try_advisory_xact_lock(hashtext('contactpoint audit_daily_roll')) THEN
    RETURN;
  END IF;
  -- Chain by chain, each statement a simple index probe (one statement joining the
  -- marks with the log planned a hash join over every event: 4.5 s at 10M events for
  -- a roll with nothing to count). `top` bounds the count to what the first snapshot
  -- saw: every event at or below it is committed, so a later snapshot sees the same.
  FOR mark IN SELECT chain, rolled_seq FROM audit_daily_mark ORDER BY chain LOOP
    SELECT max(e.chain_seq) INTO top FROM audit_event e
     WHERE e.chain = mark.chain AND e.chain_seq > mark.rolled_seq;
    CONTINUE WHEN top IS NULL;
    INSERT INTO audit_daily AS d (day, actor_organisation_id, actor_user_id, views,
                                  searches, records_opened, outside_area, out_of_hours)
    SELECT day, actor_organisation_id, actor_user_id, sum(views), sum(searches),
           sum(records_opened), sum(outside_area), sum(out_of_hours)
      FROM audit_event_counts c
     WHERE c.chain = mark.chain AND c.chain_seq > mark.rolled_seq AND c.chain_seq <= top
     GROUP BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT audit_daily_key DO UPDATE SET
      views = d.views + excluded.views,
      searches = d.searches + excluded.searches,
      records_opened = d.records_opened + excluded.records_opened,
      outside_area = d.outside_area + excluded.outside_area,
      out_of_hours = d.out_of_hours + excluded.out_of_hours;
    UPDATE audit_daily_mark SET rolled_seq = top WHERE chain = mark.chain;
  END LOOP;
END $$;
COMMENT ON FUNCTION audit_daily_roll(boolean) IS
  'Counts into audit_daily every event after each chain''s mark, then moves the marks.';
REVOKE ALL ON FUNCTION audit_daily_roll(boolean) FROM PUBLIC;
"""

GRANTS = """
GRANT SELECT ON audit_daily, audit_daily_mark, audit_event_counts TO contactpoint_app;
GRANT EXECUTE ON FUNCTION audit_daily_roll(boolean) TO contactpoint_app;
"""

# Every event already in the log: the first roll.
BACKFILL = "SELECT audit_daily_roll(true);"

DROP = """
DROP FUNCTION audit_daily_roll(boolean);
DROP VIEW audit_event_counts;
"""
