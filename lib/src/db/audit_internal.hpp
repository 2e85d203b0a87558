// The store's side of the audit chain: the key, and the head file written
// after each commit that appended entries. Private to lib/src.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sfcohort/result.hpp"

namespace sfcohort {
class Store;
namespace sql {
class Db;
}

namespace audit {

struct Chain {
  sql::Db* db = nullptr;
  std::string keys_dir;
  std::string db_id;
  bool memory = false;
  std::string key;  // raw bytes; loaded on first use
  // The newest entry appended by this connection and not yet written to the
  // head file; written once its transaction commits, dropped on rollback.
  int64_t pending_seq = 0;
  std::string pending_mac;
};

// Checks DB_ID is the 32 lowercase hex digits init made (it names files in
// the key folder), then hooks the chain to DB's commits.
Status attach(Chain& chain, sql::Db& db, std::string keys_dir, std::string db_id, bool memory,
              std::string key);
void detach(Chain& chain, sql::Db& db);
// Writes the head file for an entry committed while the database was out of
// WAL mode (where SQLite's WAL hook does it after every commit). A failed
// write is an Errc::kEnvironment error (after a WAL commit, the commit
// reports it: see sql::Db::after_commit_error).
Status flush_head(Chain& chain);
Status append(Chain& chain, Store& store, const std::string& subject, const nlohmann::json& detail);

std::string head_path(const std::string& keys_dir, const std::string& db_id);
Result<std::string> load_key(const std::string& keys_dir);

}  // namespace audit
}  // namespace sfcohort
