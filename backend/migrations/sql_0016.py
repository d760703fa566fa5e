"""SQL of migration 0016: a view under emergency access is a record view in the misuse
reports (heaviest viewers, out of hours, outside the area) like any other."""

from backend.migrations.sql_0014 import COUNTS_VIEW

UPGRADE = """CREATE OR REPLACE VIEW audit_event_counts AS
SELECT e.id, e.occurred_at, e.chain, e.chain_seq,
       (e.occurred_at AT TIME ZONE 'Europe/London')::date AS day,
       e.actor_organisation_id, e.actor_user_id,
       (e.action IN ('CHILD_VIEW', 'CHILD_VIEW_EMERGENCY'))::int AS views,
       (e.action = 'CHILD_SEARCH')::int AS searches,
       (e.action IN ('CHILD_VIEW', 'CHILD_VIEW_EMERGENCY') AND e.outcome = 'OK')::int
         AS records_opened,
       ((c.id IS NOT NULL
         AND ao.kind NOT IN ('NATIONAL_TEAM', 'NATIONAL_PARTNER')
         AND c.responsible_authority_id <> coalesce(ao.parent_authority_id, ao.id)
        ) IS TRUE)::int AS outside_area,
       (extract(hour FROM e.occurred_at AT TIME ZONE 'Europe/London') NOT BETWEEN 8 AND 17
        OR extract(isodow FROM e.occurred_at AT TIME ZONE 'Europe/London') > 5)::int
         AS out_of_hours
  FROM audit_event e
  LEFT JOIN child c
    ON c.id = e.subject_child_id AND e.action IN ('CHILD_VIEW', 'CHILD_VIEW_EMERGENCY')
   AND e.outcome = 'OK'
  LEFT JOIN organisation ao ON ao.id = e.actor_organisation_id
 WHERE e.action IN ('CHILD_VIEW', 'CHILD_VIEW_EMERGENCY', 'CHILD_SEARCH');
COMMENT ON VIEW audit_event_counts IS
  'What each record view or search adds to its day''s counts in audit_daily.';
"""

# The view as migration 0014 made it.
DOWNGRADE = COUNTS_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE VIEW")
