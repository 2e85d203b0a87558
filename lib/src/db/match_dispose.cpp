// Retention's side of the match tables (db/match_tables.hpp): the rows of
// people being disposed of, and names no one holds any more.
#include "db/match_tables.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"

namespace sfcohort::match_tables {

Status delete_indexed_people(Store& store, const std::vector<int64_t>& pks) {
  auto st = db::cached(store, "DELETE FROM match_person WHERE pk = ?1");
  if (!st) return st.error();
  for (int64_t pk : pks) {
    (*st)->bind(1, pk);
    SF_TRY((*st)->run());
  }
  return Ok{};
}

Status drop_unused_names(Store& store) {
  auto st = db::cached(store, "DELETE FROM name_freq WHERE n <= 0 AND kind <> '#'");
  if (!st) return st.error();
  return (*st)->run();
}

}  // namespace sfcohort::match_tables
