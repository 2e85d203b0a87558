// What store.cpp and store_pg.cpp share. Private to lib/src/db.
#pragma once

#include <string_view>
#include <vector>

#include "sfcohort/result.hpp"

namespace sfcohort {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// DIR's migrations, oldest first: "schema/" for SQLite, "schema/pg/" for
// PostgreSQL.
std::vector<Migration> migrations(std::string_view dir);

namespace sql {
class Db;
}
// Gives a new database its random id and creation time in meta (once; an
// existing id is kept). Inside the migrating transaction.
Status ensure_database_id(sql::Db& db);

}  // namespace sfcohort
