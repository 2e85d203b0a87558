-- sfcohort schema, migration 1: the cohort (families and people) and the
-- audit trail. Applied in one transaction; PRAGMA user_version records the
-- last migration applied. Dates are text, YYYY-MM-DD; times are UTC,
-- YYYY-MM-DDTHH:MM:SSZ.

-- Facts about this database: its random id (which names the audit head file
-- kept beside the audit key), the default criteria set, and so on.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- A household worked with by the programme. status: 'cohort' (in the
-- programme), 'nominated' (created by a nomination not yet accepted),
-- 'closed'. lead_agency/lead_contact: the lead professional's agency and how
-- to reach them, given to partners who ask about the family.
CREATE TABLE family (
  id           TEXT PRIMARY KEY,
  status       TEXT NOT NULL DEFAULT 'cohort' CHECK (status IN ('cohort', 'nominated', 'closed')),
  joined_on    TEXT,
  lead_agency  TEXT NOT NULL DEFAULT '',
  lead_contact TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

-- A member of a family. pk is an internal key (match keys point at it); id
-- is the person id users see. Names are stored as given (UTF-8, with their
-- apostrophes, hyphens and accents); dob is YYYY-MM-DD; postcode is upper
-- case with one space ('HD1 2AB') or '' (no fixed abode); house is as given
-- ('12', '12A', 'Flat 3, 12', 'Rose Cottage'). extra holds the import file's
-- unknown columns as a JSON object.
CREATE TABLE person (
  pk           INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  family_id    TEXT NOT NULL REFERENCES family(id) ON UPDATE CASCADE,
  given_name   TEXT NOT NULL DEFAULT '',
  middle_names TEXT NOT NULL DEFAULT '',
  surname      TEXT NOT NULL,
  dob          TEXT NOT NULL,
  sex          TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'M', 'F', 'X', 'U')),
  role         TEXT NOT NULL CHECK (role IN ('adult', 'child')),
  postcode     TEXT NOT NULL DEFAULT '',
  house        TEXT NOT NULL DEFAULT '',
  address      TEXT NOT NULL DEFAULT '',
  joined_on    TEXT,
  extra        TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX person_family ON person(family_id, dob);

-- The audit trail: one row per command that read or changed personal data.
-- mac = HMAC-SHA-256(audit.key, prev_mac || the entry's canonical text), so
-- an entry cannot be edited, inserted or removed without the key, which is
-- kept outside the database. The newest seq and mac are also written to a
-- head file beside the key, so a cut-off tail is detected too.
CREATE TABLE audit (
  seq      INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  actor    TEXT NOT NULL,
  command  TEXT NOT NULL,
  purpose  TEXT NOT NULL DEFAULT '',
  subject  TEXT NOT NULL DEFAULT '',
  detail   TEXT NOT NULL DEFAULT '{}',
  prev_mac TEXT NOT NULL,
  mac      TEXT NOT NULL
);

-- The trail is append-only. (Someone with sqlite3 can drop these triggers;
-- the keyed chain is what detects that kind of edit.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
