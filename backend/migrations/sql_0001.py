"""Hand-written SQL of the first migration: what Alembic cannot autogenerate."""

from backend.db.tables.audit import AUDIT_CHAINS

EXTENSIONS = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS unaccent;
"""

# Damm's algorithm: catches every single-digit error and every adjacent transposition.
VALIDATION_FUNCTIONS = """
CREATE FUNCTION cp_id_valid(id text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  t CONSTANT int[] := '{{0,3,1,7,5,9,8,6,4,2},{7,0,9,2,1,5,4,8,6,3},{4,2,0,6,8,7,1,3,5,9},
    {1,7,5,0,9,8,3,4,2,6},{6,1,2,3,0,4,5,9,7,8},{3,6,7,4,2,0,9,5,8,1},{5,8,6,9,7,2,0,1,3,4},
    {8,9,4,5,3,6,2,0,1,7},{9,4,3,8,6,1,7,2,0,5},{2,5,8,1,4,3,6,7,9,0}}';
  interim int := 0;
BEGIN
  IF id !~ '^[0-9]{12}$' THEN RETURN false; END IF;
  FOR i IN 1..12 LOOP
    interim := t[interim + 1][substr(id, i, 1)::int + 1];
  END LOOP;
  RETURN interim = 0;
END $$;
COMMENT ON FUNCTION cp_id_valid(text) IS
  'A ContactPoint ID: 12 digits, the last a Damm check digit.';

CREATE FUNCTION nhs_number_valid(nhs text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  total int := 0;
  check_digit int;
BEGIN
  IF nhs !~ '^[0-9]{10}$' THEN RETURN false; END IF;
  FOR i IN 1..9 LOOP
    total := total + substr(nhs, i, 1)::int * (11 - i);
  END LOOP;
  check_digit := 11 - (total % 11);
  IF check_digit = 11 THEN check_digit := 0; END IF;
  RETURN check_digit <> 10 AND check_digit = substr(nhs, 10, 1)::int;
END $$;
COMMENT ON FUNCTION nhs_number_valid(text) IS 'An NHS number: 10 digits with its modulus 11 check.';
"""

AUDIT = f"""
CREATE FUNCTION audit_canonical(e audit_event) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_array(
    e.id, e.chain, e.chain_seq,
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id, e.actor_client_id, e.actor_organisation_id, e.actor_roles,
    e.action, e.subject_child_id, e.subject_user_id, e.outcome,
    e.client_address, e.request_id, e.detail
  )::text
$$;
COMMENT ON FUNCTION audit_canonical(audit_event) IS
  'The exact text an event''s hash covers (after the previous hash). audit verify recomputes it.';

INSERT INTO audit_chain_head (chain, last_seq, last_hash)
SELECT c, 0, decode(repeat('00', 32), 'hex') FROM generate_series(0, {AUDIT_CHAINS - 1}) AS c;

-- SECURITY DEFINER: the application role may not touch the chain heads itself.
CREATE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
BEGIN
  -- The chain is fixed per connection, so concurrent requests rarely share a head.
  NEW.chain := pg_backend_pid() % {AUDIT_CHAINS};
  SELECT last_seq, last_hash INTO head_seq, head_hash
    FROM audit_chain_head WHERE chain = NEW.chain FOR UPDATE;
  NEW.chain_seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := sha256(head_hash || convert_to(audit_canonical(NEW), 'UTF8'));
  UPDATE audit_chain_head SET last_seq = NEW.chain_seq, last_hash = NEW.hash
    WHERE chain = NEW.chain;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Monthly partitions, made ahead of time; the default one only catches the unexpected.
CREATE FUNCTION audit_ensure_partitions(months_ahead int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  month_start date := date_trunc('month', now() - interval '1 month')::date;
  part text;
BEGIN
  FOR i IN 0..months_ahead + 1 LOOP
    part := format('audit_event_p%s', to_char(month_start, 'YYYYMM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
        part, month_start, (month_start + interval '1 month')::date);
      -- Statement triggers are not inherited: a partition refuses TRUNCATE on its own.
      EXECUTE format(
        'CREATE TRIGGER audit_partition_no_truncate BEFORE TRUNCATE ON %I '
        'FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()', part);
    END IF;
    month_start := (month_start + interval '1 month')::date;
  END LOOP;
END $$;

CREATE TABLE audit_event_pdefault PARTITION OF audit_event DEFAULT;
CREATE TRIGGER audit_partition_no_truncate BEFORE TRUNCATE ON audit_event_pdefault
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
SELECT audit_ensure_partitions(3);

"""

APP_ROLE = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'contactpoint_app') THEN
    CREATE ROLE contactpoint_app NOLOGIN;
  END IF;
  -- The migrating user must be able to SET ROLE to it (a superuser can anyway).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT contactpoint_app TO %I', current_user);
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO contactpoint_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  organisation, user_account, user_role, user_session, api_client, child, carer,
  involvement, caf_assessment, shielding, notification, source_record, provenance
  TO contactpoint_app;
GRANT SELECT ON service_type TO contactpoint_app;
GRANT SELECT, INSERT ON audit_event TO contactpoint_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO contactpoint_app;
"""


def audit_comments() -> str:
    """COMMENT statements from the model, so the database documents its own columns."""
    from backend.db.tables.audit import AuditEvent

    table = AuditEvent.__table__  # type: ignore[attr-defined]

    def quote(text: str) -> str:
        return text.replace("'", "''")

    statements = [f"COMMENT ON TABLE audit_event IS '{quote(table.comment)}';"]
    statements += [
        f"COMMENT ON COLUMN audit_event.{column.name} IS '{quote(column.comment)}';"
        for column in table.columns
        if column.comment
    ]
    return "\n".join(statements)


def service_types_insert() -> str:
    from backend.db.tables.vocabulary import SERVICE_TYPES

    rows = ", ".join(
        f"('{code}', '{label.replace(chr(39), chr(39) * 2)}', {str(sensitive).lower()})"
        for code, label, sensitive in SERVICE_TYPES
    )
    return f"INSERT INTO service_type (code, label, sensitive) VALUES {rows};"
