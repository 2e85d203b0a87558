#include "sfcohort/lookup.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "match.hpp"
#include "match_index.hpp"
#include "sqlite.hpp"

namespace sfcohort {

namespace {

// A block this large says the key is not selective (a data error such as a
// placeholder date shared by thousands): its candidates are not worth
// scoring one by one, and the other keys still find the person.
constexpr int kMaxBlock = 150;

struct Candidate {
  Person person;
  match::Norm norm;
  match::Comparison cmp;
  Band band = Band::kNone;
};

}  // namespace

struct Matcher::Impl {
  Store* store = nullptr;
  double total = 0;  // people indexed
  std::unordered_map<std::string, double> given_tf, surname_tf;

  std::unordered_map<std::string, bool> cohort_family;  // family id -> status is 'cohort'

  Result<bool> in_cohort(const std::string& family_id) {
    if (auto it = cohort_family.find(family_id); it != cohort_family.end()) return it->second;
    auto st = store->cached("SELECT status = 'cohort' FROM family WHERE id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, family_id);
    auto r = (*st)->step();
    if (!r) return r.error();
    bool v = *r && (*st)->int64(0) != 0;
    (*st)->reset();
    if (cohort_family.size() > 200000) cohort_family.clear();  // bounded memory in long batches
    cohort_family.emplace(family_id, v);
    return v;
  }

  Result<double> tf(const char* kind, const std::string& name,
                    std::unordered_map<std::string, double>& cache) {
    if (name.empty() || total <= 0) return 0.0;
    if (auto it = cache.find(name); it != cache.end()) return it->second;
    auto st = store->cached("SELECT n FROM name_freq WHERE kind = ?1 AND name = ?2");
    if (!st) return st.error();
    (*st)->bind(1, kind).bind(2, name);
    auto r = (*st)->step();
    if (!r) return r.error();
    double v = *r ? static_cast<double>((*st)->int64(0)) / total : 0.0;
    (*st)->reset();
    if (cache.size() > 200000) cache.clear();  // bounded memory in long batches
    cache.emplace(name, v);
    return v;
  }
};

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

Result<Matcher> Matcher::create(Store& store) {
  auto impl = std::make_unique<Impl>();
  impl->store = &store;
  // Lookups read key buckets and people at random over a cohort far larger
  // than any cache a thread can have, so most reads miss whatever its size
  // and come from the OS cache. A page cache that holds the B-trees' inner
  // pages is enough: 64 MiB per thread cost more in growing and searching
  // it than it saved (measured: 8.3 s of CPU for 30,000 queries, 7.7 s with
  // 16 MiB, and a third of the memory).
  SF_TRY(store.db().exec("PRAGMA cache_size = -16384"));
  // People stored before the match index existed (or by a tool that
  // bypassed it) are indexed now: comparing the largest keys is two probes.
  auto maxp = store.db().scalar_int("SELECT coalesce(max(pk), 0) FROM person");
  if (!maxp) return maxp.error();
  auto maxm = store.db().scalar_int("SELECT coalesce(max(pk), 0) FROM match_person");
  if (!maxm) return maxm.error();
  if (*maxp != *maxm) {
    auto tx = sql::Transaction::begin(store.db());
    if (!tx) return tx.error();
    auto st = store.db().prepare(
        "SELECT pk FROM person WHERE pk NOT IN (SELECT pk FROM match_person) ORDER BY pk");
    if (!st) return st.error();
    std::vector<int64_t> missing;
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      missing.push_back(st->int64(0));
    }
    for (int64_t pk : missing) {
      auto p = store.person_by_pk(pk);
      if (!p) return p.error();
      if (*p) SF_TRY(match::index_person(store, **p));
    }
    SF_TRY(tx->commit());
  }
  auto total = store.db().scalar_int("SELECT coalesce(max(n), 0) FROM name_freq WHERE kind = '#'");
  if (!total) return total.error();
  impl->total = static_cast<double>(*total);
  (void)names::Variants::builtin();
  return Matcher(std::move(impl));
}

Result<LookupResult> Matcher::lookup(const Query& query, const LookupOptions& opts) {
  Store& store = *impl_->store;
  LookupResult out;
  match::Norm q = match::normalise(query.given_name, "", query.surname, query.dob, query.postcode, query.house);
  if (!q.dob_text.empty() && !q.dob_valid)
    out.warnings.push_back("dob '" + q.dob_text + "' is not a date: compared as written");
  if (!q.postcode.empty() && !q.postcode_valid)
    out.warnings.push_back("postcode '" + trim(query.postcode) +
                           "' is not a valid UK postcode: compared as written");

  // Candidates: every person sharing a blocking key with the query.
  std::vector<uint64_t> keys = match::query_keys(q);
  std::vector<int64_t> pks;
  SF_TRY(match::probe(store, keys, kMaxBlock, pks));

  // Only what scoring needs is read per candidate; the whole person is read
  // for the few that are reported (most candidates score nothing).
  auto fetch = store.cached(
      "SELECT family_id, given_name, middle_names, surname, dob, postcode, house FROM person WHERE pk = ?1");
  if (!fetch) return fetch.error();
  std::vector<Candidate> cands;
  cands.reserve(pks.size());
  for (int64_t pk : pks) {
    sql::Stmt& s = **fetch;
    s.bind(1, pk);
    auto r = s.step();
    if (!r) return r.error();
    if (!*r) {
      s.reset();
      continue;
    }
    Candidate c;
    Person& p = c.person;
    p.pk = pk;
    p.family_id = s.text(0);
    p.given_name = s.text(1);
    p.middle_names = s.text(2);
    p.surname = s.text(3);
    p.dob = s.text(4);
    p.postcode = s.text(5);
    p.house = s.text(6);
    s.reset();
    c.norm = match::normalise(p.given_name, p.middle_names, p.surname, p.dob, p.postcode, p.house);
    auto gtf = impl_->tf("G", c.norm.given.first, impl_->given_tf);
    if (!gtf) return gtf.error();
    auto stf = impl_->tf("S", c.norm.surname.full, impl_->surname_tf);
    if (!stf) return stf.error();
    c.cmp = match::compare(q, c.norm, *gtf, *stf);
    if (c.cmp.given_differs || c.cmp.bits < match::kPossibleBits) {
      c.band = Band::kNone;
    } else if (c.cmp.exact && c.cmp.strong_eligible) {
      c.band = Band::kExact;
    } else if (c.cmp.strong_eligible) {
      c.band = Band::kStrong;
    } else {
      c.band = Band::kPossible;
    }
    // Only people of families in the cohort (not nominated or closed) count;
    // checked only for those who matter, as most candidates score nothing.
    const bool at_address = c.norm.postcode == q.postcode && !q.postcode.empty();
    if (c.band != Band::kNone || at_address || c.cmp.bits >= match::kPossibleBits) {
      auto in_cohort = impl_->in_cohort(c.person.family_id);
      if (!in_cohort) return in_cohort.error();
      if (!*in_cohort) continue;
    }
    cands.push_back(std::move(c));
  }

  // Two plausible people: neither is strong.
  for (auto& x : cands) {
    if (x.band < Band::kStrong) continue;
    for (const auto& y : cands) {
      if (&x == &y || y.band == Band::kNone || !y.cmp.could_be_same) continue;
      if (y.cmp.bits >= x.cmp.bits - match::kAmbiguityBits) {
        x.band = Band::kPossible;
        break;
      }
    }
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.band != b.band) return a.band > b.band;
    return a.cmp.bits > b.cmp.bits;
  });
  for (const auto& c : cands) {
    if (c.band >= Band::kPossible) ++out.candidates;
    if (c.band == Band::kNone || c.band < opts.min_band) continue;
    if (static_cast<int>(out.matches.size()) >= opts.limit) continue;
    Match m;
    m.band = c.band;
    m.bits = c.cmp.bits;
    m.score = match::score_of(c.cmp.bits);
    auto full = store.person_by_pk(c.person.pk);
    if (!full) return full.error();
    m.person = *full ? std::move(**full) : c.person;
    m.why = c.cmp.why;
    out.matches.push_back(std::move(m));
  }

  // The household: cohort families at the queried postcode and house.
  if (opts.household && match::address_key(q) != 0) {
    std::map<std::string, Household> fams;
    for (const auto& c : cands) {
      if (c.norm.postcode != q.postcode) continue;
      HouseLevel h = c.cmp.why.house;
      bool same = h == HouseLevel::kExact;
      bool same_number = h == HouseLevel::kNumber &&
                         ((q.house.letter.empty() && q.house.flat.empty()) ||
                          (c.norm.house.letter.empty() && c.norm.house.flat.empty()));
      if (!same && !same_number) continue;
      Household& hh = fams[c.person.family_id];
      hh.family_id = c.person.family_id;
      if (same || hh.why.empty()) hh.why = same ? "same postcode and house" : "same postcode and house number";
      bool matched = c.band >= Band::kStrong;
      // A twin shares the date of birth; a sibling the surname, born near.
      DobLevel d = c.cmp.dob_as;
      bool resembles = d == DobLevel::kExact || d == DobLevel::kSwapped || d == DobLevel::kDigit ||
                       (d == DobLevel::kNear && c.cmp.why.surname != SurnameLevel::kDiffers);
      if (!matched && resembles && c.band == Band::kNone) {
        auto full = store.person_by_pk(c.person.pk);
        if (!full) return full.error();
        hh.similar.push_back(*full ? std::move(**full) : c.person);
      }
    }
    for (auto& [id, hh] : fams) {
      if (opts.household_details) {
        auto f = store.family(id);
        if (!f) return f.error();
        if (*f) {
          hh.lead_agency = (*f)->lead_agency;
          hh.lead_contact = (*f)->lead_contact;
        }
        auto n = store.cached("SELECT count(*) FROM person WHERE family_id = ?1");
        if (!n) return n.error();
        (*n)->bind(1, id);
        auto r = (*n)->step();
        if (!r) return r.error();
        hh.people = static_cast<int>((*n)->int64(0));
        (*n)->reset();
      }
      out.household.push_back(std::move(hh));
    }
  }
  return out;
}

}  // namespace sfcohort
