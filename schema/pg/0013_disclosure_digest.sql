-- sfcohort schema for PostgreSQL, migration 13 (schema/0013_*.sql): the
-- disclosure record under the server's key, as on SQLite. An entry that
-- discloses people is appended by audit_append_disclosed(), which writes
-- the rows and records in the entry (under its MAC) their count and their
-- keyed digest, made with the audit key no client holds; and retention's
-- disposal moves a person's rows into disclosure_disposed through
-- dispose_disclosures(), which keeps their digest. Both run as the schema's
-- owner, in the caller's transaction. Nobody else writes either table (see
-- lib/src/db/roles.cpp), so rows altered, added or removed outside them are
-- found by 'audit verify'.
--
-- The digest is lib/src/db/disclosure.cpp's: the XOR of each row's
-- SHA-256(K || seq '\n' person_id '\n' partner), with
-- K = HMAC-SHA-256(audit key, 'sfcohort disclosure digest'), in hex.

CREATE FUNCTION disclosure_row_digest(k bytea, seq bigint, person_id text, partner text)
RETURNS bit LANGUAGE sql IMMUTABLE STRICT SET search_path = sfcohort, pg_catalog AS $$
  SELECT ('x' || encode(sha256(k || convert_to(seq || E'\n' || person_id || E'\n' || partner,
                                               'UTF8')), 'hex'))::bit(256)
$$;

-- XOR of 256-bit digests (bitxor is the built-in behind bit # bit).
CREATE AGGREGATE disclosure_xor(bit) (
  SFUNC = bitxor, STYPE = bit,
  INITCOND = '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'
);

CREATE FUNCTION disclosure_hex(b bit) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = sfcohort, pg_catalog AS $$
  SELECT string_agg(lpad(to_hex(substring(b FROM i * 64 + 1 FOR 64)::bit(64)::bigint), 16, '0'),
                    '' ORDER BY i)
  FROM generate_series(0, 3) AS i
$$;

CREATE FUNCTION disclosure_key() RETURNS bytea
LANGUAGE sql STABLE SET search_path = sfcohort, pg_catalog AS $$
  SELECT hmac_sha256(convert_to('sfcohort disclosure digest', 'UTF8'), key) FROM audit_key
$$;

-- Appends an entry that disclosed P_ROWS, a JSON array of
-- [person_id, partner, family_id] without repeats; P_DETAIL is the entry's
-- detail (a JSON object without "disclosed"), to which the server adds
-- "disclosed": {"digest", "people"}. Returns the entry's seq.
CREATE FUNCTION audit_append_disclosed(p_command text, p_purpose text, p_subject text,
                                       p_detail text, p_rows text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = sfcohort, pg_catalog AS $$
DECLARE
  k bytea := disclosure_key();
  n bigint;
  people bigint;
  x varbit;
  detail text;
  got bigint;
BEGIN
  IF left(p_detail, 1) <> '{' OR p_detail::jsonb ? 'disclosed' THEN
    RAISE EXCEPTION 'audit_append_disclosed: the detail must be a JSON object without "disclosed"';
  END IF;
  -- The entry's seq: the head locked as audit_append() locks it.
  SELECT seq INTO n FROM audit_head FOR UPDATE;
  n := coalesce(n, 0) + 1;
  SELECT count(*), disclosure_xor(disclosure_row_digest(k, n, r->>0, r->>1))
    INTO people, x FROM json_array_elements(p_rows::json) AS r;
  detail := '{"disclosed":{"digest":"' || disclosure_hex(x) || '","people":' || people || '}' ||
            CASE WHEN p_detail = '{}' THEN '}' ELSE ',' || substr(p_detail, 2) END;
  got := audit_append(p_command, p_purpose, p_subject, detail);
  IF got <> n THEN
    RAISE EXCEPTION 'audit_append_disclosed: entry % appended, % expected', got, n;
  END IF;
  INSERT INTO disclosure(person_id, audit_seq, partner, family_id)
    SELECT r->>0, n, r->>1, coalesce(r->>2, '') FROM json_array_elements(p_rows::json) AS r;
  RETURN n;
END $$;

-- Removes the disclosure rows of P_PEOPLE (a JSON array of person ids),
-- adding each entry's removed rows to its disclosure_disposed row (count
-- and digest), and returns what was removed as JSON {"digest", "people"},
-- for the retention entry to record.
CREATE FUNCTION dispose_disclosures(p_people text)
RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = sfcohort, pg_catalog AS $$
  WITH gone AS (
    DELETE FROM disclosure d
    WHERE d.person_id IN (SELECT value FROM json_array_elements_text(p_people::json))
    RETURNING d.audit_seq, d.person_id, d.partner
  ), key AS (
    SELECT disclosure_key() AS k
  ), per AS (
    SELECT audit_seq, count(*) AS people,
           disclosure_xor(disclosure_row_digest(k, audit_seq, person_id, partner)) AS x
    FROM gone, key GROUP BY audit_seq
  ), kept AS (
    INSERT INTO disclosure_disposed AS o (audit_seq, people, digest)
      SELECT audit_seq, people, disclosure_hex(x) FROM per
      ON CONFLICT (audit_seq) DO UPDATE SET
        people = o.people + excluded.people,
        digest = disclosure_hex(('x' || o.digest)::bit(256) # ('x' || excluded.digest)::bit(256))
  )
  SELECT json_build_object('digest', disclosure_hex(disclosure_xor(x)),
                           'people', coalesce(sum(people), 0))::text
  FROM per
$$;

REVOKE ALL ON FUNCTION audit_append_disclosed(text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION dispose_disclosures(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION disclosure_key() FROM PUBLIC;

-- The programme's roles made before this migration (lib/src/db/roles.cpp
-- grants the same on every 'admin grant'): the record is written only
-- through the functions above.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['sfcohort_officer', 'sfcohort_manager', 'sfcohort_auditor'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_append_disclosed(text, text, text, text, text) TO %I', r);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON disclosure, disclosure_disposed FROM %I', r);
    EXECUTE format('GRANT SELECT ON disclosure, disclosure_disposed TO %I', r);
    IF r = 'sfcohort_manager' THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION dispose_disclosures(text) TO %I', r);
    END IF;
  END LOOP;
END $$;
