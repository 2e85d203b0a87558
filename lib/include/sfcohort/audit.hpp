// The tamper-evident audit trail. Entries are appended by Store::audit();
// this header reads and checks them. Each entry's mac is
// HMAC-SHA-256(audit.key, previous mac || "\n" || the entry's canonical
// JSON), the first entry chaining from a value derived from the database id,
// and the newest (seq, mac) is also kept in KEYS/audit-<database id>.head,
// so an edited, inserted, deleted or cut-off entry is detected by anyone
// holding the key.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

struct AuditEntry {
  int64_t seq = 0;
  std::string at;  // UTC, YYYY-MM-DDTHH:MM:SSZ
  std::string actor;
  std::string command;
  std::string purpose;
  std::string subject;
  nlohmann::json detail;
};

// Entries in order, those on or after SINCE (a YYYY-MM-DD date) when given.
Result<std::vector<AuditEntry>> audit_entries(Store& store,
                                              const std::optional<std::string>& since);

struct AuditCheck {
  bool intact = true;
  int64_t entries = 0;
  int64_t first_bad = 0;  // seq of the first bad entry (or where the missing tail starts)
  std::string problem;    // what is wrong, when !intact
  std::vector<std::string> notes;
};

// Recomputes the whole chain and compares its end with the head file.
Result<AuditCheck> verify_audit(Store& store);

// Creates KEYS_DIR (0700) and a random audit.key (0600) if it has none.
// Returns true when a key was made.
Result<bool> ensure_audit_key(const std::string& keys_dir);

}  // namespace sfcohort
