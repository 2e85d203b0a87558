#include "sfcohort/lookup.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "db/match_model.hpp"
#include "db/match_tables.hpp"
#include "match/blocking.hpp"
#include "match/cohort_index.hpp"
#include "match/model.hpp"
#include "match/weights.hpp"

namespace sfcohort {

namespace {

// A block this large says the key is not selective (a data error such as a
// placeholder date shared by thousands): its candidates are not worth
// scoring one by one, and the other keys still find the person.
constexpr int kMaxBlock = 150;
// An address-only lookup reads at most this many people at one postcode
// (a postcode holds a few dozen households at most).
constexpr size_t kMaxAtPostcode = 5000;

// A cohort person's fields that are scored, as views into storage its
// Source keeps for the lookup (or longer).
struct Fields {
  int64_t pk = 0;
  std::string_view id, family_id, given_name, middle_names, surname, dob, postcode, house, sex;
  // A source may leave family_id empty and keep where to find it here.
  uint32_t family = UINT32_MAX;
  // A source may leave the fields but pk and family empty until complete(),
  // and keep where to find them here.
  uint32_t slot = UINT32_MAX;
};

Person person_of(const Fields& f) {
  Person p;
  p.pk = f.pk;
  p.id = f.id;
  p.family_id = f.family_id;
  p.given_name = f.given_name;
  p.middle_names = f.middle_names;
  p.surname = f.surname;
  p.dob = f.dob;
  p.postcode = f.postcode;
  p.house = f.house;
  p.sex = f.sex;
  return p;
}

// Candidates are kept between lookups (Matcher::Impl::cands), so a Norm's
// strings keep their storage and scoring one is copying a few short names.
struct Candidate {
  Fields person;
  match::Norm norm;
  match::Comparison cmp;
  double p = 0;  // the match probability
  Band band = Band::kNone;
};

// Where a lookup reads the cohort: the store, or a CohortIndex loaded from
// it. Matcher::lookup is one piece of code over either, so both answer alike.
class Source {
 public:
  virtual ~Source() = default;
  // The people sharing one of KEYS, ascending, each once: opaque ids that
  // the other calls take (pks for the store, slots for the index).
  virtual Status candidates(const std::vector<uint64_t>& keys, std::vector<int64_t>& ids) = 0;
  // The people at Q's postcode (and house, when the source can only find
  // people by both), ascending, as candidates() gives them.
  virtual Status at_address(const match::Norm& q, std::vector<int64_t>& ids) = 0;
  // What scoring reads of person ID: F's pk and what in_cohort() and
  // family_id() read (the rest may wait for complete()); N, the person as
  // normalise_person() and sex_of() make it, every member assigned; and the
  // shares of the cohort with N's given name and surname. False when the
  // person is gone. F's views stay valid until the next lookup starts
  // (begin()).
  virtual Result<bool> scored(int64_t id, Fields& f, match::Norm& n, double& given_tf,
                              double& surname_tf) = 0;
  // Fills the rest of F (from scored()).
  virtual void complete(Fields&) {}
  virtual void begin() {}
  // Whether F's family is in the cohort, and its id.
  virtual Result<bool> in_cohort(const Fields& f) = 0;
  virtual std::string_view family_id(const Fields& f) { return f.family_id; }
  // The person reported for a candidate C (from scored()).
  virtual Result<Person> reported(const Fields& c) = 0;
  virtual Status household_details(Household& hh) = 0;
  // How many people the cohort holds (indexed).
  virtual double people() const = 0;
  // The weights and bands to score with.
  virtual const match::Weights& weights() const = 0;
};

class StoreSource final : public Source {
 public:
  explicit StoreSource(Store& s)
      : store_(s), round_trips_(match_tables::queries_are_round_trips(s)) {}

  Status candidates(const std::vector<uint64_t>& keys, std::vector<int64_t>& ids) override {
    SF_TRY(match::probe(store_, keys, kMaxBlock, ids));
    return prefetch(ids);
  }

