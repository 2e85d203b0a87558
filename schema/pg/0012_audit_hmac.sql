-- sfcohort schema for PostgreSQL, migration 12 (schema/0012_*.sql): the
-- audit chain's HMAC-SHA-256 made with the server's built-in sha256()
-- rather than pgcrypto's hmac(). The MACs are the same bytes (RFC 2104), so
-- entries made before and after verify alike; but pgcrypto's library was
-- loaded, with OpenSSL, by the first append of every connection, about 20
-- ms of each single lookup. pgcrypto stays for gen_random_bytes() at init.
CREATE FUNCTION hmac_sha256(msg bytea, key bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = sfcohort, pg_catalog AS $$
DECLARE
  k bytea := key;
  ipad bytea;
  opad bytea;
BEGIN
  IF length(k) > 64 THEN
    k := sha256(k);
  END IF;
  k := k || decode(repeat('00', 64 - length(k)), 'hex');
  ipad := k;
  opad := k;
  FOR i IN 0..63 LOOP
    ipad := set_byte(ipad, i, get_byte(k, i) # 54);
    opad := set_byte(opad, i, get_byte(k, i) # 92);
  END LOOP;
  RETURN sha256(opad || sha256(ipad || msg));
END $$;

CREATE OR REPLACE FUNCTION audit_append(p_command text, p_purpose text, p_subject text, p_detail text)
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
    prev := encode(hmac_sha256(convert_to('sfcohort audit genesis ' ||
                   (SELECT value FROM meta WHERE key = 'database_id'), 'UTF8'), k), 'hex');
    INSERT INTO audit_head(seq, mac) VALUES (0, prev);
  END IF;
  n := n + 1;
  body := '[' || n || ',' || to_json(at)::text || ',' || to_json(who)::text || ',' ||
          to_json(p_command)::text || ',' || to_json(p_purpose)::text || ',' ||
          to_json(p_subject)::text || ',' || to_json(p_detail)::text || ',' ||
          to_json(who)::text || ']';
  m := encode(hmac_sha256(convert_to(prev || E'\n' || body, 'UTF8'), k), 'hex');
  INSERT INTO audit(seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user)
    VALUES (n, at, who, p_command, p_purpose, p_subject, p_detail, prev, m, who);
  UPDATE audit_head SET seq = n, mac = m;
  RETURN n;
END $$;
