"""Hand-written SQL of the notification-delivery migration."""

NOTIFY = """
-- Every server process LISTENs on this channel; the payload is only the recipient's id,
-- so nothing about the child travels outside the table (and NOTIFY is sent on commit,
-- so a rolled-back involvement tells no one).
CREATE FUNCTION notification_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cp_notification', NEW.recipient_user_id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER notification_announce
  AFTER INSERT ON notification
  FOR EACH ROW EXECUTE FUNCTION notification_announce();
"""
