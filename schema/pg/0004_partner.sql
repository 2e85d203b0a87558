-- sfcohort schema, migration 4: the partner register. A partner (police,
-- NHS, a school) the team exchanges sealed files with: its age recipient
-- (what we encrypt to), its minisign public key (what its signatures are
-- checked against), the agreements signed and their dates, when sharing
-- ends, the legal basis, and the field profiles it may receive.
-- Sharing needs isa, dsp and mou all dated on or before today, and expires
-- (when set) on or after today.
CREATE TABLE partner (
  name        text COLLATE nocase PRIMARY KEY,
  recipient   text COLLATE "C" NOT NULL,                 -- age1...
  sign_key    text COLLATE "C" NOT NULL DEFAULT '',      -- RW... (minisign), '' if none given
  isa         text COLLATE "C",                          -- information sharing agreement, YYYY-MM-DD
  dsp         text COLLATE "C",                          -- data sharing protocol, YYYY-MM-DD
  mou         text COLLATE "C",                          -- memorandum of understanding, YYYY-MM-DD
  expires     text COLLATE "C",                          -- YYYY-MM-DD, NULL for no end date
  legal_basis text COLLATE "C" NOT NULL DEFAULT '',
  allow       text COLLATE "C" NOT NULL DEFAULT 'basic' CHECK (allow IN ('basic', 'full')),
  added_at    text COLLATE "C" NOT NULL,                 -- UTC, YYYY-MM-DDTHH:MM:SSZ
  added_by    text COLLATE "C" NOT NULL,
  updated_at  text COLLATE "C" NOT NULL
);
