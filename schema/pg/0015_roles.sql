-- sfcohort schema for PostgreSQL, migration 15 (schema/0015_*.sql): the
-- programme's roles are each database's own, and the server refuses an
-- officer what is a manager's.
--
-- Roles belong to the server, not to a database. The group roles were
-- sfcohort_officer, sfcohort_manager and sfcohort_auditor in every cohort
-- database, so a user granted a role for one cohort held it in every cohort
-- on the same server. A database now names its own, sfcohort_ROLE_DATABASE
-- (a digest of the database's name instead when that is longer than a
-- role's name may be), fixed in programme_role_name when 'admin grant'
-- first makes it, so that renaming the database changes nothing. This database's privileges
-- are taken back from the shared roles: its team is granted again, by its
-- owner, into the database's own.
--
-- Reading the cohort is an officer's (a lookup reads candidates, a batch
-- the whole index), so no privilege tells an export or a share from a
-- lookup. The command is named in its audit entry, which only the server
-- appends: audit_append() and audit_append_disclosed() now refuse, in the
-- command's own transaction, a command the caller's role may not run.

-- The groups' names, fixed when 'admin grant' first makes each. Written and
-- read by the owner alone (grant, revoke, and the audit functions, which
-- run as the owner): a manager, who writes meta, must not be able to point
-- a role at another group (the auditors', or one of the server's own).
CREATE TABLE programme_role_name (
  role text COLLATE "C" PRIMARY KEY CHECK (role IN ('officer', 'manager', 'auditor')),
  name text COLLATE "C" NOT NULL UNIQUE
);
REVOKE ALL ON programme_role_name FROM PUBLIC;

CREATE FUNCTION programme_role(p_role text) RETURNS text
LANGUAGE sql STABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT coalesce(
    (SELECT name FROM programme_role_name WHERE role = p_role),
    CASE WHEN octet_length('sfcohort_' || p_role || '_' || current_database()) <= 63
         THEN 'sfcohort_' || p_role || '_' || current_database()
         ELSE 'sfcohort_' || p_role || '_' || left(md5(current_database()), 16) END)
$$;

-- Whether the session's user holds the programme role P_ROLE here.
CREATE FUNCTION holds_role(p_role text) RETURNS boolean
LANGUAGE sql STABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = programme_role(p_role))
         AND pg_has_role(session_user, programme_role(p_role), 'USAGE')
$$;

-- Whether the session's user may run P_COMMAND (as the client names it in
-- its entries): the schema's owner (and a superuser) and a manager may run
-- every command; an officer looks up, checks, nominates and reads; an
-- auditor reads and checks the trail. A command not listed is a manager's.
CREATE FUNCTION may_run(p_command text) RETURNS boolean
LANGUAGE sql STABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT pg_has_role(session_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'sfcohort'),
                     'USAGE')
      OR holds_role('manager')
      OR (p_command = ANY (ARRAY['lookup', 'check', 'criteria', 'identify', 'report',
                                 'nominate submit', 'nominate list', 'nominate show',
                                 'nominate template', 'family show', 'person show',
                                 'share partner list', 'share partner show'])
          AND holds_role('officer'))
      OR (p_command LIKE 'audit%' AND holds_role('auditor'))
$$;

-- Raised only when may_run() said no, so that PL/pgSQL is loaded only then.
CREATE FUNCTION refuse_command(p_command text) RETURNS boolean
LANGUAGE plpgsql SET search_path = sfcohort, pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'permission denied for command "%"', p_command
    USING ERRCODE = '42501';
END $$;

CREATE OR REPLACE FUNCTION audit_append(p_command text, p_purpose text, p_subject text, p_detail text)
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT CASE WHEN may_run(p_command) THEN true ELSE refuse_command(p_command) END;
  SELECT p_detail::audit_detail;
  SELECT audit_lock_head();
  SELECT audit_entry(p_command, p_purpose, p_subject, p_detail);
$$;

CREATE OR REPLACE FUNCTION audit_append_disclosed(p_command text, p_purpose text, p_subject text,
                                                  p_detail text, p_rows text)
RETURNS bigint LANGUAGE sql SECURITY DEFINER
SET search_path = sfcohort, pg_catalog, pg_temp SET jit = off AS $$
  SELECT CASE WHEN may_run(p_command) THEN true ELSE refuse_command(p_command) END;
  SELECT p_detail::audit_detail;
  SELECT audit_lock_head();
  SELECT audit_entry(p_command, p_purpose, p_subject,
           '{"disclosed":{"digest":"' || disclosure_hex(x) || '","people":' || people || '}' ||
           CASE WHEN p_detail = '{}' THEN '}' ELSE ',' || substr(p_detail, 2) END)
  FROM (SELECT count(*) AS people,
               disclosure_xor(disclosure_row_digest((SELECT disclosure FROM audit_key),
                                                    (SELECT seq FROM audit_head) + 1,
                                                    r->>0, r->>1)) AS x
        FROM json_array_elements(p_rows::json) AS r) AS s;
  INSERT INTO disclosure(person_id, audit_seq, partner, family_id)
    SELECT r->>0, (SELECT seq FROM audit_head), r->>1, coalesce(r->>2, '')
    FROM json_array_elements(p_rows::json) AS r;
  SELECT seq FROM audit_head;
$$;

REVOKE ALL ON FUNCTION programme_role(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION holds_role(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION may_run(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION refuse_command(text) FROM PUBLIC;

-- This database's privileges taken back from the shared roles of before.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['sfcohort_officer', 'sfcohort_manager', 'sfcohort_auditor'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA sfcohort FROM %I', r);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA sfcohort FROM %I', r);
    EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA sfcohort FROM %I', r);
    EXECUTE format('REVOKE ALL ON SCHEMA sfcohort FROM %I', r);
  END LOOP;
END $$;

-- A nomination is submitted pending, by the user the server authenticated,
-- and decided by whoever decides it: an officer's INSERT can record neither
-- a decision nor a name other than their own.
CREATE FUNCTION nomination_actors() RETURNS trigger
LANGUAGE plpgsql SET search_path = sfcohort, pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'pending' OR NEW.decided_at IS NOT NULL OR NEW.decided_by IS NOT NULL
       OR NEW.reason IS NOT NULL THEN
      RAISE EXCEPTION 'permission denied: a nomination is submitted pending (it is decided by a manager)'
        USING ERRCODE = '42501';
    END IF;
    NEW.submitted_by := session_user;
  ELSE
    IF NEW.submitted_by IS DISTINCT FROM OLD.submitted_by THEN
      RAISE EXCEPTION 'permission denied: who submitted a nomination does not change'
        USING ERRCODE = '42501';
    END IF;
    IF NEW.decided_by IS DISTINCT FROM OLD.decided_by AND NEW.decided_by IS NOT NULL THEN
      NEW.decided_by := session_user;
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER nomination_actors BEFORE INSERT OR UPDATE ON nomination
  FOR EACH ROW EXECUTE FUNCTION nomination_actors();
