-- The learned match model (lib/src/db/match_weights.cpp, `sfcohort train`).
--
-- match_weight: for each comparison level of each field (given_name exact,
-- dob digit, ...), m (how often the level is seen when the two records are
-- the same person) and u (how often between two different people); the
-- weight of the level is log2(m/u). Replaced as a whole by each training.
-- match_training: when the weights were learned and from what (one row).
-- match_band: the team's band thresholds on the match probability, when set.
CREATE TABLE match_weight (
  field TEXT NOT NULL,
  level TEXT NOT NULL,
  m DOUBLE PRECISION NOT NULL CHECK (m > 0 AND m <= 1),
  u DOUBLE PRECISION NOT NULL CHECK (u > 0 AND u <= 1),
  PRIMARY KEY (field, level)
);
CREATE TABLE match_training (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  trained_at TEXT NOT NULL,
  source TEXT NOT NULL,
  people BIGINT NOT NULL,
  random_pairs BIGINT NOT NULL,
  blocked_pairs BIGINT NOT NULL,
  queries BIGINT NOT NULL
);
CREATE TABLE match_band (
  band TEXT PRIMARY KEY CHECK (band IN ('possible', 'strong')),
  threshold DOUBLE PRECISION NOT NULL CHECK (threshold > 0 AND threshold < 1),
  set_at TEXT NOT NULL
);
