// The SQLite side of the SQL layer (db/sql.hpp): for the few places in db/
// that need SQLite's own API (the audit chain's WAL hook). Private to lib/src.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "db/sql.hpp"

namespace sfcohort::sql {

// Maps an SQLite result code to the contract's error kinds: a busy or locked
// database, a full disk, I/O and "not a database" are environment errors.
Error to_error(sqlite3* db, int rc, std::string_view what);

}  // namespace sfcohort::sql
