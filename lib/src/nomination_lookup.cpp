// With the lookup engine (sfcohort/lookup.hpp), members are found as
// `sfcohort lookup` finds them: names with their variants, date of birth
// and address, banded exact/strong/possible. Without it (a tree from before
// the engine was merged) the fallback is an exact comparison of given name,
// surname (trimmed, case folded) and date of birth, whatever the family:
// safe to treat as the same person, but blind to nicknames and typos.
#include "nomination_lookup.hpp"

#if __has_include("sfcohort/lookup.hpp")
#include "sfcohort/lookup.hpp"
#define SFCOHORT_HAVE_MATCHER 1
#endif

#include "sfcohort/text.hpp"
#include "sqlite.hpp"

namespace sfcohort::nomination {

#ifdef SFCOHORT_HAVE_MATCHER

struct CohortFinder::Impl {
  Matcher matcher;
};

Result<CohortFinder> CohortFinder::create(Store& store) {
  auto m = Matcher::create(store);
  if (!m) return m.error();
  return CohortFinder(std::make_unique<Impl>(Impl{std::move(*m)}));
}

Result<std::vector<CohortMatch>> CohortFinder::find(const Member& m, const Address& a) {
  Query q;
  q.given_name = m.given_name;
  q.surname = m.surname;
  q.dob = m.dob;
  if (m.resident) {
    q.postcode = a.postcode;
    q.house = a.house;
  }
  LookupOptions opts;
  opts.min_band = Band::kPossible;
  opts.household = false;
  auto r = impl_->matcher.lookup(q, opts);
  if (!r) return r.error();
  std::vector<CohortMatch> out;
  for (const auto& x : r->matches) {
    out.push_back(
        {m.id, std::string(band_name(x.band)), x.person.id, x.person.family_id, x.why.to_string()});
  }
  return out;
}

#else

struct CohortFinder::Impl {
  Store* store;
};

Result<CohortFinder> CohortFinder::create(Store& store) {
  return CohortFinder(std::make_unique<Impl>(Impl{&store}));
}

Result<std::vector<CohortMatch>> CohortFinder::find(const Member& m, const Address&) {
  auto st = impl_->store->cached(
      "SELECT id, family_id, given_name, surname FROM person WHERE dob = ?1 ORDER BY pk");
  if (!st) return st.error();
  (*st)->bind(1, m.dob);
  const std::string g = to_upper_ascii(trim(m.given_name)), s = to_upper_ascii(trim(m.surname));
  std::vector<CohortMatch> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    if (to_upper_ascii(trim((*st)->text_view(2))) == g &&
        to_upper_ascii(trim((*st)->text_view(3))) == s) {
      out.push_back({m.id, "exact", (*st)->text(0), (*st)->text(1),
                     "given_name=exact;surname=exact;dob=exact"});
    }
  }
  (*st)->reset();
  return out;
}

#endif

CohortFinder::CohortFinder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CohortFinder::CohortFinder(CohortFinder&&) noexcept = default;
CohortFinder& CohortFinder::operator=(CohortFinder&&) noexcept = default;
CohortFinder::~CohortFinder() = default;

}  // namespace sfcohort::nomination
