-- sfcohort schema for PostgreSQL, migration 5 (schema/0005_*.sql): whether a partner may be told about closed
-- families (history), and the operating-system user of each audit entry.
-- history is off unless the agreements with the partner allow it (set with
-- `share partner add/update --history`); the answers to partners read it.
ALTER TABLE partner ADD COLUMN history bigint NOT NULL DEFAULT 0 CHECK (history IN (0, 1));

-- Each audit entry also records the operating-system user that ran the
-- command (on PostgreSQL, the authenticated database user), beside the actor
-- typed with --as. Entries made before this migration have ''; the entry's
-- MAC covers the field when it is set.
ALTER TABLE audit ADD COLUMN os_user text COLLATE "C" NOT NULL DEFAULT '';

-- An audit entry appended on the server: the actor and os_user are the
-- authenticated database user (session_user), the time the server's, the
-- MAC made with the key the caller cannot read. The entry's canonical text
-- is the one audit verify checks (audit_internal.hpp: canonical()): a JSON
-- array whose strings to_json() escapes as nlohmann::json::dump() does.
CREATE FUNCTION audit_append(p_command text, p_purpose text, p_subject text, p_detail text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = sfcohort, pg_catalog AS $$
DECLARE
  k bytea;
  prev text;
  n bigint;
  who text := session_user;
  at text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
  body text;
  m text;
BEGIN
  SELECT key INTO k FROM audit_key;
  SELECT seq, mac INTO n, prev FROM audit_head FOR UPDATE;
  IF NOT FOUND THEN
    n := 0;
    prev := encode(hmac(convert_to('sfcohort audit genesis ' ||
                     (SELECT value FROM meta WHERE key = 'database_id'), 'UTF8'), k, 'sha256'), 'hex');
    INSERT INTO audit_head(seq, mac) VALUES (0, prev);
  END IF;
  n := n + 1;
  body := '[' || n || ',' || to_json(at)::text || ',' || to_json(who)::text || ',' ||
          to_json(p_command)::text || ',' || to_json(p_purpose)::text || ',' ||
          to_json(p_subject)::text || ',' || to_json(p_detail)::text || ',' ||
          to_json(who)::text || ']';
  m := encode(hmac(convert_to(prev || E'\n' || body, 'UTF8'), k, 'sha256'), 'hex');
  INSERT INTO audit(seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user)
    VALUES (n, at, who, p_command, p_purpose, p_subject, p_detail, prev, m, who);
  UPDATE audit_head SET seq = n, mac = m;
  RETURN n;
END $$;
REVOKE ALL ON FUNCTION audit_append(text, text, text, text) FROM PUBLIC;
