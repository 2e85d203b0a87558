-- sfcohort schema for PostgreSQL, migration 16 (schema/0016_*.sql): every
-- record names the user the server authenticated. The client writes its
-- user's name where a row says who did something, but a manager's own SQL
-- client could write someone else's; as migration 15 did for nominations,
-- a trigger on each such table sets the name to session_user:
--   made:    who added a partner, recorded a family's status or imported a
--            feed, set when the row is written and kept ever after;
--   changed: who last set a retention rule, or decided a row of evidence,
--            set whenever the row changes.
-- TG_ARGV: the column, then made or changed.
CREATE FUNCTION record_actor() RETURNS trigger
LANGUAGE plpgsql SET search_path = sfcohort, pg_catalog, pg_temp AS $$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'UPDATE' AND TG_ARGV[1] = 'made' THEN
    RETURN jsonb_populate_record(NEW, jsonb_build_object(col, to_jsonb(OLD) -> col));
  END IF;
  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) = to_jsonb(OLD) THEN
    RETURN NEW;
  END IF;
  IF to_jsonb(NEW) -> col = 'null'::jsonb THEN
    RETURN NEW;
  END IF;
  RETURN jsonb_populate_record(NEW, jsonb_build_object(col, session_user));
END $$;

CREATE TRIGGER partner_actor BEFORE INSERT OR UPDATE ON partner
  FOR EACH ROW EXECUTE FUNCTION record_actor('added_by', 'made');
CREATE TRIGGER family_status_actor BEFORE INSERT OR UPDATE ON family_status
  FOR EACH ROW EXECUTE FUNCTION record_actor('recorded_by', 'made');
CREATE TRIGGER evidence_feed_actor BEFORE INSERT OR UPDATE ON evidence_feed
  FOR EACH ROW EXECUTE FUNCTION record_actor('imported_by', 'made');
CREATE TRIGGER retention_actor BEFORE INSERT OR UPDATE ON retention
  FOR EACH ROW EXECUTE FUNCTION record_actor('updated_by', 'changed');
-- Evidence is written in bulk, undecided: the function runs only for a row
-- that names a decider, or whose decision changes. A decision names its
-- decider (none is cleared or left out by hand); rows already written are
-- as sfcohort wrote them.
CREATE TRIGGER evidence_actor BEFORE INSERT ON evidence
  FOR EACH ROW WHEN (NEW.decided_by IS NOT NULL) EXECUTE FUNCTION record_actor('decided_by', 'changed');
CREATE TRIGGER evidence_decider BEFORE UPDATE ON evidence
  FOR EACH ROW WHEN (NEW.decision IS DISTINCT FROM OLD.decision OR NEW.decided_at IS DISTINCT FROM
    OLD.decided_at OR NEW.decided_by IS DISTINCT FROM OLD.decided_by OR NEW.reason IS DISTINCT FROM
    OLD.reason) EXECUTE FUNCTION record_actor('decided_by', 'changed');
ALTER TABLE evidence ADD CONSTRAINT evidence_decided_by
  CHECK ((decision IS NULL) = (decided_by IS NULL)) NOT VALID;
