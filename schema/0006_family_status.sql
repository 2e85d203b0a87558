-- sfcohort schema, migration 6: a family's status over time. Closing a
-- family (it left the programme) or reopening it appends a row here and sets
-- family.status in the same transaction; the rows are never edited, so they
-- are the family's status history. Written only by lib/src/db/family_status.cpp.
--
-- status: what the family became ('closed', or 'cohort' when reopened);
-- on_date: when (YYYY-MM-DD, never in the future when recorded); reason: why,
-- as the officer wrote it (kept by the team, never sent to a partner);
-- outcome: for a closure, one of the documented codes (sfcohort-family(1)),
-- or ''; recorded_at/recorded_by: who recorded it, and when (UTC).
CREATE TABLE family_status (
  pk          INTEGER PRIMARY KEY,
  family_id   TEXT NOT NULL REFERENCES family(id) ON UPDATE CASCADE,
  status      TEXT NOT NULL CHECK (status IN ('cohort', 'closed')),
  on_date     TEXT NOT NULL,
  reason      TEXT NOT NULL CHECK (reason <> ''),
  outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'outcomes_achieved',
                'stepped_down', 'moved_away', 'disengaged', 'transferred')),
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX family_status_family ON family_status(family_id, pk);

-- The families closed now, with the date of their latest closure: what
-- lookups mark as closed and what retention counts its years from.
ALTER TABLE family ADD COLUMN closed_on TEXT;
CREATE INDEX family_closed ON family(closed_on) WHERE closed_on IS NOT NULL;
