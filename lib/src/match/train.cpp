// sfcohort/train.hpp: learning each comparison level's m and u from the
// cohort, as Splink does, and storing them (db/match_weights.hpp).
#include "sfcohort/train.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <unordered_map>

#include "db/match_weights.hpp"
#include "match/cohort_index.hpp"
#include "match/model.hpp"
#include "match/weights.hpp"

namespace sfcohort::train {
namespace {

// Fields learned from pairs; the house is scored only within one postcode,
// which random pairs hardly ever share, so it keeps the built-in weights.
constexpr std::array<match::Field, 5> kLearned = {match::Field::kGiven, match::Field::kSurname,
                                                  match::Field::kDob, match::Field::kPostcode,
                                                  match::Field::kSex};
using Levels = std::array<int, kLearned.size()>;

// How many pairs' worth of the built-in m each estimate starts from.
constexpr double kPriorPairs = 100;
// Random pairs a level must be seen in for its u to be estimated from them.
constexpr double kMinSeen = 5;

bool uninformative(match::Field f, int level) {
  const std::string_view n = match::level_name(f, level);
  return n == "missing" || n == "invalid";
}

Levels levels_of(const match::Comparison& c) {
  return {static_cast<int>(c.why.given_name), static_cast<int>(c.why.surname),
          static_cast<int>(c.dob_as), static_cast<int>(c.postcode_as), static_cast<int>(c.why.sex)};
}

// A pattern of levels as one number, for counting pairs by pattern.
uint32_t pattern_of(const Levels& l) {
  uint32_t p = 0;
  for (size_t i = 0; i < l.size(); ++i) p = p * 16 + static_cast<uint32_t>(l[i]);
  return p;
}
Levels levels_of_pattern(uint32_t p) {
  Levels l{};
  for (size_t i = l.size(); i-- > 0;) {
    l[i] = static_cast<int>(p % 16);
    p /= 16;
  }
  return l;
}

struct Person {
  const match::IndexData& x;
  match::PersonNormaliser normalise;
  // The person in SLOT normalised as a stored person (P) or as a query (Q).
  match::Norm stored(uint32_t slot) {
    std::string_view f[match::IndexData::kFieldCount];
    uint32_t family = 0;
    x.person_fields(slot, f, family);
    using F = match::IndexData;
    match::Norm n = normalise(f[F::kGiven], f[F::kMiddle], f[F::kSurname], f[F::kDob],
                              f[F::kPostcode], f[F::kHouse]);
    n.sex = match::sex_of(f[F::kSex]);
    return n;
  }
  match::Norm query(uint32_t slot) {
    std::string_view f[match::IndexData::kFieldCount];
    uint32_t family = 0;
    x.person_fields(slot, f, family);
    using F = match::IndexData;
    match::Norm n = match::normalise(f[F::kGiven], "", f[F::kSurname], f[F::kDob], f[F::kPostcode],
                                     f[F::kHouse]);
    n.sex = match::sex_of(f[F::kSex]);
    return n;
  }
  double tf(const std::unordered_map<std::string, int64_t>& counts, const std::string& name) const {
    auto it = counts.find(name);
    return it == counts.end() || x.total <= 0 ? 0.0 : static_cast<double>(it->second) / x.total;
  }
};

// u: the share of random pairs of cohort people at each level.
std::array<std::vector<double>, match::kFields> estimate_u(Person& people, size_t pairs,
                                                           std::mt19937_64& rng) {
  std::array<std::vector<double>, match::kFields> count;
  for (auto f : kLearned)
    count[static_cast<size_t>(f)].assign(static_cast<size_t>(match::level_count(f)), 0.0);
  const auto n = static_cast<uint32_t>(people.x.pk.size());
  std::uniform_int_distribution<uint32_t> pick(0, n - 1);
  for (size_t i = 0; i < pairs; ++i) {
    uint32_t a = pick(rng), b = pick(rng);
    if (a == b) b = (b + 1) % n;
    const match::Norm q = people.query(a);
    const match::Norm p = people.stored(b);
    const Levels l = levels_of(match::compare(q, p, 0, 0));
    for (size_t k = 0; k < kLearned.size(); ++k)
      count[static_cast<size_t>(kLearned[k])][static_cast<size_t>(l[k])] += 1;
  }
  // A level that random pairs of cohort people hardly show, because only a
  // partner's record can be written so (an initial, names reversed), keeps
  // the built-in u: a few pairs are no estimate.
  const match::Weights& builtin = match::Weights::builtin();
  const double total = static_cast<double>(pairs);
  for (size_t f = 0; f < count.size(); ++f)
    for (size_t l = 0; l < count[f].size(); ++l) {
      const double seen = count[f][l];
      count[f][l] = std::min(1.0, (seen + 0.5) / (total + 0.5));
      if (seen < kMinSeen) count[f][l] = std::max(count[f][l], builtin.u[f][l]);
    }
  return count;
}

// How a training pass finds the pairs it learns from. Splink's way: each
// pass learns m only for the fields its blocking leaves free, since a field
// the pairs were chosen to agree on shows how often it agrees among the
// pairs blocking found, not among all records of one person.
enum class Blocking {
  // The name keys (given name, surname and date of birth, fuzzily): learns
  // the postcode's m (and the sex's); finds the people who moved.
  kNames,
  // The address key (postcode and house): learns the names' and the date of
  // birth's m; finds the people whose surname changed or who are written
  // with an initial, whom the name keys find less often.
  kAddress,
};

// The pairs blocking gives for each query, counted by pattern of levels.
std::unordered_map<uint32_t, double> blocked_patterns(Person& people,
                                                      const std::vector<Query>& queries,
                                                      Blocking blocking, int64_t& pairs) {
  std::unordered_map<uint32_t, double> patterns;
  std::vector<uint32_t> slots;
  for (const Query& query : queries) {
    match::Norm q = match::normalise(query.given_name, "", query.surname, query.dob, query.postcode,
                                     query.house);
    q.sex = match::sex_of(query.sex);
    if (query.address_only()) continue;
    const match::QueryParts qp(q);
    const uint64_t home = match::address_key(q);
    std::vector<uint64_t> keys;
    if (blocking == Blocking::kNames) {
      // The address key would bring the whole household, whose pairs EM
      // would take for the matches.
      keys = match::query_keys(q);
      keys.erase(std::remove(keys.begin(), keys.end(), home), keys.end());
    } else if (home != 0) {
      keys = {home};
    }
    if (keys.empty()) continue;
    slots.clear();
    people.x.probe(keys, 150, slots);
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
    for (uint32_t s : slots) {
      if (s == UINT32_MAX) continue;
      const match::Norm p = people.stored(s);
      const double gtf = people.tf(people.x.given_n, p.given.first);
      const double stf = people.tf(people.x.surname_n, p.surname.full);
      patterns[pattern_of(levels_of(match::compare(qp, p, gtf, stf)))] += 1;
      ++pairs;
    }
  }
  return patterns;
}

// m over the blocked pairs, by expectation-maximisation of the share of
// them that are the same person: each pair is the same person with the
// odds that share and the fields in EVIDENCE give (their m from START, u
// from random pairs, as Splink keeps u fixed), and the m of each field in
// LEARN is the share of each of its levels among those pairs, weighed by
// the evidence of the other fields only. A field never vouches for itself,
// and the m learned is not fed back into the evidence: left to, a household
// at one address (one surname, other given names and dates of birth) or
// the namesakes a name key brings became the matches.
using FieldSet = std::array<bool, match::kFields>;
std::array<std::vector<double>, match::kFields> estimate_m(
    const std::unordered_map<uint32_t, double>& patterns,
    const std::array<std::vector<double>, match::kFields>& u,
    const std::array<std::vector<double>, match::kFields>& start, const FieldSet& learn,
    const FieldSet& evidence) {
  const match::Weights& builtin = match::Weights::builtin();
  std::array<std::vector<double>, match::kFields> m = start;
  double lambda = 0.3;
  for (int iteration = 0; iteration < 40; ++iteration) {
    std::array<std::vector<double>, match::kFields> sm;
    for (auto f : kLearned)
      sm[static_cast<size_t>(f)].assign(m[static_cast<size_t>(f)].size(), 0.0);
    double matched = 0, total = 0;
    for (const auto& [pattern, count] : patterns) {
      const Levels l = levels_of_pattern(pattern);
      std::array<double, kLearned.size()> ratio{};
      double odds = lambda / (1 - lambda);
      for (size_t k = 0; k < kLearned.size(); ++k) {
        const auto fi = static_cast<size_t>(kLearned[k]);
        const auto li = static_cast<size_t>(l[k]);
        ratio[k] = evidence[fi] ? start[fi][li] / u[fi][li] : 1.0;
        odds *= ratio[k];
      }
      matched += count * odds / (1 + odds);
      total += count;
      for (size_t k = 0; k < kLearned.size(); ++k) {
        const auto fi = static_cast<size_t>(kLearned[k]);
        if (!learn[fi]) continue;
        const double others = ratio[k] > 0 ? odds / ratio[k] : 0;
        sm[fi][static_cast<size_t>(l[k])] += count * others / (1 + others);
      }
    }
    if (total <= 0) break;
    lambda = std::clamp(matched / total, 1e-6, 1 - 1e-6);
    for (auto f : kLearned) {
      const auto fi = static_cast<size_t>(f);
      if (!learn[fi]) continue;
      // m over the levels that say something (a missing or invalid value
      // says nothing of who the person is), shrunk towards the built-in m
      // by kPriorPairs pairs: levels that blocking hides (a date of birth
      // far out) keep some chance.
      double informative = 0, builtin_informative = 0;
      for (size_t l = 0; l < m[fi].size(); ++l)
        if (!uninformative(f, static_cast<int>(l))) {
          informative += sm[fi][l];
          builtin_informative += builtin.m[fi][l];
        }
      for (size_t l = 0; l < m[fi].size(); ++l) {
        if (uninformative(f, static_cast<int>(l))) {
          m[fi][l] = builtin.m[fi][l];
          continue;
        }
        const double prior = builtin.m[fi][l] / builtin_informative;
        m[fi][l] =
            (sm[fi][l] + kPriorPairs * prior) / (informative + kPriorPairs) * builtin_informative;
      }
    }
  }
  return m;
}

// m in two passes, as Splink trains one EM session per blocking rule, each
// learning the fields its blocking leaves free:
//  - the names' and the date of birth's m from the pairs at the queries'
//    addresses, told apart by the given name, date of birth and sex (the
//    surname is shared by the household, the postcode by every pair);
//  - then the postcode's and the sex's from the pairs the name keys find
//    whose names and date of birth agree (below), the names' m held at the
//    first pass's.
std::array<std::vector<double>, match::kFields> learn_m(
    Person& people, const std::vector<Query>& sample,
    const std::array<std::vector<double>, match::kFields>& u, int64_t& pairs) {
  using match::Field;
  auto at = [](Field f) { return static_cast<size_t>(f); };
  std::array<std::vector<double>, match::kFields> m = match::Weights::builtin().m;
  int64_t address_pairs = 0;
  const auto at_address = blocked_patterns(people, sample, Blocking::kAddress, address_pairs);
  if (address_pairs > 0) {
    FieldSet learn{}, evidence{};
    learn[at(Field::kGiven)] = learn[at(Field::kSurname)] = learn[at(Field::kDob)] = true;
    evidence[at(Field::kGiven)] = evidence[at(Field::kDob)] = evidence[at(Field::kSex)] = true;
    m = estimate_m(at_address, u, m, learn, evidence);
  }
  int64_t name_pairs = 0;
  auto by_name = blocked_patterns(people, sample, Blocking::kNames, name_pairs);
  // Only pairs whose names agree closely and whose date of birth is exact:
  // a name key also brings namesakes a digit or a year apart, who are many
  // for a common name (the u of random pairs does not know which names are
  // common) and live elsewhere.
  for (auto it = by_name.begin(); it != by_name.end();) {
    const Levels l = levels_of_pattern(it->first);
    const auto g = static_cast<GivenLevel>(l[0]);
    const auto s = static_cast<SurnameLevel>(l[1]);
    const bool close = (g == GivenLevel::kExact || g == GivenLevel::kVariant) &&
                       (s == SurnameLevel::kExact || s == SurnameLevel::kPart) &&
                       static_cast<DobLevel>(l[2]) == DobLevel::kExact;
    it = close ? std::next(it) : by_name.erase(it);
  }
  if (!by_name.empty()) {
    FieldSet learn{}, evidence{};
    learn[at(Field::kPostcode)] = learn[at(Field::kSex)] = true;
    for (auto f : kLearned) evidence[at(f)] = true;
    m = estimate_m(by_name, u, m, learn, evidence);
  }
  pairs = address_pairs + name_pairs;
  return m;
}

Model model_of(const match::Weights& w) {
  Model out;
  out.trained = w.trained;
  out.possible = w.possible;
  out.strong = w.strong;
  for (int f = 0; f < match::kFields; ++f) {
    const auto field = static_cast<match::Field>(f);
    for (int l = 0; l < match::level_count(field); ++l)
      out.levels.push_back({std::string(match::field_name(field)),
                            std::string(match::level_name(field, l)),
                            w.m[static_cast<size_t>(f)][static_cast<size_t>(l)],
                            w.u[static_cast<size_t>(f)][static_cast<size_t>(l)], w.at(field, l)});
  }
  return out;
}

std::string count_text(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace

Result<Model> model(Store& store) {
  auto w = match::load_weights(store);
  if (!w) return w.error();
  Model out = model_of(*w);
  auto t = match_weights::training(store);
  if (!t) return t.error();
  if (*t) {
    out.trained_at = (*t)->trained_at;
    out.source = (*t)->source;
    out.people = (*t)->people;
    out.random_pairs = (*t)->random_pairs;
    out.blocked_pairs = (*t)->blocked_pairs;
    out.queries = (*t)->queries;
  }
  auto bands = match_weights::bands(store);
  if (!bands) return bands.error();
  out.bands_set = !bands->empty();
  return out;
}

Result<Model> train(Store& store, const Options& opts) {
  const auto started = std::chrono::steady_clock::now();
  // Index anyone not yet indexed, then read the cohort once.
  if (auto m = Matcher::create(store); !m) return m.error();
  auto index = CohortIndex::load(store);
  if (!index) return index.error();
  if (!*index) return invalid_input("train: the cohort is too large to hold in memory");
  Person people{match::IndexAccess::data(**index), {}};
  const size_t n = people.x.pk.size();
  if (n < 2)
    return Error(Errc::kInvalidInput,
                 "train: the cohort holds " + std::to_string(n) + " people: nothing to learn from",
                 {"import the cohort first"});

  std::mt19937_64 rng(opts.seed);
  match::Weights w = match::Weights::builtin();
  w.trained = true;
  auto u = estimate_u(people, opts.random_pairs, rng);
  for (auto f : kLearned) w.u[static_cast<size_t>(f)] = u[static_cast<size_t>(f)];

  std::vector<Query> sample = opts.queries;
  if (sample.size() > opts.max_queries) {
    std::shuffle(sample.begin(), sample.end(), rng);
    sample.resize(opts.max_queries);
  }
  int64_t blocked = 0;
  if (!sample.empty()) {
    auto m = learn_m(people, sample, u, blocked);
    if (blocked > 0)
      for (auto f : kLearned) w.m[static_cast<size_t>(f)] = m[static_cast<size_t>(f)];
  }
  w.finish();

  match_weights::Training t;
  t.trained_at = Store::now_utc();
  t.people = static_cast<int64_t>(n);
  t.random_pairs = static_cast<int64_t>(opts.random_pairs);
  t.blocked_pairs = blocked;
  t.queries = static_cast<int64_t>(sample.size());
  t.source = "u from " + count_text(t.random_pairs) + " random pairs of " + count_text(t.people) +
             " cohort people; ";
  if (blocked > 0)
    t.source += "m by EM over " + count_text(blocked) + " blocked pairs of " +
                count_text(t.queries) + " queries" +
                (opts.queries_from.empty() ? "" : " from " + opts.queries_from);
  else
    t.source += "m built-in (no queries)";
  std::vector<match_weights::Row> rows;
  for (int f = 0; f < match::kFields; ++f) {
    const auto field = static_cast<match::Field>(f);
    for (int l = 0; l < match::level_count(field); ++l)
      rows.push_back({std::string(match::field_name(field)),
                      std::string(match::level_name(field, l)),
                      w.m[static_cast<size_t>(f)][static_cast<size_t>(l)],
                      w.u[static_cast<size_t>(f)][static_cast<size_t>(l)]});
  }
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  SF_TRY(match_weights::save(store, t, rows));
  SF_TRY(store.audit("", {{"action", "train"},
                          {"people", t.people},
                          {"random_pairs", t.random_pairs},
                          {"blocked_pairs", t.blocked_pairs},
                          {"queries", t.queries},
                          {"source", t.source}}));
  SF_TRY(tx->commit());
  auto out = model(store);
  if (!out) return out.error();
  out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

Status set_bands(Store& store, std::optional<double> possible, std::optional<double> strong) {
  auto w = match::load_weights(store);
  if (!w) return w.error();
  const double p = possible.value_or(w->possible), s = strong.value_or(w->strong);
  if (!(p > 0 && p < 1) || !(s > 0 && s < 1))
    return invalid_input("band thresholds are probabilities between 0 and 1 (exclusive)");
  if (p >= s) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "the possible threshold (%g) must be below the strong one (%g)",
                  p, s);
    return invalid_input(msg);
  }
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  if (possible) SF_TRY(match_weights::set_band(store, "possible", p));
  if (strong) SF_TRY(match_weights::set_band(store, "strong", s));
  SF_TRY(store.audit("", {{"action", "train bands"}, {"possible", p}, {"strong", s}}));
  return tx->commit();
}

}  // namespace sfcohort::train
