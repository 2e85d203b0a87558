// The store's connection, for the code of lib/src/db/ (and the unit tests)
// only: every other module asks the store, or a db/ interface, for what it
// needs, never for a statement.
#pragma once

#include <string>

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

}  // namespace db
}  // namespace sfcohort
