// The weights of the comparison levels: the built-in (untrained) ones, or
// the ones `sfcohort train` learned and stored (db/match_weights.hpp), and the
// band thresholds on the match probability. Private to lib/src.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "sfcohort/lookup.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::match {

// The fields compared, in the order of the tables.
enum class Field { kGiven, kSurname, kDob, kPostcode, kHouse, kSex };
inline constexpr int kFields = 6;
std::string_view field_name(Field f);
int level_count(Field f);
std::string_view level_name(Field f, int level);

// The default band thresholds on the match probability.
inline constexpr double kDefaultPossible = 0.15;
inline constexpr double kDefaultStrong = 0.98;
// No level of a learned model counts for more than this many bits, nor
// against by more than kMinBits.
inline constexpr double kMaxBits = 14.0;
inline constexpr double kMinBits = -20.0;

struct Weights {
  bool trained = false;
  // m and u of each level, by Field and level: the learned ones, or the
  // built-in defaults (whose u is what the built-in weights imply).
  std::array<std::vector<double>, kFields> m, u;
  // The weight in bits of each level: log2(m/u), clamped; a missing or
  // invalid value weighs nothing.
  std::array<std::vector<double>, kFields> bits;
  double possible = kDefaultPossible, strong = kDefaultStrong;

  // The built-in model: hand-set weights (model.cpp), the default bands.
  static const Weights& builtin();
  // Sets bits from m and u.
  void finish();
  double at(Field f, int level) const {
    return bits[static_cast<size_t>(f)][static_cast<size_t>(level)];
  }
};

// The weights STORE holds (the built-in ones when never trained), with the
// bands the team set.
Result<Weights> load_weights(Store& store);

// The untrained weight of a level, with TF the share of the cohort with the
// person's name (names only); what the built-in model scores.
double builtin_bits(Field f, int level, double tf = 0);

}  // namespace sfcohort::match
