// The learned match model as the store keeps it (schema/0010): each
// comparison level's m and u, when and from what they were learned, and the
// team's band thresholds. What the levels mean and how they are learned is
// the match module's (match/weights.hpp, match/train.cpp). Private to lib/src.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match_weights {

struct Row {
  std::string field, level;
  double m = 0, u = 0;
};

struct Training {
  std::string trained_at, source;
  int64_t people = 0, random_pairs = 0, blocked_pairs = 0, queries = 0;
};

// Replaces the stored weights with ROWS, learned as TRAINING says. Call it in
// the caller's write transaction.
Status save(Store& store, const Training& training, const std::vector<Row>& rows);
// The stored training, or nothing when the cohort was never trained.
Result<std::optional<Training>> training(Store& store);
// The stored weights (none when never trained).
Result<std::vector<Row>> rows(Store& store);

// The band thresholds set (band "possible" or "strong", a probability).
struct Band {
  std::string band;
  double threshold = 0;
  std::string set_at;
};
Status set_band(Store& store, std::string_view band, double threshold);
Result<std::vector<Band>> bands(Store& store);

}  // namespace sfcohort::match_weights
