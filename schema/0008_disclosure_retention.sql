-- sfcohort schema, migration 8: who was disclosed to whom, and how long
-- records are kept. Written only by lib/src/db/disclosure.cpp and
-- lib/src/db/retention.cpp.

-- One row per person a command returned or disclosed: a lookup (single or
-- batch) that returned them to an officer (partner ''), an export or a
-- sealed reply that contained them (partner: the registered partner, or the
-- age recipient outside the register). Written in the transaction of the
-- audit entry audit_seq, whose detail carries the count and a keyed digest
-- of its rows ("disclosed"), so the chain covers them: `audit verify`
-- recomputes it. family_id is the person's family when disclosed.
CREATE TABLE disclosure (
  person_id TEXT NOT NULL,
  audit_seq INTEGER NOT NULL REFERENCES audit(seq),
  partner   TEXT NOT NULL DEFAULT '',
  family_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (person_id, audit_seq, partner)
) WITHOUT ROWID;

-- What retention disposed of, per audit entry: how many of its disclosure
-- rows were deleted and the XOR of their keyed digests (no personal data),
-- so the entry's digest still verifies without the rows. The retention
-- entry that deleted them records the totals.
CREATE TABLE disclosure_disposed (
  audit_seq INTEGER PRIMARY KEY REFERENCES audit(seq),
  people    INTEGER NOT NULL,
  digest    TEXT NOT NULL
);

-- The retention schedule: how long each class of record is kept after the
-- event it counts from. class: 'closed_family' (a closed family's records,
-- from its closure date), 'rejected_nomination' (a rejected nomination,
-- from its decision). duration: 'N years', 'N months' or 'N days'.
-- The defaults are rows here; `sfcohort retention set` overrides them.
CREATE TABLE retention (
  class      TEXT PRIMARY KEY,
  duration   TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
INSERT INTO retention(class, duration, updated_at, updated_by) VALUES
  ('closed_family', '6 years', '', 'default'),
  ('rejected_nomination', '1 year', '', 'default');

-- A subject access request reads the entries about a person or family by
-- their subject.
CREATE INDEX audit_subject ON audit(subject);

-- Disposal deletes people, nominations and families; the tables that refer
-- to them are searched by these (and so are the foreign-key checks).
CREATE INDEX family_evidence_person ON family_evidence(person_id);
CREATE INDEX family_evidence_nomination ON family_evidence(nomination_id);
CREATE INDEX family_agency_nomination ON family_agency(nomination_id);
