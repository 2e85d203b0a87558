-- sfcohort schema, migration 14: nothing changes in an SQLite file. On
-- PostgreSQL (schema/pg/0014_audit_sql.sql) the server's audit append is
-- written in SQL rather than PL/pgSQL, with the audit key's HMAC pads made
-- once; the migration is numbered here too so that both backends' schema
-- versions stay the same.
SELECT 1;