  Status at_address(const match::Norm& q, std::vector<int64_t>& ids) override {
    auto pc = parse_postcode(q.postcode);
    if (!pc) return Ok{};  // stored postcodes are valid ones
    return match_model::people_at_postcode(store_, pc->unit(), kMaxAtPostcode, ids);
  }

  // Only what scoring needs is read per candidate; the whole person is read
  // for the few that are reported (most candidates score nothing).
  void begin() override {
    fetched_.clear();
    prefetched_.clear();
  }

  Result<bool> scored(int64_t pk, Fields& f, match::Norm& n, double& gtf, double& stf) override {
    auto found = scored_fields(pk, f);
    if (!found || !*found) return found;
    n = normalise_(f.given_name, f.middle_names, f.surname, f.dob, f.postcode, f.house);
    n.sex = match::sex_of(f.sex);
    auto g = tf(match_tables::NameKind::kGiven, n.given.first, given_tf_);
    if (!g) return g.error();
    auto s = tf(match_tables::NameKind::kSurname, n.surname.full, surname_tf_);
    if (!s) return s.error();
    gtf = *g;
    stf = *s;
    return true;
  }

  Result<bool> scored_fields(int64_t pk, Fields& f) {
    Person& p = fetched_.emplace_back();
    if (auto it = prefetched_.find(pk); it != prefetched_.end()) {
      p = std::move(it->second);
      prefetched_.erase(it);
    } else {
      auto found = store_.person_match_fields(pk, p);
      if (!found) return found.error();
      if (!*found) {
        fetched_.pop_back();
        return false;
      }
    }
    f = Fields{p.pk,  p.id,       p.family_id, p.given_name, p.middle_names, p.surname,
               p.dob, p.postcode, p.house,     p.sex,        UINT32_MAX};
    return true;
  }

  Result<bool> in_cohort(const Fields& f) override {
    std::string family_id(f.family_id);
    if (auto it = cohort_family_.find(family_id); it != cohort_family_.end()) return it->second;
    auto v = store_.family_in_cohort(family_id);
    if (!v) return v.error();
    if (cohort_family_.size() > 200000) cohort_family_.clear();  // bounded memory in long batches
    cohort_family_.emplace(family_id, *v);
    return *v;
  }

  Result<Person> reported(const Fields& c) override {
    auto full = store_.person_by_pk(c.pk);
    if (!full) return full.error();
    return *full ? std::move(**full) : person_of(c);
  }

  Status household_details(Household& hh) override {
    auto f = store_.family(hh.family_id);
    if (!f) return f.error();
    if (*f) {
      hh.lead_agency = (*f)->lead_agency;
      hh.lead_contact = (*f)->lead_contact;
    }
    auto n = store_.family_size(hh.family_id);
    if (!n) return n.error();
    hh.people = static_cast<int>(*n);
    return Ok{};
  }

  double people() const override { return total; }
  const match::Weights& weights() const override { return model; }
  double total = 0;  // people indexed
  match::Weights model = match::Weights::builtin();

