-- sfcohort schema, migration 8 (PostgreSQL): who was disclosed to whom, and
-- how long records are kept; the tables of schema/0008 (see it, and
-- sfcohort-schema(5)). Written only by lib/src/db/disclosure.cpp and
-- lib/src/db/retention.cpp. On PostgreSQL the server makes each audit
-- entry's MAC with a key no client holds, so an entry records how many
-- people it disclosed (covered by the MAC) rather than a keyed digest.
CREATE TABLE disclosure (
  person_id text COLLATE "C" NOT NULL,
  audit_seq bigint NOT NULL REFERENCES audit(seq),
  partner   text COLLATE "C" NOT NULL DEFAULT '',
  family_id text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (person_id, audit_seq, partner)
);
CREATE INDEX disclosure_family ON disclosure(family_id);
CREATE INDEX disclosure_seq ON disclosure(audit_seq);

CREATE TABLE disclosure_disposed (
  audit_seq bigint PRIMARY KEY REFERENCES audit(seq),
  people    bigint NOT NULL,
  digest    text COLLATE "C" NOT NULL
);

CREATE TABLE retention (
  class      text COLLATE "C" PRIMARY KEY,
  duration   text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  updated_by text COLLATE "C" NOT NULL
);
INSERT INTO retention(class, duration, updated_at, updated_by) VALUES
  ('closed_family', '6 years', '', 'default'),
  ('rejected_nomination', '1 year', '', 'default');

CREATE INDEX audit_subject ON audit(subject);
CREATE INDEX family_evidence_person ON family_evidence(person_id);
CREATE INDEX family_evidence_nomination ON family_evidence(nomination_id);
CREATE INDEX family_agency_nomination ON family_agency(nomination_id);
