// Members are found as `sfcohort lookup` finds them: names with their
// variants, date of birth and address, banded exact/strong/possible.
#include "rules/nomination_lookup.hpp"

#include "sfcohort/lookup.hpp"

namespace sfcohort::nomination {

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

CohortFinder::CohortFinder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CohortFinder::CohortFinder(CohortFinder&&) noexcept = default;
CohortFinder& CohortFinder::operator=(CohortFinder&&) noexcept = default;
CohortFinder::~CohortFinder() = default;

}  // namespace sfcohort::nomination
