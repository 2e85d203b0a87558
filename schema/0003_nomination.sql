-- sfcohort schema, migration 3: nominations and what a family's file holds
-- once a nomination is accepted (evidence, agencies, consent, legal basis).
-- Written only by lib/src/nomination.cpp; `export --fields full` reads the
-- family_* tables by family_id (see sfcohort/nomination.hpp:
-- family_dossier()). Dates are YYYY-MM-DD; times UTC YYYY-MM-DDTHH:MM:SSZ.

-- One nomination as submitted. id: N000001, N000002, ...
-- status: pending until decided, then accepted or rejected.
-- submitted_by: the --as actor who ran `nominate submit`; nominator_* are the
-- file's nominated_by (the professional who nominated the family).
-- criteria_set, as_of, eligible, criteria_met (JSON array of criterion ids)
-- and result (the `check --format json` object) are the check run at submit.
-- document: the JSON exactly as submitted. family_id: at submit, the cohort
-- family its members matched (if one); on acceptance, the family it was
-- added to or merged into. decided_*: who decided, when and why.
CREATE TABLE nomination (
  id               TEXT PRIMARY KEY,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'accepted', 'rejected')),
  submitted_at     TEXT NOT NULL,
  submitted_by     TEXT NOT NULL,
  nominator_name   TEXT NOT NULL DEFAULT '',
  nominator_agency TEXT NOT NULL DEFAULT '',
  nominator_email  TEXT NOT NULL DEFAULT '',
  criteria_set     TEXT NOT NULL,
  as_of            TEXT NOT NULL,
  eligible         INTEGER NOT NULL CHECK (eligible IN (0, 1)),
  criteria_met     TEXT NOT NULL DEFAULT '[]',
  result           TEXT NOT NULL DEFAULT '{}',
  document         TEXT NOT NULL,
  family_id        TEXT REFERENCES family(id) ON UPDATE CASCADE,
  decided_at       TEXT,
  decided_by       TEXT,
  reason           TEXT
);
CREATE INDEX nomination_status ON nomination(status, id);
CREATE INDEX nomination_family ON nomination(family_id);

-- Each member of a nominated household: member_id is the file's id ("m1");
-- matched_* is what the cohort lookup at submit found (band exact or
-- strong, or NULL); person_id is set on acceptance to the person the member
-- became or was merged into.
CREATE TABLE nomination_member (
  nomination_id    TEXT NOT NULL REFERENCES nomination(id) ON DELETE CASCADE,
  member_id        TEXT NOT NULL,
  resident         INTEGER NOT NULL DEFAULT 1,
  relationship     TEXT NOT NULL DEFAULT '',
  matched_person   TEXT,
  matched_family   TEXT,
  matched_band     TEXT,
  person_id        TEXT REFERENCES person(id) ON UPDATE CASCADE,
  PRIMARY KEY (nomination_id, member_id)
) WITHOUT ROWID;
CREATE INDEX nomination_member_person ON nomination_member(person_id);

-- The evidence of an accepted nomination, per family: indicator (a code of
-- the nomination's criteria set), the person it concerns (NULL: the whole
-- household), the date, the value for indicators that take one, and the
-- agency it came from.
CREATE TABLE family_evidence (
  pk            INTEGER PRIMARY KEY,
  family_id     TEXT NOT NULL REFERENCES family(id) ON UPDATE CASCADE,
  nomination_id TEXT NOT NULL REFERENCES nomination(id),
  indicator     TEXT NOT NULL,
  person_id     TEXT REFERENCES person(id) ON UPDATE CASCADE,
  member_id     TEXT NOT NULL DEFAULT '',
  date          TEXT NOT NULL,
  value         REAL,
  source        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX family_evidence_family ON family_evidence(family_id, date);

-- Agencies working with the family, from accepted nominations. role:
-- lead_professional, keyworker or involved; lead = 1 for the lead agency
-- (whose name and contact also go to family.lead_agency/lead_contact).
CREATE TABLE family_agency (
  pk            INTEGER PRIMARY KEY,
  family_id     TEXT NOT NULL REFERENCES family(id) ON UPDATE CASCADE,
  nomination_id TEXT NOT NULL REFERENCES nomination(id),
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('lead_professional', 'keyworker', 'involved')),
  contact       TEXT NOT NULL DEFAULT '',
  lead          INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1))
);
CREATE INDEX family_agency_family ON family_agency(family_id);

-- Consent and legal basis, one row per accepted nomination; the family's
-- current consent is the row of its latest accepted nomination. given: 1 or
-- 0; given_on: the date; given_by: who gave (or refused) it.
CREATE TABLE family_consent (
  nomination_id TEXT PRIMARY KEY REFERENCES nomination(id),
  family_id     TEXT NOT NULL REFERENCES family(id) ON UPDATE CASCADE,
  given         INTEGER NOT NULL CHECK (given IN (0, 1)),
  given_on      TEXT,
  given_by      TEXT NOT NULL DEFAULT '',
  legal_basis   TEXT NOT NULL DEFAULT '',
  recorded_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX family_consent_family ON family_consent(family_id);
