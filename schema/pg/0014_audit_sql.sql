-- sfcohort schema for PostgreSQL, migration 14 (schema/0014_*.sql): the
-- audit append in SQL, and the owner's functions closed to a caller's
-- temporary tables.
--
-- The first append of a connection loaded PL/pgSQL and ran hmac_sha256()'s
-- byte loop over the key, about 9 ms of a single lookup whose own queries
-- take 3. The key's HMAC pads (RFC 2104: the key padded to 64 bytes, XOR
-- 0x36 and XOR 0x5c) and the disclosure digest's key are now columns of
-- audit_key computed from the key (generated, so they follow it), read by
-- the same roles as the key (owner and auditors); the functions below are
-- plain SQL. The MACs, the chain and the digests are the same bytes as
-- before, so entries made before and after verify alike. PL/pgSQL stays for
-- the triggers that refuse changes to the trail.
--
-- Every function here runs with search_path sfcohort, pg_catalog, pg_temp.
-- Without pg_temp named, PostgreSQL looks in the session's temporary schema
-- first for tables and types: an officer could make a temporary "audit"
-- (with a trigger of their own) or "audit_key" and have the owner's
-- functions use it, reading the key or writing entries that verify. Named
-- last, it is looked in last. The functions of earlier migrations are given
-- the same path at the end.

-- K XOR PAD, each byte, with K the key padded to 64 bytes (hashed first if
-- longer), as RFC 2104 makes its inner and outer pads.
CREATE FUNCTION hmac_pad(key bytea, pad int) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT string_agg(decode(lpad(to_hex(get_byte(k, i) # pad), 2, '0'), 'hex'), ''::bytea
                    ORDER BY i)
  FROM (SELECT k || decode(repeat('00', 64 - length(k)), 'hex') AS k
        FROM (SELECT CASE WHEN length(key) > 64 THEN sha256(key) ELSE key END AS k) AS s) AS p,
       generate_series(0, 63) AS i
$$;

CREATE OR REPLACE FUNCTION hmac_sha256(msg bytea, key bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT sha256(hmac_pad(key, 92) || sha256(hmac_pad(key, 54) || msg))
$$;

-- The disclosure digest's key: HMAC(key, 'sfcohort disclosure digest'), the
-- text as a bytea constant (convert_to() is not immutable, which a
-- generated column needs; the text is ASCII, so the bytes are the same).
ALTER TABLE audit_key
  ADD COLUMN ipad bytea GENERATED ALWAYS AS (hmac_pad(key, 54)) STORED,
  ADD COLUMN opad bytea GENERATED ALWAYS AS (hmac_pad(key, 92)) STORED,
  ADD COLUMN disclosure bytea GENERATED ALWAYS AS (
    hmac_sha256('sfcohort disclosure digest'::bytea, key)) STORED;

-- HMAC-SHA-256 of MSG under the audit key.
CREATE FUNCTION audit_mac(msg bytea) RETURNS bytea
LANGUAGE sql STABLE STRICT SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT sha256(opad || sha256(ipad || msg)) FROM audit_key
$$;

CREATE OR REPLACE FUNCTION disclosure_key() RETURNS bytea
LANGUAGE sql STABLE SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT disclosure FROM audit_key
$$;

-- Makes the head from the genesis MAC if there is none yet (two first
-- appends at once: the primary key lets one in; without a database id the
-- MAC is null and the insert fails, as the append must), then locks it, so
-- that what the caller reads of the head next is the newest and stays so
-- until its transaction ends. Returns the head's seq.
CREATE FUNCTION audit_lock_head() RETURNS bigint
LANGUAGE sql SET search_path = sfcohort, pg_catalog, pg_temp SET jit = off AS $$
  INSERT INTO audit_head(seq, mac)
    SELECT 0, encode(audit_mac(convert_to('sfcohort audit genesis ' ||
                                          (SELECT value FROM meta WHERE key = 'database_id'),
                                          'UTF8')), 'hex')
    WHERE NOT EXISTS (SELECT FROM audit_head)
    ON CONFLICT (one) DO NOTHING;
  SELECT seq FROM audit_head FOR UPDATE;
$$;

-- The entry itself, for audit_append() and audit_append_disclosed(), which
-- have locked the head (audit_lock_head) in a statement before; no role may
-- call it. Each statement of a SQL function reads a new snapshot (READ
-- COMMITTED), so the entry is made from the head as it is once locked. One-row tables are read as scalars: joined, never analysed, they
-- were planned as thousands of rows, dear enough to be compiled (JIT: 130
-- ms, the append 196 ms in all); jit is off here besides.
CREATE FUNCTION audit_entry(p_command text, p_purpose text, p_subject text, p_detail text)
RETURNS bigint LANGUAGE sql SET search_path = sfcohort, pg_catalog, pg_temp SET jit = off AS $$
  WITH e AS (
    SELECT seq + 1 AS n, mac AS prev, session_user::text AS who,
           to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
    FROM audit_head
  ), b AS (
    SELECT e.*, '[' || n || ',' || to_json(at)::text || ',' || to_json(who)::text || ',' ||
                to_json(p_command)::text || ',' || to_json(p_purpose)::text || ',' ||
                to_json(p_subject)::text || ',' || to_json(p_detail)::text || ',' ||
                to_json(who)::text || ']' AS body
    FROM e
  ), added AS (
    INSERT INTO audit(seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user)
      SELECT n, at, who, p_command, p_purpose, p_subject, p_detail, prev,
             encode(audit_mac(convert_to(prev || E'\n' || body, 'UTF8')), 'hex'), who
      FROM b
    RETURNING seq, mac
  )
  UPDATE audit_head SET seq = added.seq, mac = added.mac FROM added RETURNING added.seq;
$$;

-- A client's detail: a JSON object in which only the server puts
-- "disclosed" (an entry claiming a disclosure the record does not hold
-- would be reported as altered by 'audit verify').
CREATE DOMAIN audit_detail AS text
  CONSTRAINT "the detail must be a JSON object without ""disclosed"""
  CHECK (left(VALUE, 1) = '{' AND NOT (VALUE::jsonb ? 'disclosed'));

CREATE OR REPLACE FUNCTION audit_append(p_command text, p_purpose text, p_subject text, p_detail text)
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = sfcohort, pg_catalog, pg_temp AS $$
  SELECT p_detail::audit_detail;
  SELECT audit_lock_head();
  SELECT audit_entry(p_command, p_purpose, p_subject, p_detail);
$$;

CREATE OR REPLACE FUNCTION audit_append_disclosed(p_command text, p_purpose text, p_subject text,
                                                  p_detail text, p_rows text)
RETURNS bigint LANGUAGE sql SECURITY DEFINER
SET search_path = sfcohort, pg_catalog, pg_temp SET jit = off AS $$
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

ALTER FUNCTION disclosure_row_digest(bytea, bigint, text, text)
  SET search_path = sfcohort, pg_catalog, pg_temp;
ALTER FUNCTION disclosure_hex(bit) SET search_path = sfcohort, pg_catalog, pg_temp;
ALTER FUNCTION dispose_disclosures(text) SET search_path = sfcohort, pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION hmac_pad(bytea, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_mac(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_lock_head() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_entry(text, text, text, text) FROM PUBLIC;
