// Until the lookup engine (sfcohort/lookup.hpp) is on main, a member is
// found by an exact comparison of given name, surname (trimmed, case
// folded) and date of birth, whatever the family: safe to treat as the same
// person, but blind to nicknames and typos. Switch to Matcher here only.
#include "nomination_lookup.hpp"

#include "sfcohort/text.hpp"
#include "sqlite.hpp"

namespace sfcohort::nomination {

Result<std::vector<CohortMatch>> find_in_cohort(Store& store, const Member& m, const Address&) {
  auto st = store.cached(
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

}  // namespace sfcohort::nomination
