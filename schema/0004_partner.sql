-- sfcohort schema, migration 4: the partner register. A partner (police,
-- NHS, a school) the team exchanges sealed files with: its age recipient
-- (what we encrypt to), its minisign public key (what its signatures are
-- checked against), the agreements signed and their dates, when sharing
-- ends, the legal basis, and the field profiles it may receive.
-- Sharing needs isa, dsp and mou all dated on or before today, and expires
-- (when set) on or after today.
CREATE TABLE partner (
  name        TEXT PRIMARY KEY COLLATE NOCASE,
  recipient   TEXT NOT NULL,                 -- age1...
  sign_key    TEXT NOT NULL DEFAULT '',      -- RW... (minisign), '' if none given
  isa         TEXT,                          -- information sharing agreement, YYYY-MM-DD
  dsp         TEXT,                          -- data sharing protocol, YYYY-MM-DD
  mou         TEXT,                          -- memorandum of understanding, YYYY-MM-DD
  expires     TEXT,                          -- YYYY-MM-DD, NULL for no end date
  legal_basis TEXT NOT NULL DEFAULT '',
  allow       TEXT NOT NULL DEFAULT 'basic' CHECK (allow IN ('basic', 'full')),
  added_at    TEXT NOT NULL,                 -- UTC, YYYY-MM-DDTHH:MM:SSZ
  added_by    TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