 private:
  // On a server, the candidates' fields and the counts of their names are
  // read in one query each, not one round trip a candidate and a name (a
  // single lookup at 1,000,000 people has about fifty candidates).
  Status prefetch(const std::vector<int64_t>& ids) {
    if (!round_trips_ || ids.size() < 2) return Ok{};
    std::vector<Person> people;
    SF_TRY(store_.people_match_fields(ids, people));
    std::vector<std::string> given, surname;
    for (Person& p : people) {
      const match::Norm& n =
          normalise_(p.given_name, p.middle_names, p.surname, p.dob, p.postcode, p.house);
      if (!n.given.first.empty() && !given_tf_.count(n.given.first)) given.push_back(n.given.first);
      if (!n.surname.full.empty() && !surname_tf_.count(n.surname.full))
        surname.push_back(n.surname.full);
      prefetched_.emplace(p.pk, std::move(p));
    }
    SF_TRY(count_names(match_tables::NameKind::kGiven, given, given_tf_));
    return count_names(match_tables::NameKind::kSurname, surname, surname_tf_);
  }
  // Puts the counts of NAMES into CACHE as tf() would, 0 for a name none has.
  Status count_names(match_tables::NameKind kind, std::vector<std::string>& names,
                     std::unordered_map<std::string, double>& cache) {
    if (names.empty() || total <= 0) return Ok{};
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    auto counts = match_tables::name_counts(store_, kind, names);
    if (!counts) return counts.error();
    if (cache.size() > 200000) cache.clear();  // bounded memory in long batches
    for (const std::string& name : names) cache.emplace(name, 0.0);
    for (const auto& [name, n] : *counts) cache[name] = static_cast<double>(n) / total;
    return Ok{};
  }

  Result<double> tf(match_tables::NameKind kind, const std::string& name,
                    std::unordered_map<std::string, double>& cache) {
    if (name.empty() || total <= 0) return 0.0;
    if (auto it = cache.find(name); it != cache.end()) return it->second;
    auto n = match_tables::name_count(store_, kind, name);
    if (!n) return n.error();
    const double v = static_cast<double>(*n) / total;
    if (cache.size() > 200000) cache.clear();  // bounded memory in long batches
    cache.emplace(name, v);
    return v;
  }

  Store& store_;
  match::PersonNormaliser normalise_;
  const bool round_trips_;      // the store is a server: see prefetch()
  std::deque<Person> fetched_;  // this lookup's candidates (a deque: they do not move)
  std::unordered_map<int64_t, Person> prefetched_;  // read by prefetch(), not yet scored
  std::unordered_map<std::string, double> given_tf_, surname_tf_;
  std::unordered_map<std::string, bool> cohort_family_;  // family id -> status is 'cohort'
};

class IndexSource final : public Source {
 public:
  explicit IndexSource(std::shared_ptr<const CohortIndex> index)
      : index_(std::move(index)), x_(match::IndexAccess::data(*index_)) {}

  Status candidates(const std::vector<uint64_t>& keys, std::vector<int64_t>& ids) override {
    slots_.clear();
    x_.probe(keys, kMaxBlock, slots_);
    std::sort(slots_.begin(), slots_.end());
    slots_.erase(std::unique(slots_.begin(), slots_.end()), slots_.end());
    // A key may name a pk with no person (the store's lookup skips it too).
    while (!slots_.empty() && slots_.back() == UINT32_MAX) slots_.pop_back();
    // Each person is a cache miss or two: all are asked for at once.
    for (uint32_t s : slots_) __builtin_prefetch(&x_.field_at[s]);
    for (uint32_t s : slots_) __builtin_prefetch(x_.fields.at(x_.field_at[s]));
    ids.assign(slots_.begin(), slots_.end());
    return Ok{};
  }

  // The index keeps people by postcode and house only (the address key).
  Status at_address(const match::Norm& q, std::vector<int64_t>& ids) override {
    const uint64_t key = match::address_key(q);
    if (key == 0) return Ok{};
    return candidates({key}, ids);
  }

  // Scoring reads the forms made at load, not the person's fields.
  Result<bool> scored(int64_t slot, Fields& p, match::Norm& n, double& gtf, double& stf) override {
    const auto s = static_cast<uint32_t>(slot);
    p = Fields{};
    p.pk = x_.pk[s];
    p.slot = s;
    const match::PersonForms forms = x_.person_forms(s);
    p.family = forms.family;
    x_.norm(forms, n, gtf, stf);
    return true;
  }

