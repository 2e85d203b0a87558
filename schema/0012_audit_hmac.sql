-- sfcohort schema, migration 12: nothing changes in an SQLite file. On
-- PostgreSQL (schema/pg/0012_audit_hmac.sql) the server's audit append makes
-- its MACs without pgcrypto; the migration is numbered here too so that both
-- backends' schema versions stay the same.
SELECT 1;
