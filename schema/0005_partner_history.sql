-- sfcohort schema, migration 5: whether a partner may be told about closed
-- families (history). Off unless the agreements with the partner allow it:
-- answers to a partner then treat a family that has left the programme as
-- unknown. Set with `share partner add/update --history`.
ALTER TABLE partner ADD COLUMN history INTEGER NOT NULL DEFAULT 0 CHECK (history IN (0, 1));
