-- sfcohort schema, migration 2: what lookup needs to find a person quickly.
-- Written by the match index (lib/src/match_index.cpp) whenever a person is
-- inserted or updated, in the same transaction; never edit these by hand.

-- Blocking keys: 64-bit hashes of normalised values (e.g. the given-name
-- group and date of birth, the surname's Soundex and the date of birth with
-- day and month sorted, the postcode and house number). A lookup computes the
-- same keys from the query and probes for them, so candidates come from
-- indexed lookups, never from a scan of the cohort.
-- The keys are kept as a hash index: bucket is a key's top 16 bits, data
-- the bucket's (key, person pk) pairs as 16-byte little-endian records,
-- sorted. A probe reads one bucket by its primary key and binary-searches
-- it; an import writes each bucket once, which is what makes loading a
-- million people (several million keys) take seconds rather than minutes.
CREATE TABLE match_bucket (
  bucket bigint PRIMARY KEY,
  data   bytea NOT NULL
);

-- Per person: the keys written for it (8-byte little-endian integers, so
-- they can be removed when the person changes) and the folded given name and
-- surname counted in name_freq.
CREATE TABLE match_person (
  pk      bigint PRIMARY KEY REFERENCES person(pk) ON DELETE CASCADE,
  keys    bytea NOT NULL,
  given   text COLLATE "C" NOT NULL,
  surname text COLLATE "C" NOT NULL
);

-- How many cohort people have each folded given name (kind 'G') and surname
-- (kind 'S'); kind '#' with name '' counts everyone indexed. Kept up to date
-- on every insert and update, so lookups weigh agreement on a common name
-- (SMITH) less than on a rare one.
CREATE TABLE name_freq (
  kind text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  n    bigint NOT NULL,
  PRIMARY KEY (kind, name)
);
