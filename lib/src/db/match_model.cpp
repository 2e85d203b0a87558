#include "db/match_model.hpp"

#include "db/store_access.hpp"

namespace sfcohort::match_model {

Status people_at_postcode(Store& store, std::string_view unit, size_t limit,
                          std::vector<int64_t>& pks) {
  auto st = db::cached(store, "SELECT pk FROM person WHERE postcode = ?1 ORDER BY pk LIMIT ?2");
  if (!st) return st.error();
  (*st)->bind(1, unit).bind(2, static_cast<int64_t>(limit));
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    pks.push_back((*st)->int64(0));
  }
  (*st)->reset();
  return Ok{};
}

}  // namespace sfcohort::match_model
