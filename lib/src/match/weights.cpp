#include "match/weights.hpp"

#include <algorithm>
#include <cmath>

#include "db/match_weights.hpp"

namespace sfcohort::match {
namespace {

// How often each level is seen between two records of the same person, as
// the built-in model assumes (sums to 1 per field): what `train` keeps when
// it has no queries to learn m from.
constexpr std::array<std::array<double, 10>, kFields> kDefaultM = {{
    // exact variant fuzzy initial middle swapped differs missing split two_edits
    {0.85, 0.04, 0.04, 0.01, 0.005, 0.01, 0.01, 0.01, 0.01, 0.015},
    // exact part fuzzy swapped differs missing
    {0.88, 0.02, 0.05, 0.01, 0.03, 0.01},
    // exact swapped digit near differs invalid missing
    {0.88, 0.02, 0.04, 0.02, 0.02, 0.01, 0.01},
    // exact near sector district differs invalid missing
    {0.80, 0.03, 0.02, 0.02, 0.10, 0.01, 0.02},
    // exact number differs missing
    {0.85, 0.03, 0.07, 0.05},
    // same differs missing
    {0.95, 0.01, 0.04},
}};

// A name's built-in exact weight at a name frequency of 1 in 100.
constexpr double kTypicalTf = 0.01;

bool uninformative(Field f, int level) {
  const std::string_view n = level_name(f, level);
  return n == "missing" || n == "invalid";
}

}  // namespace

std::string_view field_name(Field f) {
  static constexpr std::string_view k[] = {"given_name", "surname", "dob",
                                           "postcode",   "house",   "sex"};
  return k[static_cast<int>(f)];
}

int level_count(Field f) {
  static constexpr int k[] = {10, 6, 7, 7, 4, 3};
  return k[static_cast<int>(f)];
}

std::string_view level_name(Field f, int level) {
  switch (f) {
    case Field::kGiven:
      return level_name(static_cast<GivenLevel>(level));
    case Field::kSurname:
      return level_name(static_cast<SurnameLevel>(level));
    case Field::kDob:
      return level_name(static_cast<DobLevel>(level));
    case Field::kPostcode:
      return level_name(static_cast<PostcodeLevel>(level));
    case Field::kHouse:
      return level_name(static_cast<HouseLevel>(level));
    case Field::kSex:
      return level_name(static_cast<SexLevel>(level));
  }
  return "";
}

void Weights::finish() {
  for (int f = 0; f < kFields; ++f) {
    const auto fi = static_cast<size_t>(f);
    bits[fi].assign(m[fi].size(), 0.0);
    for (size_t l = 0; l < m[fi].size(); ++l) {
      if (uninformative(static_cast<Field>(f), static_cast<int>(l))) continue;
      bits[fi][l] = std::clamp(std::log2(m[fi][l] / u[fi][l]), kMinBits, kMaxBits);
    }
  }
}

const Weights& Weights::builtin() {
  static const Weights w = [] {
    Weights x;
    for (int f = 0; f < kFields; ++f) {
      const auto fi = static_cast<size_t>(f);
      const int n = level_count(static_cast<Field>(f));
      for (int l = 0; l < n; ++l) {
        const double m = kDefaultM[fi][static_cast<size_t>(l)];
        const double b = builtin_bits(static_cast<Field>(f), l, kTypicalTf);
        x.m[fi].push_back(m);
        x.u[fi].push_back(std::min(1.0, m / std::exp2(b)));
        x.bits[fi].push_back(b);
      }
    }
    return x;
  }();
  return w;
}

Result<Weights> load_weights(Store& store) {
  Weights w = Weights::builtin();
  auto rows = match_weights::rows(store);
  if (!rows) return rows.error();
  if (!rows->empty()) {
    w.trained = true;
    for (const auto& r : *rows)
      for (int f = 0; f < kFields; ++f) {
        if (field_name(static_cast<Field>(f)) != r.field) continue;
        for (int l = 0; l < level_count(static_cast<Field>(f)); ++l)
          if (level_name(static_cast<Field>(f), l) == r.level) {
            w.m[static_cast<size_t>(f)][static_cast<size_t>(l)] = r.m;
            w.u[static_cast<size_t>(f)][static_cast<size_t>(l)] = r.u;
          }
      }
    w.finish();
  }
  auto bands = match_weights::bands(store);
  if (!bands) return bands.error();
  for (const auto& b : *bands) {
    if (b.band == "possible") w.possible = b.threshold;
    if (b.band == "strong") w.strong = b.threshold;
  }
  return w;
}

}  // namespace sfcohort::match
