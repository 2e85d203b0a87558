-- sfcohort schema, migration 15: nothing changes in an SQLite file. On
-- PostgreSQL (schema/pg/0015_roles.sql) each database gets group roles of
-- its own, and the server refuses an officer the commands that are a
-- manager's; the migration is numbered here too so that both backends'
-- schema versions stay the same.
SELECT 1;
