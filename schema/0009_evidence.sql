-- sfcohort schema, migration 9: evidence feeds from partners (school
-- attendance, police call-outs, benefit claims...), matched to the cohort by
-- `evidence import`, reviewed by `evidence review`, and read by `identify`.
-- Written only by lib/src/db/evidence.cpp. Dates are YYYY-MM-DD; times UTC
-- YYYY-MM-DDTHH:MM:SSZ.

-- One imported feed. id: E000001, E000002, ... sha256: of the file's bytes;
-- a file is imported once per indicator (the same file again changes
-- nothing). indicator: the --indicator code, or '' when a column names it
-- per row. source: who sent it (every row of evidence carries it too).
CREATE TABLE evidence_feed (
  id           TEXT PRIMARY KEY,
  sha256       TEXT NOT NULL,
  indicator    TEXT NOT NULL DEFAULT '',
  source       TEXT NOT NULL,
  file         TEXT NOT NULL,
  criteria_set TEXT NOT NULL,
  imported_at  TEXT NOT NULL,
  imported_by  TEXT NOT NULL,
  rows_read    INTEGER NOT NULL,
  attached     INTEGER NOT NULL,
  review       INTEGER NOT NULL,
  outside      INTEGER NOT NULL,
  rejected     INTEGER NOT NULL,
  UNIQUE (sha256, indicator)
);

-- One row of a feed: a piece of evidence about one person.
-- state: attached (matched exact or strong, or accepted in review, to
-- person_id), review (a possible match to person_id, waiting for a person
-- to decide) or outside (matched nobody, or rejected in review: about
-- someone outside the cohort). band, score and why: the lookup's answer.
-- The person's fields as the partner gave them are kept for review and
-- outside rows only (attached rows need them no more). address_family: a
-- cohort family the lookup found at the row's address (postcode and house),
-- which makes the address shared when outside people are grouped.
-- fingerprint: a digest of the row's person, indicator, date, value and
-- source; a row already held is not stored twice.
CREATE TABLE evidence (
  pk             INTEGER PRIMARY KEY,
  feed_id        TEXT NOT NULL REFERENCES evidence_feed(id),
  row_no         INTEGER NOT NULL,
  fingerprint    TEXT NOT NULL UNIQUE,
  indicator      TEXT NOT NULL,
  date           TEXT NOT NULL,
  value          REAL,
  source         TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('attached', 'review', 'outside')),
  person_id      TEXT REFERENCES person(id) ON UPDATE CASCADE ON DELETE CASCADE,
  band           TEXT NOT NULL,
  score          REAL NOT NULL DEFAULT 0,
  why            TEXT NOT NULL DEFAULT '',
  given_name     TEXT NOT NULL DEFAULT '',
  surname        TEXT NOT NULL DEFAULT '',
  dob            TEXT NOT NULL DEFAULT '',
  sex            TEXT NOT NULL DEFAULT '',
  postcode       TEXT NOT NULL DEFAULT '',
  house          TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL DEFAULT '',
  address_family TEXT NOT NULL DEFAULT '',
  decided_at     TEXT,
  decided_by     TEXT,
  decision       TEXT CHECK (decision IN ('accepted', 'rejected')),
  reason         TEXT
);
CREATE INDEX evidence_person ON evidence(person_id);
CREATE INDEX evidence_state ON evidence(state, person_id);

-- The nominations `identify --nominate` made for candidate households (by
-- the household's key), so that a household is nominated once.
CREATE TABLE candidate_nomination (
  household     TEXT PRIMARY KEY,
  nomination_id TEXT NOT NULL REFERENCES nomination(id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL
);
