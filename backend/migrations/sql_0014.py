"""Hand-written SQL of the audit rollup migration."""

# What one event adds to its day's counts: the one definition the trigger, the backfill
# and the reports' partial days all read. The child's authority and the actor's area are
# the ones current when the event is counted (at its insert, for the trigger).
COUNTS_VIEW = """
CREATE VIEW audit_event_counts AS
SELECT e.id, e.occurred_at,
       (e.occurred_at AT TIME ZONE 'Europe/London')::date AS day,
       e.actor_organisation_id, e.actor_user_id,
       (e.action = 'CHILD_VIEW')::int AS views,
       (e.action = 'CHILD_SEARCH')::int AS searches,
       (e.action = 'CHILD_VIEW' AND e.outcome = 'OK')::int AS records_opened,
       ((c.id IS NOT NULL
         AND ao.kind NOT IN ('NATIONAL_TEAM', 'NATIONAL_PARTNER')
         AND c.responsible_authority_id <> coalesce(ao.parent_authority_id, ao.id)
        ) IS TRUE)::int AS outside_area,
       ((e.action = 'CHILD_VIEW' AND e.outcome = 'OK'
         AND (e.detail->>'shielded') = 'true') IS TRUE)::int AS shielded_views,
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

_SUM = """
  SELECT day, actor_organisation_id, actor_user_id, sum(views), sum(searches),
         sum(records_opened), sum(outside_area), sum(shielded_views), sum(out_of_hours)
"""

_INTO = """
INSERT INTO audit_daily AS d (day, actor_organisation_id, actor_user_id, views, searches,
                              records_opened, outside_area, shielded_views, out_of_hours)
"""

# Every event already in the log, counted once. The migration creates the trigger first:
# its lock on audit_event holds back new events until the backfill has committed. (The
# bench's bulk loads, which bypass the triggers, run it too.)
BACKFILL = f"""
{_INTO}
{_SUM}
  FROM audit_event_counts GROUP BY 1, 2, 3;
"""

# SECURITY DEFINER: the application role reads the counts but may not change them. The
# event is visible to its own AFTER trigger, so the view counts it exactly as it counts
# the events of a backfill or of a report's partial day.
TRIGGER = f"""
CREATE FUNCTION audit_daily_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  {_INTO}
  {_SUM}
    FROM audit_event_counts WHERE id = NEW.id AND occurred_at = NEW.occurred_at
   GROUP BY 1, 2, 3
  ON CONFLICT ON CONSTRAINT audit_daily_key DO UPDATE SET
    views = d.views + excluded.views,
    searches = d.searches + excluded.searches,
    records_opened = d.records_opened + excluded.records_opened,
    outside_area = d.outside_area + excluded.outside_area,
    shielded_views = d.shielded_views + excluded.shielded_views,
    out_of_hours = d.out_of_hours + excluded.out_of_hours;
  RETURN NULL;
END $$;

CREATE TRIGGER audit_daily_count AFTER INSERT ON audit_event FOR EACH ROW
  WHEN (NEW.action IN ('CHILD_VIEW', 'CHILD_SEARCH'))
  EXECUTE FUNCTION audit_daily_count();
"""

GRANTS = """
GRANT SELECT ON audit_daily, audit_event_counts TO contactpoint_app;
"""

DROP = """
DROP TRIGGER audit_daily_count ON audit_event;
DROP FUNCTION audit_daily_count();
DROP VIEW audit_event_counts;
"""
