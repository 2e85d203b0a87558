// What SQLite's EXPLAIN QUERY PLAN says of a statement, one line per step,
// for the tests that check a query is answered from an index.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::testing {

inline std::string query_plan(Store& s, const std::string& sql) {
  auto st = db::connection(s).prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(st.has_value());
  std::string out;
  for (;;) {
    auto r = st->step();
    REQUIRE(r.has_value());
    if (!*r) break;
    out += st->text(3) + "\n";
  }
  return out;
}

}  // namespace sfcohort::testing