  void complete(Fields& p) override {
    if (p.slot == UINT32_MAX) return;
    std::string_view f[match::IndexData::kFieldCount];
    x_.person_fields(p.slot, f, p.family);
    using F = match::IndexData;
    p.id = f[F::kId];
    p.family_id = f[F::kFamily];
    p.given_name = f[F::kGiven];
    p.middle_names = f[F::kMiddle];
    p.surname = f[F::kSurname];
    p.dob = f[F::kDob];
    p.postcode = f[F::kPostcode];
    p.house = f[F::kHouse];
    p.sex = f[F::kSex];
  }

  double people() const override { return x_.total; }
  const match::Weights& weights() const override { return x_.weights; }
  // A person whose family is missing is in none (as in the store).
  Result<bool> in_cohort(const Fields& f) override {
    return f.family != UINT32_MAX && x_.cohort[f.family];
  }
  std::string_view family_id(const Fields& f) override {
    if (f.family != UINT32_MAX) return x_.family_id(f.family);
    Fields full = f;
    complete(full);
    return full.family_id;  // a view of the index
  }
  Result<Person> reported(const Fields& c) override {
    Fields f = c;
    complete(f);
    f.family_id = family_id(c);
    return person_of(f);
  }
  Status household_details(Household&) override {
    return internal_error("lookup: household details need the store, not a cohort index");
  }

