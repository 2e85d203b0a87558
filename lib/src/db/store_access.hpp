// The store's connection, for the code of lib/src/db/ (and the unit tests)
// only: every other module asks the store, or a db/ interface, for what it
// needs, never for a statement.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "db/sqlite.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

class StoreAccess {
 public:
  static sql::Db& db(Store& s) { return s.db(); }
  static Result<sql::Stmt*> cached(Store& s, const std::string& q) { return s.cached(q); }
};

namespace db {

// STORE's connection.
inline sql::Db& connection(Store& store) { return StoreAccess::db(store); }
// A statement prepared once per Store for SQL and reset before it is returned.
inline Result<sql::Stmt*> cached(Store& store, const std::string& sql) {
  return StoreAccess::cached(store, sql);
}

// MAKE of every row of ST (bound, not yet stepped); ST is reset afterwards.
template <typename Make>
auto rows_of(Result<sql::Stmt*> st, Make make)
    -> Result<std::vector<decltype(make(std::declval<sql::Stmt&>()))>> {
  if (!st) return st.error();
  std::vector<decltype(make(std::declval<sql::Stmt&>()))> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(make(**st));
  }
  (*st)->reset();
  return out;
}

// The first column of every row of ST, as text (as rows_of).
inline Result<std::vector<std::string>> column_texts(Result<sql::Stmt*> st) {
  return rows_of(st, [](sql::Stmt& s) { return s.text(0); });
}

}  // namespace db
}  // namespace sfcohort
