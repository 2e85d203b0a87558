-- sfcohort schema, migration 13: nothing changes in an SQLite file. On
-- PostgreSQL (schema/pg/0013_disclosure_digest.sql) the server records the
-- keyed digest of disclosure rows, which on SQLite the client records; the
-- migration is numbered here too so that both backends' schema versions
-- stay the same.
SELECT 1;
