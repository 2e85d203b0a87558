-- sfcohort schema, migration 5: whether a partner may be told about closed
-- families (history), and the operating-system user of each audit entry.
-- history is off unless the agreements with the partner allow it (set with
-- `share partner add/update --history`); the answers to partners read it.
ALTER TABLE partner ADD COLUMN history INTEGER NOT NULL DEFAULT 0 CHECK (history IN (0, 1));

-- Each audit entry also records the operating-system user that ran the
-- command (on PostgreSQL, the authenticated database user), beside the actor
-- typed with --as. Entries made before this migration have ''; the entry's
-- MAC covers the field when it is set.
ALTER TABLE audit ADD COLUMN os_user TEXT NOT NULL DEFAULT '';