 private:
  std::shared_ptr<const CohortIndex> index_;
  const match::IndexData& x_;
  std::vector<uint32_t> slots_;
};

}  // namespace

struct Matcher::Impl {
  std::unique_ptr<Source> source;
  std::vector<Candidate> cands;  // the last lookup's, kept for their storage
};

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

Result<Matcher> Matcher::create(Store& store) {
  auto source = std::make_unique<StoreSource>(store);
  // Lookups read key buckets and people at random over a cohort far larger
  // than any cache a thread can have, so most reads miss whatever its size
  // and come from the OS cache. A page cache that holds the B-trees' inner
  // pages is enough: 64 MiB per thread cost more in growing and searching
  // it than it saved (measured: 8.3 s of CPU for 30,000 queries, 7.7 s with
  // 16 MiB, and a third of the memory).
  SF_TRY(store.set_cache_kib(16384));
  SF_TRY(match::refresh_index(store));
  auto total = match_tables::people_indexed(store);
  if (!total) return total.error();
  source->total = static_cast<double>(*total);
  auto model = match::load_weights(store);
  if (!model) return model.error();
  source->model = std::move(*model);
  (void)names::Variants::builtin();
  auto impl = std::make_unique<Impl>();
  impl->source = std::move(source);
  return Matcher(std::move(impl));
}

Matcher Matcher::create(std::shared_ptr<const CohortIndex> index) {
  (void)names::Variants::builtin();
  auto impl = std::make_unique<Impl>();
  impl->source = std::make_unique<IndexSource>(std::move(index));
  return Matcher(std::move(impl));
}

namespace {

// The band of a comparison of match probability P under W: the thresholds,
// with the safety rules on top (Comparison::strong_eligible, review).
Band band_of(const match::Comparison& cmp, double p, const match::Weights& w) {
  if (cmp.review) return Band::kPossible;
  if (cmp.given_differs || p < w.possible) return Band::kNone;
  if (cmp.strong_eligible && p >= w.strong) return cmp.exact ? Band::kExact : Band::kStrong;
  return Band::kPossible;
}

// Scores the people IDS (from Source::candidates) against Q into the first
// elements of CANDS (grown as needed, never shrunk: its elements' storage is
// reused), keeping those of families in the cohort; returns how many.
Result<size_t> score(Source& source, const match::Norm& q, const std::vector<int64_t>& ids,
                     std::vector<Candidate>& cands) {
  const match::QueryParts qp(q);
  if (cands.size() < ids.size()) cands.resize(ids.size());
  size_t kept = 0;
  for (int64_t id : ids) {
    Candidate& c = cands[kept];
    double gtf = 0, stf = 0;
    auto found = source.scored(id, c.person, c.norm, gtf, stf);
    if (!found) return found.error();
    if (!*found) continue;
    c.cmp = match::compare(qp, c.norm, gtf, stf, source.weights());
    c.p = match::probability(c.cmp.bits, source.people());
    c.band = band_of(c.cmp, c.p, source.weights());
    // Only people of families in the cohort (not nominated or closed) count;
    // checked only for those who matter, as most candidates score nothing.
    const bool at_address = c.norm.postcode == q.postcode && !q.postcode.empty();
    if (c.band != Band::kNone || at_address) {
      auto in_cohort = source.in_cohort(c.person);
      if (!in_cohort) return in_cohort.error();
      if (!*in_cohort) continue;
    }
    ++kept;
  }
  return kept;
}

// Two plausible people: neither is strong. Nor is one outweighed by
// another that reaches possible (Elijah Thomas elsewhere, beside Kai Elijah
// Thomas-Francis at the very address).
void demote_ambiguous(std::span<Candidate> cands) {
  for (auto& x : cands) {
    if (x.band < Band::kStrong) continue;
    for (const auto& y : cands) {
      if (&x == &y || y.band == Band::kNone) continue;
      if (y.cmp.bits >= x.cmp.bits - (y.cmp.could_be_same ? match::kAmbiguityBits : 0)) {
        x.band = Band::kPossible;
        break;
      }
    }
  }
}

// Best first; candidates stay in pk order among equals. The order is
// sorted, not the candidates, which are large to move.
std::vector<size_t> best_first(std::span<const Candidate> cands) {
  std::vector<size_t> order(cands.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    const Candidate& a = cands[i];
    const Candidate& b = cands[j];
    if (a.band != b.band) return a.band > b.band;
    return a.cmp.bits > b.cmp.bits;
  });
  return order;
}

Status add_matches(Source& source, std::span<const Candidate> cands,
                   const std::vector<size_t>& order, const LookupOptions& opts, LookupResult& out) {
  for (size_t i : order) {
    const Candidate& c = cands[i];
    if (c.band >= Band::kPossible) ++out.candidates;
    if (c.band == Band::kNone || c.band < opts.min_band) continue;
    if (static_cast<int>(out.matches.size()) >= opts.limit) continue;
    Match m;
    m.band = c.band;
    m.bits = c.cmp.bits;
    m.score = match::band_score(c.band, c.p, source.weights());
    auto full = source.reported(c.person);
    if (!full) return full.error();
    m.person = std::move(*full);
    m.why = c.cmp.why;
    out.matches.push_back(std::move(m));
  }
  return Ok{};
}

// The household: cohort families at the queried postcode and house.
Status add_household(Source& source, const match::Norm& q, std::span<const Candidate> cands,
                     const std::vector<size_t>& order, const LookupOptions& opts,
                     LookupResult& out) {
  std::map<std::string, Household> fams;
  for (size_t i : order) {
    const Candidate& c = cands[i];
    if (c.norm.postcode != q.postcode) continue;
    HouseLevel h = c.cmp.why.house;
    bool same = h == HouseLevel::kExact;
    bool same_number =
        h == HouseLevel::kNumber && ((q.house.letter.empty() && q.house.flat.empty()) ||
                                     (c.norm.house.letter.empty() && c.norm.house.flat.empty()));
    if (!same && !same_number) continue;
    const std::string_view family_id = source.family_id(c.person);
    Household& hh = fams[std::string(family_id)];
    hh.family_id = family_id;
    if (hh.house.empty()) {
      Fields full = c.person;
      source.complete(full);
      hh.house = full.house;
    }
    if (same || hh.why.empty())
      hh.why = same ? "same postcode and house" : "same postcode and house number";
    bool matched = c.band >= Band::kStrong;
    // A twin shares the date of birth; a sibling the surname, born near.
    DobLevel d = c.cmp.dob_as;
    bool resembles = d == DobLevel::kExact || d == DobLevel::kSwapped || d == DobLevel::kDigit ||
                     (d == DobLevel::kNear && c.cmp.why.surname != SurnameLevel::kDiffers);
    if (!matched && resembles && c.band == Band::kNone) {
      auto full = source.reported(c.person);
      if (!full) return full.error();
      hh.similar.push_back(std::move(*full));
    }
  }
  for (auto& [id, hh] : fams) {
    if (opts.household_details) SF_TRY(source.household_details(hh));
    out.household.push_back(std::move(hh));
  }
  return Ok{};
}

// An address-only lookup: the cohort families with someone at Q's postcode
// (and house, when given), with their lead and size.
Status address_households(Source& source, const match::Norm& q, const LookupOptions& opts,
                          LookupResult& out) {
  std::vector<int64_t> ids;
  SF_TRY(source.at_address(q, ids));
  std::map<std::string, Household> fams;
  match::Norm p;
  for (int64_t id : ids) {
    Fields f;
    double gtf = 0, stf = 0;
    auto found = source.scored(id, f, p, gtf, stf);
    if (!found) return found.error();
    if (!*found) continue;
    if (p.postcode != q.postcode) continue;
    HouseLevel h = q.house.empty() ? HouseLevel::kMissing : match::compare(q, p, 0, 0).why.house;
    const bool same_number =
        h == HouseLevel::kNumber && ((q.house.letter.empty() && q.house.flat.empty()) ||
                                     (p.house.letter.empty() && p.house.flat.empty()));
    if (!q.house.empty() && h != HouseLevel::kExact && !same_number) continue;
    auto in_cohort = source.in_cohort(f);
    if (!in_cohort) return in_cohort.error();
    if (!*in_cohort) continue;
    const std::string_view family_id = source.family_id(f);
    Household& hh = fams[std::string(family_id)];
    if (hh.family_id.empty()) {
      hh.family_id = family_id;
      source.complete(f);
      hh.house = f.house;
    }
    if (q.house.empty())
      hh.why = "same postcode";
    else if (h == HouseLevel::kExact || hh.why.empty())
      hh.why =
          h == HouseLevel::kExact ? "same postcode and house" : "same postcode and house number";
    ++hh.people;  // the people at the address; the family's size below
  }
  for (auto& [id, hh] : fams) {
    if (opts.household_details) SF_TRY(source.household_details(hh));
    out.household.push_back(std::move(hh));
  }
  return Ok{};
}

}  // namespace

