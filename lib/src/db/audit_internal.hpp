// The store's side of the audit chain: the key, and the head file written
// after each commit that appended entries. Private to lib/src.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/audit.hpp"
#include "sfcohort/hash.hpp"
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
  std::string key;      // raw bytes; loaded on first use
  std::string os_user;  // who runs this process; found on first use
  std::string db_path;  // registered beside the keys with the first entry
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
// DISCLOSED, when given and not empty, is sorted, freed of duplicates and
// written with the entry (lib/src/db/disclosure.cpp).
Status append(Chain& chain, Store& store, const std::string& subject, const nlohmann::json& detail,
              std::vector<Disclosure>* disclosed = nullptr);

std::string head_path(const std::string& keys_dir, const std::string& db_id);
// An entry's canonical text: what its MAC and its checkpoint digest cover.
// The JSON array [seq, at, actor, command, purpose, subject, detail(,
// os_user when set)], exactly as nlohmann::json::dump() writes it.
std::string canonical(int64_t seq, std::string_view at, std::string_view actor,
                      std::string_view command, std::string_view purpose, std::string_view subject,
                      std::string_view detail, std::string_view os_user);
Result<std::string> load_key(const std::string& keys_dir);

// One pass over the trail: the HMAC chain from the genesis, the init entry
// first, the head file and the registry beside the keys (CHECK), and the
// keyless digests the checkpoints commit to: each entry's SHA-256 cut to 8
// bytes (D8, in order), and the root after each size in ROOT_SIZES (and 0),
// root_0 = SHA-256("sfcohort audit root\n" || database id), root_i =
// SHA-256(root_{i-1} || SHA-256(canonical text of entry i)).
struct Head {
  int64_t seq = 0;
  std::string mac;
};
struct Walk {
  AuditCheck check;
  std::vector<uint64_t> d8;
  std::map<int64_t, Digest32> roots;
  std::optional<Head> head;  // the head file, as read before the walk
  int64_t head_seq = -1;
  std::string mac_at_head;  // the mac of entry head_seq
  // Per entry that recorded disclosures: the count and digest it recorded;
  // and the totals the retention entries recorded as disposed of.
  std::map<int64_t, std::pair<int64_t, std::string>> disclosed;
  int64_t disposed_people = 0;
  std::vector<std::string> disposed_digests;
};
Result<Walk> walk(Store& store, const std::vector<int64_t>& root_sizes);

// ---- disclosures (lib/src/db/disclosure.cpp)
// The keyed digest of a set of disclosure rows: the XOR of each row's
// SHA-256(K || seq, person id, partner), K = HMAC-SHA-256(audit key,
// "sfcohort disclosure digest"), so neither rows nor digests can be forged
// without the key, and rows removed by retention can be accounted for by
// the XOR of theirs (disclosure_disposed).
struct DisclosureSum {
  int64_t people = 0;
  Digest32 x{};
  void add(const Digest32& d, int64_t n = 1);
  std::string hex() const;
};
Digest32 disclosure_row_digest(const std::string& digest_key, int64_t seq,
                               std::string_view person_id, std::string_view partner);
std::string disclosure_digest_key(const std::string& audit_key);
// Sorts and dedupes ROWS, and returns their sum for entry SEQ.
// Sorts ROWS by person and partner and drops repeats (a person a batch
// returned twice is disclosed once).
void unique_disclosures(std::vector<Disclosure>& rows);
DisclosureSum prepare_disclosures(const std::string& audit_key, int64_t seq,
                                  std::vector<Disclosure>& rows);
// Writes ROWS (prepared) under SEQ, many to a statement.
Status insert_disclosures(Store& store, int64_t seq, const std::vector<Disclosure>& rows);
// During the walk: remembers what entry SEQ's DETAIL says of disclosures.
void note_disclosures(Walk& w, int64_t seq, std::string_view detail);
// After the walk: every entry's disclosure rows, with those disposed of,
// must sum to what the entry recorded, and the disposed ones to what the
// retention entries recorded.
Status check_disclosures(Store& store, Walk& w, const std::string& audit_key);
// Store::dispose_disclosures.
Result<nlohmann::json> dispose_disclosures(Chain& c, Store& store,
                                           const std::vector<std::string>& person_ids);
void check_head(Store& store, Walk& w);
void check_registry(Store& store, Walk& w);

}  // namespace audit
}  // namespace sfcohort
