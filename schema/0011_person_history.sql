-- sfcohort schema, migration 11: a person's record over time, and the other
-- ids a partner's file knew them by. Written only by lib/src/db/person_history.cpp.

-- One row per field an import changed (and per move to another family):
-- the value before and after, when, and by which import (the audit entry
-- of the import, written in the same transaction). What a subject access
-- request shows as the history of the record; deleted with the person.
CREATE TABLE person_change (
  pk         INTEGER PRIMARY KEY,
  person_pk  INTEGER NOT NULL REFERENCES person(pk) ON DELETE CASCADE,
  field      TEXT NOT NULL,
  old_value  TEXT NOT NULL,
  new_value  TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE INDEX person_change_person ON person_change(person_pk, pk);

-- A person id of a later file that the matcher found to be a person already
-- in the cohort (sure: exact or strong): the import linked the two rather
-- than adding a second person, and later imports of that id update the
-- same person. Deleted with the person.
CREATE TABLE person_alias (
  alias     TEXT PRIMARY KEY,
  person_pk INTEGER NOT NULL REFERENCES person(pk) ON DELETE CASCADE,
  linked_at TEXT NOT NULL
);
CREATE INDEX person_alias_person ON person_alias(person_pk);