Result<LookupResult> Matcher::lookup(const Query& query, const LookupOptions& opts) {
  Source& source = *impl_->source;
  LookupResult out;
  match::Norm q =
      match::normalise(query.given_name, "", query.surname, query.dob, query.postcode, query.house);
  q.sex = match::sex_of(query.sex);
  if (!q.dob_text.empty() && !q.dob_valid)
    out.warnings.push_back("dob '" + q.dob_text + "' is not a date: compared as written");
  if (!q.postcode.empty() && !q.postcode_valid)
    out.warnings.push_back("postcode '" + trim(query.postcode) +
                           "' is not a valid UK postcode: compared as written");
  if (query.address_only()) {
    source.begin();
    SF_TRY(address_households(source, q, opts, out));
    return out;
  }

  // Candidates: every person sharing a blocking key with the query.
  std::vector<uint64_t> keys = match::query_keys(q);
  std::vector<int64_t> ids;
  source.begin();
  SF_TRY(source.candidates(keys, ids));
  auto kept = score(source, q, ids, impl_->cands);
  if (!kept) return kept.error();
  const std::span<Candidate> cands(impl_->cands.data(), *kept);
  demote_ambiguous(cands);
  const std::vector<size_t> order = best_first(cands);
  SF_TRY(add_matches(source, cands, order, opts, out));
  if (opts.household && match::address_key(q) != 0)
    SF_TRY(add_household(source, q, cands, order, opts, out));
  return out;
}

}  // namespace sfcohort
