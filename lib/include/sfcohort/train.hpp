// Learning the match model from the cohort (`sfcohort train`): each
// comparison level's m (how often the level is seen when two records are the
// same person) and u (how often between two different people), as Splink
// estimates them: u from random pairs of cohort people, m by
// expectation-maximisation over the pairs that blocking gives for a set of
// queries (without queries, m keeps the built-in values). Stored in the
// database with when and from what; lookups then score with them. The band
// thresholds on the match probability are set here too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/lookup.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::train {

struct Options {
  // People as partners give them, to learn m from (none: built-in m).
  std::vector<Query> queries;
  std::string queries_from;  // where they came from, recorded as the source
  size_t random_pairs = 300000;
  size_t max_queries = 50000;  // a sample of this many when there are more
  uint64_t seed = 20261204;
};

struct Level {
  std::string field, level;
  double m = 0, u = 0;
  double bits = 0;  // the weight used: log2(m/u), clamped; 0 for missing
};

struct Model {
  bool trained = false;
  std::string trained_at, source;
  int64_t people = 0, random_pairs = 0, blocked_pairs = 0, queries = 0;
  std::vector<Level> levels;
  double possible = 0, strong = 0;  // the band thresholds in force
  bool bands_set = false;           // set by the team, not the defaults
  double seconds = 0;               // how long training took (train() only)
};

// Learns the weights from STORE's cohort (and OPTS.queries), stores them and
// records it in the audit trail, in one transaction.
Result<Model> train(Store& store, const Options& opts);
// The model lookups use now: the stored one, or the built-in one.
Result<Model> model(Store& store);
// Sets the band thresholds (probabilities, 0 < possible < strong < 1, each
// checked against the other in force); audited.
Status set_bands(Store& store, std::optional<double> possible, std::optional<double> strong);

}  // namespace sfcohort::train
