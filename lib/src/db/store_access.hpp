// The store's connection, for the code of lib/src/db/ (and the unit tests)
// only: every other module asks the store, or a db/ interface, for what it
// needs, never for a statement.
#pragma once

#include <string>
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

// The first column of every row of ST (bound, not yet stepped), as text;
// ST is reset afterwards.
inline Result<std::vector<std::string>> column_texts(Result<sql::Stmt*> st) {
  if (!st) return st.error();
  std::vector<std::string> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back((*st)->text(0));
  }
  (*st)->reset();
  return out;
}

}  // namespace db
}  // namespace sfcohort
