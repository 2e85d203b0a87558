-- sfcohort schema, migration 16: nothing changes in an SQLite file, whose
-- records name the officer given with --as. On PostgreSQL
-- (schema/pg/0016_record_actor.sql) a trigger sets every record's actor to
-- the user the server authenticated; the migration is numbered here too so
-- that both backends' schema versions stay the same.
SELECT 1;
